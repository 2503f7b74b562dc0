//! Impersonation (roadmap P2-3; not in the original's contract):
//!
//! - `POST /api/v1/admin/impersonation` — a system admin with
//!   `system.tenants.impersonate` starts acting as a tenant user, giving a
//!   reason; the answer holds an access token only (no refresh token) that
//!   expires after `duration_minutes` (default 15, at most 60) and carries the
//!   RFC 8693 `act` claim naming the admin.
//! - `POST /api/v1/auth/impersonation/end` — called with that token, ends
//!   it at once (`POST /auth/logout` does the same).
//!
//! Every request made with the token is attributed to both people in the
//! audit trail; password changes, account closure, self-deletion and
//! ownership transfer answer 403 `impersonation_forbidden`.

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::identity_http::identity_error;
use crate::validation::FieldErrors;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::service::ImpersonationRequest;
use harmony_kernel::UserId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/impersonation", web::post().to(start))
        .route("/auth/impersonation/end", web::post().to(end));
}

/// Body of `POST /admin/impersonation`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StartBody {
    /// The tenant user to act as.
    user_id: Option<String>,
    /// Why (3–500 characters); recorded in both audit trails.
    reason: Option<String>,
    /// 1–60, default 15.
    duration_minutes: Option<i64>,
}

/// A started impersonation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpersonationView {
    access_token: String,
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: i64,
    expires_at: String,
    started_at: String,
    session_id: String,
    user_id: String,
    tenant_id: String,
    /// The admin acting (also the token's `act.sub`).
    actor_id: String,
    reason: String,
}

/// Starts acting as a tenant user, for support.
#[utoipa::path(post, path = "/admin/impersonation", tag = "admin-impersonation",
    request_body = StartBody, security(("bearer" = [])),
    responses((status = 201, body = ImpersonationView), (status = 403), (status = 404),
        (status = 409, description = "inactive user or tenant, or a system user"), (status = 422)))]
pub async fn start(
    identity: web::Data<IdentityService>,
    caller: Caller,
    body: web::Json<StartBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let user_id = e
        .required("body", "user_id", b.user_id)
        .and_then(|raw| e.parse_uuid("body", "user_id", &raw));
    let reason = e.required("body", "reason", b.reason);
    let minutes = b.duration_minutes.and_then(|m| {
        let m = u32::try_from(m).ok();
        if m.is_none() {
            e.greater_than_equal("body", "duration_minutes", 1);
        }
        m
    });
    e.finish()?;
    let (Some(user_id), Some(reason)) = (user_id, reason) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let started = identity
        .start_impersonation(
            &caller.principal,
            ImpersonationRequest {
                user_id: UserId::from_uuid(user_id),
                reason,
                minutes,
            },
        )
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Created().json(ImpersonationView {
        expires_in: (started.expires_at - started.started_at).whole_seconds(),
        access_token: started.access_token,
        token_type: "bearer",
        expires_at: format_utc(started.expires_at),
        started_at: format_utc(started.started_at),
        session_id: started.session_id.to_string(),
        user_id: started.user_id.to_string(),
        tenant_id: started.tenant_id.to_string(),
        actor_id: started.actor_id.to_string(),
        reason: started.reason,
    }))
}

/// Ends the caller's impersonation.
#[utoipa::path(post, path = "/auth/impersonation/end", tag = "admin-impersonation",
    security(("bearer" = [])),
    responses((status = 200, body = crate::views::MessageView),
        (status = 400, description = "not an impersonation token"), (status = 401)))]
pub async fn end(
    identity: web::Data<IdentityService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    identity
        .end_impersonation(&caller.principal)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(crate::views::MessageView {
        message: "Impersonation ended",
    }))
}

/// The OpenAPI description of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(start, end), components(schemas(StartBody, ImpersonationView)))]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}
