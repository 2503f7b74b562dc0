//! `/api/v1/admin/audit-logs`: reading the audit trail (§3.8 endpoints 1–4
//! and 10) plus two endpoints beyond the contract, `GET /verify` (checks a
//! hash chain) and `GET /export?format=csv|json`. Clearing, archiving and
//! archive files are in [`super::audit_archives`].
//!
//! Scoping and permissions live in `harmony_audit::AuditService`: a tenant
//! owner's or admin's `tenant_id` parameter is ignored (always their own
//! tenant), members get 403; system users see everything.

use super::audit_archives;
use super::audit_query::{AuditListQuery, TenantParam, uuid_param};
use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::validation::FieldErrors;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use harmony_audit::export::{ExportFormat, to_csv};
use harmony_audit::{AuditRecord, AuditService, VerifyTarget};
use harmony_kernel::TenantId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The audit service, as handlers receive it.
pub(crate) type Audit = web::Data<AuditService>;

/// Registers the routes: fixed paths before `/{log_id}`, which would
/// otherwise capture them.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin/audit-logs")
            .route("", web::get().to(list))
            .route("", web::delete().to(audit_archives::clear))
            .route("/statistics", web::get().to(statistics))
            .route("/actions", web::get().to(actions))
            .route("/resources", web::get().to(resources))
            .route("/verify", web::get().to(verify))
            .route("/export", web::get().to(export))
            .route("/archive", web::post().to(audit_archives::archive))
            .route("/archives", web::get().to(audit_archives::list_archives))
            .route(
                "/archives/{filename}",
                web::get().to(audit_archives::download),
            )
            .route(
                "/archives/{filename}",
                web::delete().to(audit_archives::delete),
            )
            .route(
                "/tenant/archive",
                web::post().to(audit_archives::tenant_archive),
            )
            .route(
                "/tenant/archives",
                web::get().to(audit_archives::tenant_archives),
            )
            .route(
                "/tenant/archives/{filename}",
                web::get().to(audit_archives::tenant_download),
            )
            .route("/{log_id}", web::get().to(get)),
    );
}

/// `AuditLogResponse` (§2) plus `impersonator_id` (who really acted during
/// an impersonation).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLogView {
    id: String,
    user_id: Option<String>,
    tenant_id: Option<String>,
    impersonator_id: Option<String>,
    action: String,
    resource: String,
    resource_id: Option<String>,
    #[schema(value_type = Object)]
    details: Value,
    status: String,
    ip_address: Option<String>,
    user_agent: Option<String>,
    request_id: Option<String>,
    /// `created_at`.
    timestamp: String,
}

impl From<&AuditRecord> for AuditLogView {
    fn from(r: &AuditRecord) -> Self {
        let e = &r.entry;
        Self {
            id: e.id.to_string(),
            user_id: e.user_id.map(|u| u.to_string()),
            tenant_id: e.tenant_id.map(|t| t.to_string()),
            impersonator_id: e.impersonator_id.map(|u| u.to_string()),
            action: e.action.clone(),
            resource: e.resource.clone(),
            resource_id: e.resource_id.clone(),
            details: Value::Object(e.details.clone()),
            status: e.status.as_str().to_owned(),
            ip_address: e.origin.ip.clone(),
            user_agent: e.origin.user_agent.clone(),
            request_id: e.origin.request_id.clone(),
            timestamp: format_utc(e.at),
        }
    }
}

/// `{"logs": [...], "total", "limit", "offset"}`.
#[derive(Serialize, ToSchema)]
pub struct AuditLogsPageView {
    logs: Vec<AuditLogView>,
    total: u64,
    limit: u64,
    offset: u64,
}

/// Audit records, newest first (endpoint 1).
#[utoipa::path(get, path = "/admin/audit-logs", tag = "audit", params(AuditListQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditLogsPageView), (status = 403), (status = 422)))]
pub async fn list(
    audit: Audit,
    caller: Caller,
    q: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (query, page) = q.parse()?;
    let found = audit.list(&caller.principal, query, page).await?;
    Ok(HttpResponse::Ok().json(AuditLogsPageView {
        logs: found.items.iter().map(AuditLogView::from).collect(),
        total: found.total,
        limit: page.limit,
        offset: page.skip,
    }))
}

/// `AuditStatistics` (endpoint 2).
#[derive(Serialize, ToSchema)]
pub struct AuditStatisticsView {
    total_logs: u64,
    total_users: u64,
    total_actions: u64,
    failed_logins_24h: u64,
    successful_logins_24h: u64,
    /// Records of the last 24 hours (beyond the contract).
    logs_24h: u64,
    /// The ten most frequent actions: `{action: count}`.
    #[schema(value_type = Object)]
    actions_by_type: Map<String, Value>,
    /// `{status: count}`.
    #[schema(value_type = Object)]
    actions_by_status: Map<String, Value>,
}

fn counts(pairs: Vec<(String, u64)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(k, n)| (k, Value::from(n)))
        .collect()
}

/// Counters of the caller's scope (endpoint 2).
#[utoipa::path(get, path = "/admin/audit-logs/statistics", tag = "audit", params(TenantParam), security(("bearer" = [])),
    responses((status = 200, body = AuditStatisticsView), (status = 403)))]
pub async fn statistics(
    audit: Audit,
    caller: Caller,
    q: web::Query<TenantParam>,
) -> Result<HttpResponse, ApiError> {
    let s = audit.statistics(&caller.principal, q.parse()?).await?;
    Ok(HttpResponse::Ok().json(AuditStatisticsView {
        total_logs: s.total_logs,
        total_users: s.total_users,
        total_actions: s.total_actions,
        failed_logins_24h: s.failed_logins_24h,
        successful_logins_24h: s.successful_logins_24h,
        logs_24h: s.logs_24h,
        actions_by_type: counts(s.actions_by_type),
        actions_by_status: counts(s.actions_by_status),
    }))
}

/// Distinct actions, ascending (endpoint 3).
#[utoipa::path(get, path = "/admin/audit-logs/actions", tag = "audit", params(TenantParam), security(("bearer" = [])),
    responses((status = 200, body = Vec<String>), (status = 403)))]
pub async fn actions(
    audit: Audit,
    caller: Caller,
    q: web::Query<TenantParam>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(audit.actions(&caller.principal, q.parse()?).await?))
}

/// Distinct resources, ascending (endpoint 4).
#[utoipa::path(get, path = "/admin/audit-logs/resources", tag = "audit", params(TenantParam), security(("bearer" = [])),
    responses((status = 200, body = Vec<String>), (status = 403)))]
pub async fn resources(
    audit: Audit,
    caller: Caller,
    q: web::Query<TenantParam>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(audit.resources(&caller.principal, q.parse()?).await?))
}

/// One record of the caller's scope (endpoint 10; others' ids → 404).
#[utoipa::path(get, path = "/admin/audit-logs/{log_id}", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = AuditLogView), (status = 404), (status = 422)))]
pub async fn get(
    audit: Audit,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("path", "log_id", &path);
    e.finish()?;
    let record = audit.get(&caller.principal, id.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(AuditLogView::from(&record)))
}

/// Which chain to verify (system users): `tenant_id`, or `platform=true`
/// (the default).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct VerifyQuery {
    /// A tenant's chain.
    tenant_id: Option<String>,
    /// The platform chain (records without a tenant).
    platform: Option<String>,
}

/// Where a chain stops verifying.
#[derive(Serialize, ToSchema)]
pub struct ChainBreakView {
    id: String,
    seq: i64,
    /// `hash_mismatch`, `prev_hash_mismatch`, `seq_gap` or `genesis_mismatch`.
    reason: String,
}

/// The outcome of a chain verification.
#[derive(Serialize, ToSchema)]
pub struct VerifyView {
    /// The chain's tenant; `null` for the platform chain.
    tenant_id: Option<String>,
    checked: u64,
    valid: bool,
    first_break: Option<ChainBreakView>,
}

/// Verifies a hash chain: the caller's tenant's (tenant owners/admins), or
/// the one named (system users). Beyond the contract.
#[utoipa::path(get, path = "/admin/audit-logs/verify", tag = "audit", params(VerifyQuery), security(("bearer" = [])),
    responses((status = 200, body = VerifyView), (status = 403), (status = 422)))]
pub async fn verify(
    audit: Audit,
    caller: Caller,
    q: web::Query<VerifyQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let tenant = uuid_param(&mut e, "tenant_id", q.tenant_id.as_deref());
    let platform = q
        .platform
        .as_deref()
        .and_then(|p| e.parse_bool("query", "platform", p));
    if tenant.is_none() && platform == Some(false) {
        e.missing("query", "tenant_id");
    }
    e.finish()?;
    let target = tenant.map_or(VerifyTarget::Platform, |t| {
        VerifyTarget::Tenant(TenantId::from_uuid(t))
    });
    let (chain, report) = audit.verify(&caller.principal, Some(target)).await?;
    Ok(HttpResponse::Ok().json(VerifyView {
        tenant_id: chain.map(|t| t.to_string()),
        checked: report.checked,
        valid: report.is_valid(),
        first_break: report.first_break.map(|b| ChainBreakView {
            id: b.id.to_string(),
            seq: b.seq,
            reason: b.reason,
        }),
    }))
}

/// The list's records (same filters and scope, at most 10 000, newest
/// first) as CSV or JSON. Beyond the contract.
#[utoipa::path(get, path = "/admin/audit-logs/export", tag = "audit", params(AuditListQuery), security(("bearer" = [])),
    responses((status = 200, description = "text/csv or a JSON array of AuditLogView"), (status = 403), (status = 422)))]
pub async fn export(
    audit: Audit,
    caller: Caller,
    q: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = FieldErrors::new();
    let format = match q.format.as_deref() {
        None => Some(ExportFormat::Csv),
        Some(f) => {
            let parsed = ExportFormat::parse(f);
            if parsed.is_none() {
                e.literal_error("query", "format", &["csv", "json"]);
            }
            parsed
        }
    };
    let query = q.filters(&mut e);
    e.finish()?;
    let records = audit.export(&caller.principal, query).await?;
    Ok(match format {
        Some(ExportFormat::Json) => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit_logs.json\"",
            ))
            .json(records.iter().map(AuditLogView::from).collect::<Vec<_>>()),
        _ => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit_logs.csv\"",
            ))
            .body(to_csv(&records, format_utc)),
    })
}

/// The OpenAPI description of the read routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, statistics, actions, resources, verify, export, get))]
pub struct AuditDoc;

/// This module's OpenAPI fragment (with the archive routes).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <AuditDoc as utoipa::OpenApi>::openapi();
    doc.merge(audit_archives::openapi());
    doc
}
