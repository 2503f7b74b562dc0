//! `/api/v1/admin/audit-logs`: clearing, archiving and archive files (§3.8
//! endpoints 5–9 and 11–13). Archiving writes the file, reads it back and
//! deletes exactly the records it holds (`harmony_audit::AuditService`).

use super::audit::Audit;
use super::audit_query::query_datetime;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::validation::FieldErrors;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use harmony_audit::archive::{iso_naive, size_readable};
use harmony_audit::service::{ArchiveListing, ArchiveOutcome};
use harmony_tenancy::settings::TenantSettingsService;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"message", "deleted"}` of a clear.
#[derive(Serialize, ToSchema)]
pub struct ClearedView {
    message: String,
    deleted: u64,
}

/// A `{"message"}` answer.
#[derive(Serialize, ToSchema)]
pub struct MessageView {
    message: String,
}

/// The file of an `ArchiveResult`.
#[derive(Serialize, ToSchema)]
pub struct ArchiveFileView {
    name: String,
    size_bytes: u64,
    size_readable: String,
}

/// `ArchiveResult`.
#[derive(Serialize, ToSchema)]
pub struct ArchiveResultView {
    message: String,
    archived: u64,
    /// Naive UTC ISO datetime.
    before_date: String,
    file: Option<ArchiveFileView>,
}

impl From<ArchiveOutcome> for ArchiveResultView {
    fn from(o: ArchiveOutcome) -> Self {
        let message = if o.file.is_some() {
            format!("Successfully archived {} audit logs", o.archived)
        } else {
            "No logs found to archive".to_owned()
        };
        Self {
            message,
            archived: o.archived,
            before_date: iso_naive(o.before_date),
            file: o.file.map(|(name, size_bytes)| ArchiveFileView {
                name,
                size_bytes,
                size_readable: size_readable(size_bytes),
            }),
        }
    }
}

/// `ArchiveInfo`.
#[derive(Serialize, ToSchema)]
pub struct ArchiveInfoView {
    name: String,
    size_bytes: u64,
    size_readable: String,
    /// File modification time, naive UTC ISO datetime.
    created_at: String,
    total_records: u64,
    archived_at: Option<String>,
    before_date: Option<String>,
}

/// `{"archives": [ArchiveInfo], "total"}`.
#[derive(Serialize, ToSchema)]
pub struct ArchivesView {
    archives: Vec<ArchiveInfoView>,
    total: usize,
}

fn archives_view(files: Vec<ArchiveListing>) -> ArchivesView {
    let archives: Vec<ArchiveInfoView> = files
        .into_iter()
        .map(|f| ArchiveInfoView {
            size_readable: size_readable(f.size_bytes),
            created_at: iso_naive(f.modified_at),
            name: f.name,
            size_bytes: f.size_bytes,
            total_records: f.summary.total_records,
            archived_at: f.summary.archived_at,
            before_date: f.summary.before_date,
        })
        .collect();
    ArchivesView {
        total: archives.len(),
        archives,
    }
}

fn file_response(name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes)
}

/// `before_date` (optional; default now − 90 days).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct BeforeQuery {
    /// Archive records created before this instant.
    before_date: Option<String>,
}

impl BeforeQuery {
    fn parse(&self) -> Result<Option<time::OffsetDateTime>, ApiError> {
        let mut e = FieldErrors::new();
        let before = query_datetime(&mut e, "before_date", self.before_date.as_deref());
        e.finish()?;
        Ok(before)
    }
}

/// Hard-deletes the whole trail (system admins, dev tools only; endpoint 5).
#[utoipa::path(delete, path = "/admin/audit-logs", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = ClearedView), (status = 403)))]
pub async fn clear(audit: Audit, caller: Caller) -> Result<HttpResponse, ApiError> {
    let deleted = audit.clear(&caller.principal).await?;
    Ok(HttpResponse::Ok().json(ClearedView {
        message: "Audit logs cleared".to_owned(),
        deleted,
    }))
}

/// Moves old records of every tenant into a platform archive (endpoint 6).
#[utoipa::path(post, path = "/admin/audit-logs/archive", tag = "audit", params(BeforeQuery), security(("bearer" = [])),
    responses((status = 200, body = ArchiveResultView), (status = 403), (status = 422)))]
pub async fn archive(
    audit: Audit,
    caller: Caller,
    q: web::Query<BeforeQuery>,
) -> Result<HttpResponse, ApiError> {
    let before = q.parse()?;
    let outcome = audit
        .archive(&caller.principal, caller.user.email.as_str(), before)
        .await?;
    Ok(HttpResponse::Ok().json(ArchiveResultView::from(outcome)))
}

/// Platform archive files, newest first (endpoint 7).
#[utoipa::path(get, path = "/admin/audit-logs/archives", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = ArchivesView), (status = 403)))]
pub async fn list_archives(audit: Audit, caller: Caller) -> Result<HttpResponse, ApiError> {
    let files = audit.list_archives(&caller.principal).await?;
    Ok(HttpResponse::Ok().json(archives_view(files)))
}

/// Downloads a platform archive file (endpoint 8).
#[utoipa::path(get, path = "/admin/audit-logs/archives/{filename}", tag = "audit", security(("bearer" = [])),
    responses((status = 200, content_type = "application/json", description = "the archive file"), (status = 400), (status = 404)))]
pub async fn download(
    audit: Audit,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bytes = audit.download_archive(&caller.principal, &path).await?;
    Ok(file_response(&path, bytes))
}

/// Deletes a platform archive file (dev tools only; endpoint 9).
#[utoipa::path(delete, path = "/admin/audit-logs/archives/{filename}", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = MessageView), (status = 400), (status = 403), (status = 404)))]
pub async fn delete(
    audit: Audit,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    audit.delete_archive(&caller.principal, &path).await?;
    Ok(HttpResponse::Ok().json(MessageView {
        message: format!("Archive file '{path}' deleted"),
    }))
}

type Settings = web::Data<TenantSettingsService>;

/// Archives the caller's tenant's old records (owners/admins; endpoint 11).
#[utoipa::path(post, path = "/admin/audit-logs/tenant/archive", tag = "audit", params(BeforeQuery), security(("bearer" = [])),
    responses((status = 200, body = ArchiveResultView), (status = 403), (status = 422)))]
pub async fn tenant_archive(
    audit: Audit,
    settings: Settings,
    caller: Caller,
    q: web::Query<BeforeQuery>,
) -> Result<HttpResponse, ApiError> {
    audit.tenant_archive_scope(&caller.principal)?;
    let tenant = settings.tenant(&caller.principal).await?;
    let before = q.parse()?;
    let outcome = audit
        .archive_tenant(
            &caller.principal,
            caller.user.email.as_str(),
            &tenant.name,
            before,
        )
        .await?;
    Ok(HttpResponse::Ok().json(ArchiveResultView::from(outcome)))
}

/// The caller's tenant's archive files (endpoint 12).
#[utoipa::path(get, path = "/admin/audit-logs/tenant/archives", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = ArchivesView), (status = 403)))]
pub async fn tenant_archives(
    audit: Audit,
    settings: Settings,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    audit.tenant_archive_scope(&caller.principal)?;
    settings.tenant(&caller.principal).await?;
    let files = audit.list_tenant_archives(&caller.principal).await?;
    Ok(HttpResponse::Ok().json(archives_view(files)))
}

/// Downloads one of the caller's tenant's archive files (endpoint 13).
#[utoipa::path(get, path = "/admin/audit-logs/tenant/archives/{filename}", tag = "audit", security(("bearer" = [])),
    responses((status = 200, content_type = "application/json", description = "the archive file"), (status = 400), (status = 404)))]
pub async fn tenant_download(
    audit: Audit,
    settings: Settings,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    audit.tenant_archive_scope(&caller.principal)?;
    settings.tenant(&caller.principal).await?;
    let bytes = audit
        .download_tenant_archive(&caller.principal, &path)
        .await?;
    Ok(file_response(&path, bytes))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    clear,
    archive,
    list_archives,
    download,
    delete,
    tenant_archive,
    tenant_archives,
    tenant_download
))]
pub struct AuditArchivesDoc;

/// The OpenAPI fragment of these routes (merged into [`super::audit::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <AuditArchivesDoc as utoipa::OpenApi>::openapi()
}
