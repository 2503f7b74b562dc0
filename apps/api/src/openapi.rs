//! The OpenAPI 3.1 document, generated from code with utoipa.
//!
//! Each route module exposes `pub fn openapi() -> utoipa::openapi::OpenApi` (usually a
//! `#[derive(OpenApi)] struct Doc;` listing its `#[utoipa::path]` handlers and
//! `ToSchema` DTOs, with paths written relative to `/api/v1`) and is listed in
//! [`crate::routes::modules`]; [`document`] nests every module under `/api/v1` and
//! merges it into the base document below.

use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{Envelope, EnvelopeBody, ErrorBody, RateLimitBody, RateLimitDetail};
use crate::health::{DetailedHealth, Health, RootInfo, Services};
use crate::routes::{API_PREFIX, RouteModule};
use crate::validation::FieldError;

/// Name of the bearer security scheme; use `security(("bearer" = []))` on protected paths.
pub const BEARER: &str = "bearer";

/// Base document: global endpoints, error schemas, bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Harmony API", version = "1.0.0", description = "Multi-tenant SaaS foundation"),
    paths(crate::health::root, crate::health::health, crate::health::detailed),
    components(schemas(
        ErrorBody, EnvelopeBody, Envelope, FieldError, RateLimitBody, RateLimitDetail,
        RootInfo, Health, DetailedHealth, Services
    )),
    modifiers(&BearerScheme),
    tags((name = "health", description = "Root banner and health checks"))
)]
pub struct ApiDoc;

/// Adds the `bearer` (JWT) security scheme.
#[derive(Debug, Clone, Copy)]
pub struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let http = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    }
}

/// The base document (global endpoints only).
pub fn openapi() -> OpenApiDoc {
    ApiDoc::openapi()
}

/// The full document: base + every route module nested under `/api/v1`.
pub fn document(modules: &[RouteModule]) -> OpenApiDoc {
    modules
        .iter()
        .fold(openapi(), |doc, m| doc.nest(API_PREFIX, (m.openapi)()))
}
