//! `/api/v1/admin/tools` (api-core §3.7, 6 endpoints; `system.tools.access`,
//! i.e. system admins).
//!
//! Deviations, on purpose (defects 21–23): runtime settings are one stored
//! record shared by every API process (see [`crate::runtime_switches`]), not
//! per-process memory; `dev_mode` reports the deployment's `dev.tools` and
//! cannot be switched at run time (422 when a request tries); seed-data and
//! reset-database answer 403 unless `dev.tools` is on (production refuses to
//! start with it); system info masks secrets by value as well as by name;
//! logs come from an in-memory ring buffer, never the log file.

use crate::caller::Caller;
use crate::error::ApiError;
use crate::identity_http::identity_error;
use crate::logging::LogControl;
use crate::routes::admin_tools_info::{AdminTools, system_info};
use crate::routes::branches::tenancy_error;
use crate::runtime_switches::RuntimeSwitches;
use crate::validation::FieldErrors;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_kernel::{ErrorKind, SystemPermission};
use harmony_tenancy::TenancyError;
use harmony_tenancy::platform::runtime::{RuntimeSettingsService, RuntimeSettingsUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin/tools")
            .route("/settings", web::get().to(settings))
            .route("/settings", web::post().to(update_settings))
            .route("/system-info", web::get().to(system_info))
            .route("/logs", web::get().to(logs))
            .route("/seed-data", web::post().to(seed_data))
            .route("/reset-database", web::post().to(reset_database)),
    );
}

/// The runtime settings (§3.7 #1).
#[derive(Debug, Serialize, ToSchema)]
pub struct ToolSettingsView {
    /// The deployment's `dev.tools` (read-only).
    dev_mode: bool,
    log_level: String,
    rate_limit_enabled: bool,
}

/// Body of `POST /admin/tools/settings`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ToolSettingsBody {
    dev_mode: Option<bool>,
    log_level: Option<String>,
    rate_limit_enabled: Option<bool>,
}

/// The stored runtime settings.
#[utoipa::path(get, path = "/admin/tools/settings", tag = "admin-tools", security(("bearer" = [])),
    responses((status = 200, body = ToolSettingsView), (status = 403)))]
pub async fn settings(
    tools: web::Data<AdminTools>,
    service: web::Data<RuntimeSettingsService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let s = service
        .get(&caller.principal)
        .await
        .map_err(tenancy_error)?;
    Ok(HttpResponse::Ok().json(ToolSettingsView {
        dev_mode: tools.dev_tools,
        log_level: s.log_level,
        rate_limit_enabled: s.rate_limit_enabled,
    }))
}

/// Changes the log level and the rate-limit switch for every API process.
#[utoipa::path(post, path = "/admin/tools/settings", tag = "admin-tools",
    request_body = ToolSettingsBody, security(("bearer" = [])),
    responses((status = 200, body = ToolSettingsView), (status = 400, description = "Invalid log level"),
        (status = 403), (status = 409), (status = 422, description = "dev_mode differs from the deployment")))]
pub async fn update_settings(
    tools: web::Data<AdminTools>,
    service: web::Data<RuntimeSettingsService>,
    switches: web::Data<RuntimeSwitches>,
    caller: Caller,
    body: web::Json<ToolSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    caller
        .principal
        .require_system(SystemPermission::ToolsAccess)?;
    if b.dev_mode.is_some_and(|d| d != tools.dev_tools) {
        let mut e = FieldErrors::new();
        e.value_error(
            "body",
            "dev_mode",
            "dev_mode follows the deployment's configuration (dev.tools) and cannot change at run time",
        );
        e.finish()?;
    }
    let update = RuntimeSettingsUpdate {
        log_level: b.log_level,
        rate_limit_enabled: b.rate_limit_enabled,
    };
    let s = service
        .update(&caller.principal, update)
        .await
        .map_err(|e| match e {
            // the contract's 400 for this one validation
            TenancyError::Validation {
                field: "log_level",
                message,
            } => ApiError::new(ErrorKind::BadRequest, "invalid_log_level", message),
            other => tenancy_error(other),
        })?;
    switches.apply(&s);
    Ok(HttpResponse::Ok().json(ToolSettingsView {
        dev_mode: tools.dev_tools,
        log_level: s.log_level,
        rate_limit_enabled: s.rate_limit_enabled,
    }))
}

/// Query of `GET /admin/tools/logs`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct LogsQuery {
    /// Exact level, any case (`WARNING` and `WARN` are the same).
    level: Option<String>,
    /// 1–1000, default 100.
    limit: Option<String>,
    /// ≥ 0, default 0.
    offset: Option<String>,
}

/// One buffered log line.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogLineView {
    /// `YYYY-MM-DD HH:MM:SS` (UTC), as the original's log file had it.
    timestamp: String,
    /// `DEBUG`, `INFO`, `WARNING` or `ERROR`.
    level: String,
    message: String,
}

/// The newest log lines of this process, from its in-memory ring buffer.
#[utoipa::path(get, path = "/admin/tools/logs", tag = "admin-tools", params(LogsQuery),
    security(("bearer" = [])), responses((status = 200, body = [LogLineView]), (status = 403), (status = 422)))]
pub async fn logs(
    log: web::Data<LogControl>,
    caller: Caller,
    query: web::Query<LogsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller
        .principal
        .require_system(SystemPermission::ToolsAccess)?;
    let q = query.into_inner();
    let mut e = FieldErrors::new();
    let limit = q.limit.map_or(Some(100), |raw| {
        e.parse_int("query", "limit", &raw, Some(1), Some(1000))
    });
    let offset = q.offset.map_or(Some(0), |raw| {
        e.parse_int::<i64>("query", "offset", &raw, Some(0), None)
            .map(|o| usize::try_from(o).unwrap_or(usize::MAX))
    });
    e.finish()?;
    let level = q.level.map(|l| match l.to_ascii_uppercase().as_str() {
        "WARNING" => "WARN".to_owned(),
        "CRITICAL" => "ERROR".to_owned(),
        other => other.to_owned(),
    });
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let lines: Vec<LogLineView> = log
        .recent(level.as_deref(), offset.unwrap_or(0), limit.unwrap_or(100))
        .into_iter()
        .map(|r| LogLineView {
            timestamp: r.timestamp.format(&fmt).unwrap_or_default(),
            level: if r.level == "WARN" {
                "WARNING".to_owned()
            } else {
                r.level
            },
            message: r.message,
        })
        .collect();
    Ok(HttpResponse::Ok().json(lines))
}

/// `system.tools.access`, then 403 unless the deployment enables dev tools.
fn require_dev_tools(tools: &AdminTools, caller: &Caller, what: &str) -> Result<(), ApiError> {
    caller
        .principal
        .require_system(SystemPermission::ToolsAccess)?;
    if tools.dev_tools {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::Forbidden,
            "dev_tools_disabled",
            format!("{what} is only allowed when dev tools are enabled (dev.tools)"),
        ))
    }
}

/// Creates the demo tenants that do not exist yet (dev tools only).
#[utoipa::path(post, path = "/admin/tools/seed-data", tag = "admin-tools", security(("bearer" = [])),
    responses((status = 200, description = "What was created, with the demo credentials"), (status = 403)))]
pub async fn seed_data(
    tools: web::Data<AdminTools>,
    identity: web::Data<IdentityService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    require_dev_tools(&tools, &caller, "Seeding data")?;
    let seeded = crate::seed::seed(&identity)
        .await
        .map_err(|e| ApiError::internal(format!("Failed to seed data: {e}")))?;
    let report = crate::seed::SeedReport::of(&seeded);
    let audit = harmony_kernel::AuditEntry::by(
        &caller.principal,
        "system.seed_data",
        "system",
        time::OffsetDateTime::now_utc(),
    )
    .detail("tenants_created", report.tenants.len())
    .detail("branches_created", report.tenants.len())
    .detail("users_created", seeded.len())
    .detail("tenant_names", report.names());
    tools
        .audit
        .record(&[audit])
        .await
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(json!({
        "message": "Dummy data seeded successfully",
        "created": {"tenants": report.tenants.len(), "branches": report.tenants.len(),
            "users": seeded.len()},
        "details": {"tenants": report.tenants, "sample_credentials": report.owners},
    })))
}

/// Deletes every tenant with its users and branches (dev tools only).
#[utoipa::path(post, path = "/admin/tools/reset-database", tag = "admin-tools", security(("bearer" = [])),
    responses((status = 200, description = "What was deleted"), (status = 403)))]
pub async fn reset_database(
    tools: web::Data<AdminTools>,
    identity: web::Data<IdentityService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    require_dev_tools(&tools, &caller, "Resetting the database")?;
    let n = identity
        .reset_tenant_data(&caller.principal)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(json!({
        "message": "Database reset successfully",
        "deleted": {"tenants": n.tenants, "branches": n.branches, "users": n.users},
        "preserved": {"super_admins": n.system_users},
        "warning": "All tenant data has been permanently deleted",
    })))
}

/// The OpenAPI description of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(
            settings,
            update_settings,
            crate::routes::admin_tools_info::system_info,
            logs,
            seed_data,
            reset_database
        ),
        components(schemas(ToolSettingsView, ToolSettingsBody, LogLineView))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}
