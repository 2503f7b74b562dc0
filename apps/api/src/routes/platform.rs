//! Platform administration beyond the original's contract (roadmap P1-6):
//!
//! - `GET /api/v1/platform-settings` — public: name, support e-mail, logo
//!   and default locale, for the sign-in page;
//! - `PUT /api/v1/admin/platform-settings` — system admins
//!   (`system.settings.manage`); partial, explicit `null` clears the
//!   nullable fields; audited as `settings.updated`;
//! - `GET`/`PUT /api/v1/admin/profile` and
//!   `POST /api/v1/admin/profile/change-password` — a system user's own
//!   account (the tenant user endpoints never served platform staff).

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::identity_http::{self as parse, identity_error};
use crate::routes::branches::tenancy_error;
use crate::routes::users::nullable;
use crate::validation::FieldErrors;
use crate::views::UserView;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::service::ProfileUpdate;
use harmony_tenancy::platform::{PlatformService, PlatformSettings, PlatformSettingsUpdate};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/platform-settings", web::get().to(settings))
        .route("/admin/platform-settings", web::put().to(update_settings))
        .route("/admin/profile", web::get().to(profile))
        .route("/admin/profile", web::put().to(update_profile))
        .route(
            "/admin/profile/change-password",
            web::post().to(change_password),
        );
}

/// The platform settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformSettingsView {
    platform_name: String,
    support_email: Option<String>,
    logo_url: Option<String>,
    default_locale: String,
    updated_at: Option<String>,
}

impl From<&PlatformSettings> for PlatformSettingsView {
    fn from(s: &PlatformSettings) -> Self {
        Self {
            platform_name: s.platform_name.clone(),
            support_email: s.support_email.clone(),
            logo_url: s.logo_url.clone(),
            default_locale: s.default_locale.clone(),
            updated_at: s.updated_at.map(format_utc),
        }
    }
}

/// How the platform presents itself; no authentication needed.
#[utoipa::path(get, path = "/platform-settings", tag = "platform",
    responses((status = 200, body = PlatformSettingsView)))]
pub async fn settings(platform: web::Data<PlatformService>) -> Result<HttpResponse, ApiError> {
    let s = platform.settings().await.map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(PlatformSettingsView::from(&s)))
}

/// Changes the platform settings; only the keys sent change.
#[utoipa::path(put, path = "/admin/platform-settings", tag = "platform", request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = PlatformSettingsView), (status = 403), (status = 409), (status = 422)))]
pub async fn update_settings(
    platform: web::Data<PlatformService>,
    caller: Caller,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let required = |e: &mut FieldErrors, key: &str| match nullable(e, &body, key) {
        Some(None) => {
            e.push("body", key, "Input should be a valid string", "string_type");
            None
        }
        other => other.flatten(),
    };
    let update = PlatformSettingsUpdate {
        platform_name: required(&mut e, "platform_name"),
        support_email: nullable(&mut e, &body, "support_email"),
        logo_url: nullable(&mut e, &body, "logo_url"),
        default_locale: required(&mut e, "default_locale"),
    };
    e.finish()?;
    let s = platform
        .update(&caller.principal, update)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(PlatformSettingsView::from(&s)))
}

/// The calling system user's account.
#[utoipa::path(get, path = "/admin/profile", tag = "platform", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403)))]
pub async fn profile(
    identity: web::Data<IdentityService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let user = identity
        .system_profile(&caller.principal)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Changes the calling system user's names and phone.
#[utoipa::path(put, path = "/admin/profile", tag = "platform", request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403), (status = 422)))]
pub async fn update_profile(
    identity: web::Data<IdentityService>,
    caller: Caller,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let name = |e: &mut FieldErrors, key: &str| {
        nullable(e, &body, key).map(|v| v.and_then(|s| parse::optional_name(e, key, Some(&s))))
    };
    let first_name = name(&mut e, "first_name");
    let last_name = name(&mut e, "last_name");
    let phone =
        nullable(&mut e, &body, "phone").map(|v| v.filter(|p| e.max_len("body", "phone", p, 20)));
    e.finish()?;
    let user = identity
        .update_system_profile(
            &caller.principal,
            ProfileUpdate {
                first_name,
                last_name,
                phone,
            },
        )
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Changes the calling system user's password and signs out every session.
#[utoipa::path(post, path = "/admin/profile/change-password", tag = "platform",
    request_body = crate::routes::users_account::ChangePasswordBody, security(("bearer" = [])),
    responses((status = 200, body = crate::views::MessageView), (status = 400), (status = 403), (status = 422)))]
pub async fn change_password(
    identity: web::Data<IdentityService>,
    caller: Caller,
    body: web::Json<crate::routes::users_account::ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    if caller.principal.system_role().is_none() {
        return Err(identity_error(
            harmony_kernel::AccessError::SystemRequired.into(),
        ));
    }
    crate::routes::users_account::change_own_password(&identity, &caller, body.into_inner()).await
}

/// The OpenAPI description of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(settings, update_settings, profile, update_profile, change_password),
        components(schemas(PlatformSettingsView))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}
