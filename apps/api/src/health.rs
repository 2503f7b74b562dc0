//! `/`, `/health` and `/health/detailed` (contract §1.1; defect 44 fixed: 503 when the
//! database is down, and `degraded` never overwrites `unhealthy`).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{HttpResponse, get, web};
use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::ApiConfig;

/// A dependency check used by `/health/detailed`.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    /// `Ok(())` when the dependency answers; `Err` carries a short, non-secret reason.
    async fn check(&self) -> Result<(), String>;
}

/// The probes `/health/detailed` runs; registered as app data by the app factory.
#[derive(Clone)]
pub struct HealthProbes {
    /// The database (`SELECT 1`); failure makes the service `unhealthy` (503).
    pub database: Arc<dyn HealthProbe>,
    /// Redis, if configured; failure makes the service `degraded` (200).
    pub redis: Option<Arc<dyn HealthProbe>>,
}

impl HealthProbes {
    /// Probes that always pass and no Redis (embedded setups, tests).
    pub fn always_healthy() -> Self {
        Self {
            database: Arc::new(AlwaysHealthy),
            redis: None,
        }
    }
}

impl std::fmt::Debug for HealthProbes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthProbes")
            .field("redis", &self.redis.is_some())
            .finish_non_exhaustive()
    }
}

/// A probe that always succeeds (embedded setups, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysHealthy;

#[async_trait]
impl HealthProbe for AlwaysHealthy {
    async fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// `GET /` body.
#[derive(Debug, Serialize, ToSchema)]
pub struct RootInfo {
    /// Always `SaaS Multi-Tenant API`.
    pub message: &'static str,
    /// Always `1.0.0`.
    pub version: &'static str,
    /// Always `/api/docs`.
    pub docs: &'static str,
}

/// `GET /health` body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `healthy`, `degraded` or `unhealthy`.
    pub status: &'static str,
}

/// State of each dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Services {
    /// `healthy` or `unhealthy: <error>`.
    pub database: String,
    /// `healthy`, `not_configured` or `unhealthy: <error>`.
    pub redis: String,
}

/// `GET /health/detailed` body.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailedHealth {
    /// `healthy`, `degraded` (only Redis down) or `unhealthy` (database down).
    pub status: &'static str,
    /// Unix seconds (float).
    pub timestamp: f64,
    /// Per-dependency state.
    pub services: Services,
}

/// Root banner.
#[utoipa::path(get, path = "/", tag = "health", responses((status = 200, body = RootInfo)))]
#[get("/")]
pub async fn root() -> HttpResponse {
    HttpResponse::Ok().json(RootInfo {
        message: "SaaS Multi-Tenant API",
        version: "1.0.0",
        docs: "/api/docs",
    })
}

/// Liveness.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "healthy" })
}

async fn probe(p: &dyn HealthProbe, timeout: Duration) -> String {
    match tokio::time::timeout(timeout, p.check()).await {
        Ok(Ok(())) => "healthy".to_owned(),
        Ok(Err(e)) => format!("unhealthy: {}", shorten(&e)),
        Err(_) => format!("unhealthy: timed out after {} ms", timeout.as_millis()),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        s.chars().take(MAX).collect::<String>() + "…"
    }
}

/// Readiness with dependency states; 503 when the database is down.
#[utoipa::path(get, path = "/health/detailed", tag = "health", responses(
    (status = 200, description = "healthy or degraded", body = DetailedHealth),
    (status = 503, description = "database unhealthy", body = DetailedHealth),
))]
#[get("/health/detailed")]
pub async fn detailed(
    probes: web::Data<HealthProbes>,
    config: web::Data<ApiConfig>,
) -> HttpResponse {
    let timeout = Duration::from_millis(config.health_timeout_ms);
    let db = probe(probes.database.as_ref(), timeout);
    let redis = async {
        match &probes.redis {
            Some(r) => probe(r.as_ref(), timeout).await,
            None => "not_configured".to_owned(),
        }
    };
    let (database, redis) = tokio::join!(db, redis);
    let status = if database != "healthy" {
        "unhealthy"
    } else if redis.starts_with("unhealthy") {
        "degraded"
    } else {
        "healthy"
    };
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let body = DetailedHealth {
        status,
        timestamp,
        services: Services { database, redis },
    };
    if status == "unhealthy" {
        HttpResponse::ServiceUnavailable().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

/// Registers the three health routes at the application root.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(root).service(health).service(detailed);
}
