//! `/api/v1/files`: uploads, listing, downloads, edits and deletion of a
//! tenant's files (contract §3.9 #1–8) and the admin download (#17).
//!
//! One `/files` scope holds every files route in precedence order: the
//! static segments (`/upload/…`, `/storage`, `/tenant/logo…`, `/users/…`,
//! `/admin/…`, `/blob/…`, `/public/…`) come before `/{file_id}`. Logo and
//! avatar handlers live in [`super::files_branding`], the local backend's
//! byte endpoints in [`super::files_blob`].
//!
//! Every use case runs in `FilesService`, which enforces the guards
//! (G-LPERM + G-CTX + tenant active) and the ADR 0008 rules; handlers parse,
//! call one method and render.

use super::files_parse::{confirm_body, files_error, parse_patch, tenant_context, upload_request};
use super::files_views::{
    FileDownloadView, FileView, FilesPageView, PresignedUploadView, StorageUsageView,
};
use super::{files_blob, files_branding as branding};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::validation::FieldErrors;
use actix_web::{HttpRequest, HttpResponse, web};
use harmony_files::{FileCategory, FilesService, ports::FileFilter};
use harmony_kernel::PageRequest;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// Registers every `/files` route, static segments before `/{file_id}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/files")
            .route("", web::get().to(list))
            .route("/upload/presign", web::post().to(presign))
            .route("/upload/confirm", web::post().to(confirm))
            .route("/storage", web::get().to(storage))
            .route(
                "/tenant/logo/presign",
                web::post().to(branding::presign_logo),
            )
            .route("/tenant/logo", web::post().to(branding::set_logo))
            .route("/tenant/logo", web::get().to(branding::logo))
            .route("/tenant/logo", web::delete().to(branding::delete_logo))
            .route(
                "/users/{user_id}/avatar/presign",
                web::post().to(branding::presign_avatar),
            )
            .route(
                "/users/{user_id}/avatar",
                web::post().to(branding::set_avatar),
            )
            .route("/users/{user_id}/avatar", web::get().to(branding::avatar))
            .route(
                "/users/{user_id}/avatar",
                web::delete().to(branding::delete_avatar),
            )
            .route("/admin/{file_id}/download", web::get().to(admin_download))
            .configure(files_blob::configure)
            .route("/{file_id}", web::get().to(get))
            .route("/{file_id}", web::patch().to(patch))
            .route("/{file_id}", web::delete().to(delete))
            .route("/{file_id}/download", web::get().to(download)),
    );
}

/// The files service as app data.
pub(crate) type Files = web::Data<FilesService>;

/// A UUID path parameter (422 `path -> <name>`).
pub(crate) fn path_uuid(name: &str, raw: &str) -> Result<Uuid, ApiError> {
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("path", name, raw);
    e.finish()?;
    Ok(id.unwrap_or_default())
}

/// §3.9 #1: validates the declaration and returns a signed upload URL.
#[utoipa::path(operation_id = "files_presign", post, path = "/files/upload/presign", tag = "files", request_body = Object,
    params(("X-Tenant-ID" = Option<String>, Header, description = "tenant of a system user")),
    security(("bearer" = [])),
    responses((status = 200, body = PresignedUploadView), (status = 400), (status = 403),
        (status = 422), (status = 503)))]
pub async fn presign(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let mut e = FieldErrors::new();
    let upload = upload_request(&mut e, "body", &body);
    e.finish()?;
    let upload = upload.ok_or_else(|| ApiError::internal("validated without values"))?;
    let presigned = files
        .presign(&caller.principal, tenant, &upload)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(PresignedUploadView::from(&presigned)))
}

/// `?storage_key=` of the confirm endpoints.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct StorageKeyQuery {
    /// The key returned by presign (required).
    pub storage_key: Option<String>,
}

/// §3.9 #2: confirms an uploaded object; size and type come from storage.
#[utoipa::path(operation_id = "files_confirm", post, path = "/files/upload/confirm", tag = "files", request_body = Object,
    params(StorageKeyQuery), security(("bearer" = [])),
    responses((status = 201, body = FileView), (status = 400), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn confirm(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<StorageKeyQuery>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let c = confirm_body(q.into_inner().storage_key, &body, false)?;
    let file = files
        .confirm(
            &caller.principal,
            tenant,
            &c.storage_key,
            c.confirm.as_ref(),
        )
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Created().json(FileView::from(&file)))
}

/// Filters and page of the file list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// Exact category.
    category: Option<String>,
    /// Exact resource type.
    resource_type: Option<String>,
    /// Exact resource id (UUID).
    resource_id: Option<String>,
    /// Page number, ≥ 1 (1).
    page: Option<String>,
    /// Page size, 1–100 (20).
    page_size: Option<String>,
}

/// §3.9 #3: the tenant's active files, newest first.
#[utoipa::path(operation_id = "files_list", get, path = "/files", tag = "files", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = FilesPageView), (status = 403), (status = 422)))]
pub async fn list(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let q = q.into_inner();
    let mut e = FieldErrors::new();
    let category = q.category.and_then(|c| {
        let parsed = FileCategory::parse(&c);
        if parsed.is_none() {
            let names: Vec<&str> = FileCategory::ALL.iter().map(|c| c.as_str()).collect();
            e.literal_error("query", "category", &names);
        }
        parsed
    });
    let resource_id = q
        .resource_id
        .and_then(|r| e.parse_uuid("query", "resource_id", &r));
    let page = q.page.map_or(Some(1), |p| {
        e.parse_int("query", "page", &p, Some(1u64), None)
    });
    let page_size = q.page_size.map_or(Some(20), |p| {
        e.parse_int("query", "page_size", &p, Some(1u64), Some(100))
    });
    e.finish()?;
    let (page, page_size) = (page.unwrap_or(1), page_size.unwrap_or(20));
    let filter = FileFilter {
        category,
        resource_type: q.resource_type,
        resource_id,
    };
    let request = PageRequest {
        skip: (page - 1).saturating_mul(page_size),
        limit: page_size,
    };
    let found = files
        .list(&caller.principal, tenant, &filter, request)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(FilesPageView::new(&found, page, page_size)))
}

/// §3.9 #4: the tenant's storage use and quota.
#[utoipa::path(operation_id = "files_storage", get, path = "/files/storage", tag = "files", security(("bearer" = [])),
    responses((status = 200, body = StorageUsageView), (status = 403)))]
pub async fn storage(
    files: Files,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_context(&req, &caller.principal)?;
    let usage = files
        .storage_usage(&caller.principal, tenant)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(StorageUsageView::from(&usage)))
}

/// §3.9 #5: one active file of the tenant.
#[utoipa::path(operation_id = "files_get", get, path = "/files/{file_id}", tag = "files", security(("bearer" = [])),
    responses((status = 200, body = FileView), (status = 404), (status = 422)))]
pub async fn get(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid("file_id", &path)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let file = files
        .get(&caller.principal, tenant, id)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(FileView::from(&file)))
}

/// `?inline=` of the downloads.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct DownloadQuery {
    /// `inline` instead of `attachment` disposition (false).
    inline: Option<String>,
}

fn inline_flag(q: DownloadQuery) -> Result<bool, ApiError> {
    let mut e = FieldErrors::new();
    let inline = q.inline.and_then(|v| e.parse_bool("query", "inline", &v));
    e.finish()?;
    Ok(inline.unwrap_or(false))
}

/// §3.9 #6: a signed download URL.
#[utoipa::path(operation_id = "files_download", get, path = "/files/{file_id}/download", tag = "files", params(DownloadQuery),
    security(("bearer" = [])),
    responses((status = 200, body = FileDownloadView), (status = 404), (status = 422)))]
pub async fn download(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    q: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid("file_id", &path)?;
    let inline = inline_flag(q.into_inner())?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let d = files
        .download(&caller.principal, tenant, id, inline)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(FileDownloadView::from(&d)))
}

/// §3.9 #7: renames, merges metadata, flips `is_public`; members only
/// their own uploads.
#[utoipa::path(operation_id = "files_patch", patch, path = "/files/{file_id}", tag = "files", request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = FileView), (status = 403), (status = 404), (status = 422)))]
pub async fn patch(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid("file_id", &path)?;
    let changes = parse_patch(&body)?;
    let tenant = tenant_context(&req, &caller.principal)?;
    let file = files
        .patch(&caller.principal, tenant, id, &changes)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(FileView::from(&file)))
}

/// `?hard_delete=` of the delete.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct DeleteQuery {
    /// Remove the row too (false: soft delete).
    hard_delete: Option<String>,
}

/// §3.9 #8: soft (default) or hard delete; storage is released once.
#[utoipa::path(operation_id = "files_delete", delete, path = "/files/{file_id}", tag = "files", params(DeleteQuery),
    security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn delete(
    files: Files,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    q: web::Query<DeleteQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid("file_id", &path)?;
    let mut e = FieldErrors::new();
    let hard = q
        .into_inner()
        .hard_delete
        .and_then(|v| e.parse_bool("query", "hard_delete", &v));
    e.finish()?;
    let tenant = tenant_context(&req, &caller.principal)?;
    files
        .delete(&caller.principal, tenant, id, hard.unwrap_or(false))
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// §3.9 #17: a signed download of any tenant's active file (system admins).
#[utoipa::path(operation_id = "files_admin_download", get, path = "/files/admin/{file_id}/download", tag = "files",
    params(DownloadQuery), security(("bearer" = [])),
    responses((status = 200, body = FileDownloadView), (status = 403), (status = 404)))]
pub async fn admin_download(
    files: Files,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid("file_id", &path)?;
    let inline = inline_flag(q.into_inner())?;
    let d = files
        .admin_download(&caller.principal, id, inline)
        .await
        .map_err(files_error)?;
    Ok(HttpResponse::Ok().json(FileDownloadView::from(&d)))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    presign,
    confirm,
    list,
    storage,
    get,
    download,
    patch,
    delete,
    admin_download,
    branding::presign_logo,
    branding::set_logo,
    branding::logo,
    branding::delete_logo,
    branding::presign_avatar,
    branding::set_avatar,
    branding::avatar,
    branding::delete_avatar,
    files_blob::put_blob,
    files_blob::get_blob,
    files_blob::public_blob,
))]
pub struct FilesDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <FilesDoc as utoipa::OpenApi>::openapi()
}
