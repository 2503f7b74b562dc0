//! `/api/v1/admin/users`: every user of the platform (contract §3.2 A1).

use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::identity_error;
use crate::routes::user_query::{ListQuery, users_page};
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(list));
}

/// Lists active users of all tenants and the platform (system admins and operators).
#[utoipa::path(get, path = "/admin/users", tag = "admin", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = crate::routes::user_query::UsersPageView), (status = 403)))]
pub async fn list(
    identity: web::Data<IdentityService>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page) = q.into_inner().parse(500, 100, true)?;
    let found = identity
        .list_all_users(&caller.principal, filter, page)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(users_page(&found, page)))
}

/// The OpenAPI description of this route.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub struct AdminUsersDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <AdminUsersDoc as utoipa::OpenApi>::openapi()
}
