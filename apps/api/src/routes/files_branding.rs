//! `/api/v1/files/tenant/logo…` and `/api/v1/files/users/{user_id}/avatar…`
//! (contract §3.9 #9–16): the tenant's logo and users' avatars.
//!
//! Setting one confirms its upload, retires every previous image of that
//! tenant/user and stores the public URL in `tenants.logo_url` /
//! `users.avatar_url` (defect 17); the avatar rule uses real roles and the
//! target must be a user of the tenant (defect 20). Registered by
//! [`super::files::configure`] inside the one `/files` scope.

use super::files::{Files, StorageKeyQuery, path_uuid};
use super::files_parse::{confirm_body, files_error, image_upload, tenant_context};
use super::files_views::{FileView, PresignedUploadView};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::validation::FieldErrors;
use actix_web::{HttpRequest, HttpResponse, web};
use harmony_files::FileRecord;
use harmony_files::service::{ImageUpload, PresignedUpload};
use harmony_kernel::UserId;
use serde_json::Value;

fn parse_image(body: &Value) -> Result<ImageUpload, ApiError> {
    let mut e = FieldErrors::new();
    let upload = image_upload(&mut e, "body", body);
    e.finish()?;
    upload.ok_or_else(|| ApiError::internal("validated without values"))
}

fn presigned(p: &PresignedUpload) -> HttpResponse {
    HttpResponse::Ok().json(PresignedUploadView::from(p))
}

/// `FileResponse` or JSON `null`.
fn file_or_null(f: Option<&FileRecord>) -> HttpResponse {
    HttpResponse::Ok().json(f.map(FileView::from))
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    path_uuid("user_id", raw).map(UserId::from_uuid)
}

/// §3.9 #9: a signed upload for a new logo (`settings.update`).
#[utoipa::path(operation_id = "files_logo_presign", post, path = "/files/tenant/logo/presign", tag = "files", request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = PresignedUploadView), (status = 400), (status = 403),
        (status = 422), (status = 503)))]
pub async fn presign_logo(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let upload = parse_image(&body)?;
    let p = files
        .presign_logo(&caller.principal, tenant, &upload)
        .await
        .map_err(files_error)?;
    Ok(presigned(&p))
}

/// §3.9 #10: makes an uploaded image the tenant's logo; the old ones are retired.
#[utoipa::path(operation_id = "files_logo_set", post, path = "/files/tenant/logo", tag = "files", request_body = Object,
    params(StorageKeyQuery), security(("bearer" = [])),
    responses((status = 201, body = FileView), (status = 400), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn set_logo(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<StorageKeyQuery>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let c = confirm_body(q.into_inner().storage_key, &body, true)?;
    let file = files
        .set_logo(
            &caller.principal,
            tenant,
            &c.storage_key,
            c.confirm.as_ref(),
        )
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Created().json(FileView::from(&file)))
}

/// §3.9 #11: the current logo, or `null`.
#[utoipa::path(operation_id = "files_logo_get", get, path = "/files/tenant/logo", tag = "files", security(("bearer" = [])),
    responses((status = 200, body = Option<FileView>), (status = 403)))]
pub async fn logo(
    files: Files,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let file = files
        .logo(&caller.principal, tenant)
        .await
        .map_err(files_error)?;
    Ok(file_or_null(file.as_ref()))
}

/// §3.9 #12: removes the logo (204 also when there is none).
#[utoipa::path(operation_id = "files_logo_delete", delete, path = "/files/tenant/logo", tag = "files", security(("bearer" = [])),
    responses((status = 204), (status = 403)))]
pub async fn delete_logo(
    files: Files,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    files
        .delete_logo(&caller.principal, tenant)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// §3.9 #13: a signed upload for a user's avatar (self, owner/admin, system admin).
#[utoipa::path(operation_id = "files_avatar_presign", post, path = "/files/users/{user_id}/avatar/presign", tag = "files",
    request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = PresignedUploadView), (status = 400), (status = 403),
        (status = 404), (status = 422), (status = 503)))]
pub async fn presign_avatar(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&path)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let upload = parse_image(&body)?;
    let p = files
        .presign_avatar(&caller.principal, tenant, user, &upload)
        .await
        .map_err(files_error)?;
    Ok(presigned(&p))
}

/// §3.9 #14: makes an uploaded image the user's avatar; the old ones are retired.
#[utoipa::path(operation_id = "files_avatar_set", post, path = "/files/users/{user_id}/avatar", tag = "files", request_body = Object,
    params(StorageKeyQuery), security(("bearer" = [])),
    responses((status = 201, body = FileView), (status = 400), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn set_avatar(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    q: web::Query<StorageKeyQuery>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&path)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let c = confirm_body(q.into_inner().storage_key, &body, true)?;
    let file = files
        .set_avatar(
            &caller.principal,
            tenant,
            user,
            &c.storage_key,
            c.confirm.as_ref(),
        )
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Created().json(FileView::from(&file)))
}

/// §3.9 #15: the user's current avatar, or `null`.
#[utoipa::path(operation_id = "files_avatar_get", get, path = "/files/users/{user_id}/avatar", tag = "files",
    security(("bearer" = [])),
    responses((status = 200, body = Option<FileView>), (status = 403), (status = 422)))]
pub async fn avatar(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&path)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let file = files
        .avatar(&caller.principal, tenant, user)
        .await
        .map_err(files_error)?;
    Ok(file_or_null(file.as_ref()))
}

/// §3.9 #16: removes the user's avatar (204 also when there is none).
#[utoipa::path(operation_id = "files_avatar_delete", delete, path = "/files/users/{user_id}/avatar", tag = "files",
    security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_avatar(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&path)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    files
        .delete_avatar(&caller.principal, tenant, user)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::NoContent().finish())
}
