//! `GET /api/v1/admin/stats` (contract §3.6) and the wire form of the tenant
//! statistics of §3.5.
//!
//! Deviations, on purpose: the original guarded `/admin/stats` with G-SUPER;
//! here it requires `system.tenants.view`, so system operators see the
//! dashboard too (issue 3). `recent_activity.logins_24h` and
//! `total_actions_24h` count the audit rows of the last 24 hours across
//! every tenant and the platform.

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use actix_web::{HttpResponse, web};
use harmony_tenancy::admin::{TenantAdminService, TenantStats};
use serde::Serialize;
use utoipa::ToSchema;

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/stats", web::get().to(platform_stats));
}

/// A statistics object as JSON: the domain's numbers are the wire shape.
pub fn stats_body<T: Serialize>(stats: &T) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(stats))
}

/// `TenantStats` (§3.5 #7).
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantStatsView {
    id: String,
    name: String,
    subdomain: String,
    tier: String,
    subscription_status: String,
    max_users: i64,
    max_branches: i64,
    max_storage_gb: i64,
    user_count: u64,
    branch_count: u64,
    /// From `storage_used_bytes` (defect 32: the original always sent 0.0).
    storage_used_gb: f64,
    users_usage_percent: f64,
    branches_usage_percent: f64,
    storage_usage_percent: f64,
    is_active: bool,
    is_trial: bool,
    is_expired: bool,
    /// Whole days to `subscription_ends_at`, floored (defect 29).
    days_until_expiry: Option<i64>,
    created_at: String,
    last_activity_at: Option<String>,
}

impl From<&TenantStats> for TenantStatsView {
    fn from(s: &TenantStats) -> Self {
        let t = &s.tenant;
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            subdomain: t.subdomain.clone(),
            tier: t.tier.clone(),
            subscription_status: t.subscription_status.as_str().to_owned(),
            max_users: t.max_users.raw(),
            max_branches: t.max_branches.raw(),
            max_storage_gb: t.max_storage_gb.raw(),
            user_count: s.usage.active_users,
            branch_count: s.usage.active_branches,
            storage_used_gb: s.storage_used_gb,
            users_usage_percent: s.users_usage_percent,
            branches_usage_percent: s.branches_usage_percent,
            storage_usage_percent: s.storage_usage_percent,
            is_active: t.is_active,
            is_trial: s.is_trial,
            is_expired: s.is_expired,
            days_until_expiry: s.days_until_expiry,
            created_at: format_utc(t.created_at),
            last_activity_at: s.usage.last_login_at.map(format_utc),
        }
    }
}

/// The platform dashboard: overview, users by role, tenants by tier, recent
/// activity and week-over-week growth.
#[utoipa::path(get, path = "/admin/stats", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "Platform statistics"), (status = 403)))]
pub async fn platform_stats(
    admin: web::Data<TenantAdminService>,
    audit: web::Data<harmony_audit::AuditService>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let mut stats = admin.platform_stats(&caller.principal).await?;
    // the platform-wide trail (system users read every tenant's records)
    let trail = audit
        .statistics(&caller.principal, None)
        .await
        .map_err(ApiError::from)?;
    stats.recent_activity.logins_24h = trail.successful_logins_24h;
    stats.recent_activity.total_actions_24h = trail.logs_24h;
    stats_body(&stats)
}

/// The OpenAPI description of this route.
#[derive(utoipa::OpenApi)]
#[openapi(paths(platform_stats))]
pub struct AdminStatsDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <AdminStatsDoc as utoipa::OpenApi>::openapi()
}
