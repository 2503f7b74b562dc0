//! `/api/v1/users`: tenant user management (contract §3.2).

use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::{self as parse, identity_error};
use crate::routes::user_query::{ListQuery, users_page};
use crate::validation::FieldErrors;
use crate::views::UserView;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::service::{NewUser, UserUpdate};
use harmony_kernel::{BranchId, TenantRole, UserId};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Registers the routes; static segments before `/{user_id}` (defect 5).
pub fn configure(cfg: &mut web::ServiceConfig) {
    use super::users_account::{change_password, delete_me, invite, transfer_ownership};
    cfg.service(
        web::scope("/users")
            .route("", web::get().to(list))
            .route("", web::post().to(create))
            .route("/me", web::delete().to(delete_me))
            .route("/invite", web::post().to(invite))
            .route("/transfer-ownership", web::post().to(transfer_ownership))
            .route("/{user_id}", web::get().to(get))
            .route("/{user_id}", web::put().to(update))
            .route("/{user_id}", web::delete().to(delete))
            .route(
                "/{user_id}/change-password",
                web::post().to(change_password),
            ),
    );
}

pub(crate) type Identity = web::Data<IdentityService>;

pub(crate) fn user_id(raw: &str) -> Result<UserId, ApiError> {
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("path", "user_id", raw);
    e.finish()?;
    Ok(UserId::from_uuid(id.unwrap_or_default()))
}

pub(crate) fn role(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<TenantRole> {
    match raw {
        None => Some(TenantRole::Member),
        Some(r @ ("admin" | "member")) => TenantRole::parse(r),
        Some(_) => {
            e.literal_error("body", field, &["admin", "member"]);
            None
        }
    }
}

pub(crate) fn branch(e: &mut FieldErrors, raw: Option<&str>) -> Option<BranchId> {
    raw.and_then(|b| e.parse_uuid("body", "default_branch_id", b))
        .map(BranchId::from_uuid)
}

pub(crate) fn business_role(e: &mut FieldErrors, raw: Option<String>) -> Option<String> {
    raw.filter(|b| e.max_len("body", "business_role", b, 50))
}

/// Lists the tenant's active users.
#[utoipa::path(get, path = "/users", tag = "users", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = crate::routes::user_query::UsersPageView)))]
pub async fn list(
    identity: Identity,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page) = q.into_inner().parse(100, 20, false)?;
    let found = identity
        .list_users(&caller.principal, filter, page)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(users_page(&found, page)))
}

/// `POST /users` (`UserCreate`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateUserBody {
    email: Option<String>,
    password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    tenant_role: Option<String>,
    business_role: Option<String>,
    default_branch_id: Option<String>,
}

/// Creates an active, verified user in the caller's tenant.
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUserBody, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 400), (status = 403, description = "limit or subscription")))]
pub async fn create(
    identity: Identity,
    caller: Caller,
    body: web::Json<CreateUserBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let email = parse::signup_email(&mut e, "email", b.email);
    let password = parse::password(&mut e, "password", b.password);
    let first_name = parse::optional_name(&mut e, "first_name", b.first_name.as_deref());
    let last_name = parse::optional_name(&mut e, "last_name", b.last_name.as_deref());
    let tenant_role = role(&mut e, "tenant_role", b.tenant_role.as_deref());
    let default_branch_id = branch(&mut e, b.default_branch_id.as_deref());
    let business_role = business_role(&mut e, b.business_role);
    e.finish()?;
    let (Some(email), Some(password), Some(tenant_role)) = (email, password, tenant_role) else {
        return Err(ApiError::internal("validation passed without values"));
    };
    let cmd = NewUser {
        email,
        password,
        first_name,
        last_name,
        phone: b.phone,
        tenant_role,
        business_role,
        default_branch_id,
    };
    let user = identity
        .create_user(&caller.principal, cmd)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// One user of the caller's tenant (other tenants' ids → 404).
#[utoipa::path(get, path = "/users/{user_id}", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404)))]
pub async fn get(
    identity: Identity,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = user_id(&path)?;
    let user = identity
        .get_user(&caller.principal, id)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// A nullable string key: absent → `None`, `null` → `Some(None)`.
#[allow(
    clippy::option_option,
    reason = "PUT distinguishes an absent key from an explicit null"
)]
pub(crate) fn nullable(
    e: &mut FieldErrors,
    body: &Map<String, Value>,
    key: &str,
) -> Option<Option<String>> {
    match body.get(key)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => {
            e.push("body", key, "Input should be a valid string", "string_type");
            None
        }
    }
}

fn parse_update(body: &Map<String, Value>) -> Result<UserUpdate, ApiError> {
    let mut e = FieldErrors::new();
    let name = |e: &mut FieldErrors, key: &str| {
        nullable(e, body, key).map(|v| v.and_then(|s| parse::optional_name(e, key, Some(&s))))
    };
    let first_name = name(&mut e, "first_name");
    let last_name = name(&mut e, "last_name");
    let default_branch_id = nullable(&mut e, body, "default_branch_id")
        .map(|v| v.and_then(|s| branch(&mut e, Some(&s))));
    let tenant_role = match body.get("tenant_role") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) => role(&mut e, "tenant_role", Some(r)),
        Some(_) => role(&mut e, "tenant_role", Some("")),
    };
    let business_role = nullable(&mut e, body, "business_role")
        .map(|v| v.filter(|b| e.max_len("body", "business_role", b, 50)));
    let is_active = match body.get("is_active") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            e.push(
                "body",
                "is_active",
                "Input should be a valid boolean",
                "bool_type",
            );
            None
        }
    };
    let phone = nullable(&mut e, body, "phone");
    let avatar_url = nullable(&mut e, body, "avatar_url");
    e.finish()?;
    Ok(UserUpdate {
        first_name,
        last_name,
        phone,
        avatar_url,
        default_branch_id,
        tenant_role,
        business_role,
        is_active,
    })
}

/// Updates a user; only the keys sent change (explicit `null` clears).
#[utoipa::path(put, path = "/users/{user_id}", tag = "users", request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400), (status = 403), (status = 404)))]
pub async fn update(
    identity: Identity,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let id = user_id(&path)?;
    let update = parse_update(&body)?;
    let user = identity
        .update_user(&caller.principal, id, update)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Soft-deletes a user (not yourself, not the owner).
#[utoipa::path(delete, path = "/users/{user_id}", tag = "users", security(("bearer" = [])),
    responses((status = 204), (status = 400), (status = 404)))]
pub async fn delete(
    identity: Identity,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = user_id(&path)?;
    identity
        .delete_user(&caller.principal, id)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    get,
    update,
    delete,
    super::users_account::change_password,
    super::users_account::invite,
    super::users_account::transfer_ownership,
    super::users_account::delete_me
))]
pub struct UsersDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <UsersDoc as utoipa::OpenApi>::openapi()
}
