//! `GET /api/v1/admin/tools/system-info` (api-core §3.7 #3) and the
//! [`AdminTools`] state the admin tools share.

use crate::caller::Caller;
use crate::error::ApiError;
use crate::secret_mask::mask_env;
use actix_web::{HttpResponse, web};
use harmony_adapters_sql::SqlStore;
use harmony_audit::AuditService;
use harmony_kernel::SystemPermission;
use harmony_runtime::wiring::Runtime;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use utoipa::ToSchema;

/// What the admin tools need besides the domain services.
pub struct AdminTools {
    /// The deployment's `dev.tools`: seed, reset, clear audit.
    pub dev_tools: bool,
    /// Where the trail records the tools' own actions.
    pub audit: Arc<AuditService>,
    started: Instant,
    sql: Arc<SqlStore>,
    redis: Option<Arc<harmony_adapters_redis::RedisProbe>>,
    /// Configured secrets, masked wherever they appear in an env value.
    secrets: Vec<SecretString>,
}

impl std::fmt::Debug for AdminTools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminTools")
            .field("dev_tools", &self.dev_tools)
            .finish_non_exhaustive()
    }
}

/// The admin tools' state over a built runtime; `started` ≈ process start.
pub fn service(runtime: &Runtime) -> Arc<AdminTools> {
    let s = &runtime.settings;
    let mut secrets = vec![s.auth.jwt_secret.clone(), s.database.url.clone()];
    secrets.extend(s.redis.url.clone());
    secrets.extend(s.mail.smtp.password.clone());
    Arc::new(AdminTools {
        dev_tools: s.dev.tools,
        audit: runtime.audit.clone(),
        started: Instant::now(),
        sql: runtime.sql.clone(),
        redis: runtime.redis.clone(),
        secrets,
    })
}

/// The system info (§3.7 #3); the contract's key names, Rust values.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemInfoView {
    /// The Rust toolchain the binary was built with (key kept for the client).
    python_version: String,
    /// The web framework (key kept for the client).
    fastapi_version: String,
    platform: String,
    database_status: String,
    redis_status: String,
    migration_version: String,
    uptime: String,
    uptime_seconds: u64,
    /// Every environment variable, secrets masked by name and by value.
    env_vars: BTreeMap<String, String>,
}

/// Versions, connectivity, uptime and the masked environment.
#[utoipa::path(get, path = "/admin/tools/system-info", tag = "admin-tools",
    security(("bearer" = [])), responses((status = 200, body = SystemInfoView), (status = 403)))]
pub async fn system_info(
    tools: web::Data<AdminTools>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller
        .principal
        .require_system(SystemPermission::ToolsAccess)?;
    let database_status = match tools.sql.ping().await {
        Ok(()) => "connected".to_owned(),
        Err(e) => format!("disconnected: {e}"),
    };
    let redis_status = match &tools.redis {
        None => "not_configured".to_owned(),
        Some(r) => match r.ping().await {
            Ok(()) => "connected".to_owned(),
            Err(e) => format!("disconnected: {e}"),
        },
    };
    let migration_version = tools
        .sql
        .latest_migration()
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".to_owned());
    let known: Vec<&str> = tools
        .secrets
        .iter()
        .map(ExposeSecret::expose_secret)
        .collect();
    let env_vars = std::env::vars()
        .map(|(k, v)| {
            let masked = mask_env(&k, &v, &known);
            (k, masked)
        })
        .collect();
    let secs = tools.started.elapsed().as_secs();
    Ok(HttpResponse::Ok().json(SystemInfoView {
        python_version: format!("Rust {}+ (MSRV)", env!("CARGO_PKG_RUST_VERSION")),
        fastapi_version: format!("actix-web 4 (harmony-api {})", env!("CARGO_PKG_VERSION")),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        database_status,
        redis_status,
        migration_version,
        uptime: format!("{}h {}m {}s", secs / 3600, secs % 3600 / 60, secs % 60),
        uptime_seconds: secs,
        env_vars,
    }))
}
