//! `DELETE /api/v1/tenant-settings/account`: account closure (§3.4 #12,
//! §10.3, defect 37).
//!
//! A module of its own, registered BEFORE `tenant_settings`: it is a single
//! resource at the full path, which the `/tenant-settings` scope (no
//! fall-through once its prefix matched) would otherwise shadow.
//!
//! Decisions: `deleted_at` is the contract's literal `"now"` (the client
//! only displays it); the delete is a hard delete of the tenant and
//! everything of it in one transaction; there is no audit row yet (no audit
//! module) and stored files (S3 objects) are not deleted until the files
//! module queues their removal through the outbox.

use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::{self as parse, identity_error};
use crate::validation::FieldErrors;
use actix_web::{HttpResponse, web};
use harmony_identity::{IdentityError, IdentityService};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/tenant-settings/account").route(web::delete().to(close_account)));
}

/// Body of the closure request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ClosureBody {
    /// Must be exactly `DELETE MY ACCOUNT`.
    confirmation_phrase: Option<String>,
    /// The owner's password.
    password: Option<String>,
}

/// Answer of a closure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedView {
    message: &'static str,
    tenant_name: String,
    /// Always the literal `"now"` (contract).
    deleted_at: &'static str,
}

/// Closes the caller's tenant for good (owner only): the tenant, its
/// branches, users, sessions and tokens are deleted in one transaction.
#[utoipa::path(delete, path = "/tenant-settings/account", tag = "tenant-settings",
    request_body = ClosureBody, security(("bearer" = [])),
    responses((status = 200, body = ClosedView), (status = 400), (status = 403), (status = 422)))]
pub async fn close_account(
    identity: web::Data<IdentityService>,
    caller: Caller,
    body: web::Json<ClosureBody>,
) -> Result<HttpResponse, ApiError> {
    // the guard answers before the body is validated (403 before 422)
    caller
        .principal
        .require_owner()
        .map_err(|e| identity_error(IdentityError::from(e)))?;
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let phrase = parse::required(&mut e, "confirmation_phrase", b.confirmation_phrase);
    let password = parse::secret(&mut e, "password", b.password);
    e.finish()?;
    let (Some(phrase), Some(password)) = (phrase, password) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let tenant = identity
        .close_account(&caller.principal, &phrase, &password)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(ClosedView {
        message: "Account closed successfully",
        tenant_name: tenant.name,
        deleted_at: "now",
    }))
}

/// The OpenAPI description of this route.
#[derive(utoipa::OpenApi)]
#[openapi(paths(close_account))]
pub struct AccountClosureDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <AccountClosureDoc as utoipa::OpenApi>::openapi()
}
