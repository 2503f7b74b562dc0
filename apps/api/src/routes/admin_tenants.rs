//! `/api/v1/admin/tenants`: the platform's read views of tenants (contract
//! §3.5 #2–#7 and #11).
//!
//! The writes (§3.5 #8–#10, #12, #13) live in `admin_tenants_writes.rs`.
//!
//! Deviation from the original's G-SUPER guard (issue 3): every view requires
//! `system.tenants.view`, held by system admins AND operators; tenant users
//! get 403 `System access required`. Malformed ids and unknown filter values
//! are 422 (defect 31).

use crate::caller::Caller;
use crate::error::{ApiError, format_utc};
use crate::identity_http::identity_error;
use crate::routes::admin_stats::{TenantStatsView, stats_body};
use crate::routes::branches::BranchView;
use crate::routes::user_query::{UsersPageView, users_page};
use crate::validation::FieldErrors;
pub use crate::views::TenantView;
use actix_web::{HttpResponse, web};
use harmony_identity::IdentityService;
use harmony_identity::ports::UserFilter;
use harmony_kernel::{PageRequest, TenantId, TenantRole};
use harmony_runtime::wiring::Runtime;
use harmony_tenancy::SubscriptionStatus;
use harmony_tenancy::admin::{TIER_CODES, TenantAdminService, TenantFilter, TenantSummaryRow};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

#[path = "admin_tenants_writes.rs"]
mod writes;

/// Registers the routes; the literal segments come before `/{tenant_id}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin/tenants")
            .route("", web::get().to(list))
            .route("", web::post().to(writes::create_tenant))
            .route("/stats", web::get().to(system_stats))
            .route("/subdomain/{subdomain}", web::get().to(by_subdomain))
            .route("/{tenant_id}/users", web::get().to(users))
            .route("/{tenant_id}/branches", web::get().to(branches))
            .route("/{tenant_id}/stats", web::get().to(tenant_stats))
            .route(
                "/{tenant_id}/subscription",
                web::put().to(writes::update_subscription),
            )
            .route("/{tenant_id}/features", web::put().to(writes::set_features))
            .route("/{tenant_id}/status", web::patch().to(writes::set_status))
            .route("/{tenant_id}", web::get().to(detail))
            .route("/{tenant_id}", web::put().to(writes::update_tenant))
            .route("/{tenant_id}", web::delete().to(writes::delete_tenant)),
    );
}

type Admin = web::Data<TenantAdminService>;

/// The read service over the runtime's SQL store and clock; `server::app_state`
/// registers it, so the composition root needs no field for it.
pub fn service(runtime: &Runtime) -> Arc<TenantAdminService> {
    Arc::new(TenantAdminService::new(
        runtime.sql.clone(),
        runtime.clock.clone(),
    ))
}

/// `TenantSummary` (§2): counts are active users and branches.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantSummaryView {
    id: String,
    name: String,
    subdomain: String,
    tier: String,
    subscription_status: String,
    is_active: bool,
    created_at: String,
    user_count: u64,
    branch_count: u64,
}

impl From<&TenantSummaryRow> for TenantSummaryView {
    fn from(r: &TenantSummaryRow) -> Self {
        let t = &r.tenant;
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            subdomain: t.subdomain.clone(),
            tier: t.tier.clone(),
            subscription_status: t.subscription_status.as_str().to_owned(),
            is_active: t.is_active,
            created_at: format_utc(t.created_at),
            user_count: r.active_users,
            branch_count: r.active_branches,
        }
    }
}

/// `{"items", "total", "page", "page_size", "total_pages"}` (§1.9).
#[derive(Serialize, ToSchema)]
pub struct TenantsPageView {
    items: Vec<TenantSummaryView>,
    total: u64,
    page: u64,
    page_size: u64,
    total_pages: u64,
}

/// `{"branches", "total", "page", "page_size"}`.
#[derive(Serialize, ToSchema)]
pub struct TenantBranchesView {
    branches: Vec<BranchView>,
    total: u64,
    page: u64,
    page_size: u64,
}

/// Query of the admin lists: paging (`limit` 1–500, default 100) and the
/// filters each list knows; unknown values are 422.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AdminTenantsQuery {
    /// Rows to skip (≥ 0).
    skip: Option<String>,
    /// Rows per page (1–500).
    limit: Option<String>,
    /// `free` | `basic` | `premium` | `enterprise` (tenant list).
    tier: Option<String>,
    /// Subscription status (tenant list).
    status: Option<String>,
    /// Activation flag (tenant list).
    is_active: Option<String>,
    /// Case-insensitive substring (name/subdomain, or e-mail/full name for users).
    search: Option<String>,
    /// Tenant role `owner` | `admin` | `member` (users list).
    role: Option<String>,
}

const STATUSES: [&str; 5] = ["active", "trial", "expired", "cancelled", "suspended"];

impl AdminTenantsQuery {
    fn page(&self, e: &mut FieldErrors) -> PageRequest {
        let skip = self.skip.as_ref().map_or(Some(0), |s| {
            e.parse_int("query", "skip", s, Some(0u64), None)
        });
        let limit = self.limit.as_ref().map_or(Some(100), |s| {
            e.parse_int("query", "limit", s, Some(1u64), Some(500))
        });
        PageRequest {
            skip: skip.unwrap_or(0),
            limit: limit.unwrap_or(100),
        }
    }

    fn search(&self) -> Option<String> {
        self.search.clone().filter(|s| !s.trim().is_empty())
    }

    fn tenants(&self) -> Result<(TenantFilter, PageRequest), ApiError> {
        let mut e = FieldErrors::new();
        let page = self.page(&mut e);
        let tier = self.tier.clone().filter(|t| {
            TIER_CODES.contains(&t.as_str()) || {
                e.literal_error("query", "tier", &TIER_CODES);
                false
            }
        });
        let status = self.status.as_deref().and_then(|s| {
            SubscriptionStatus::parse(s).or_else(|| {
                e.literal_error("query", "status", &STATUSES);
                None
            })
        });
        let is_active = self
            .is_active
            .as_deref()
            .and_then(|b| e.parse_bool("query", "is_active", b));
        e.finish()?;
        let filter = TenantFilter {
            tier,
            status,
            is_active,
            search: self.search(),
        };
        Ok((filter, page))
    }

    fn users(&self, tenant_id: TenantId) -> Result<(UserFilter, PageRequest), ApiError> {
        let mut e = FieldErrors::new();
        let page = self.page(&mut e);
        let tenant_role = self.role.as_deref().and_then(|r| {
            TenantRole::parse(r).or_else(|| {
                e.literal_error("query", "role", &["owner", "admin", "member"]);
                None
            })
        });
        e.finish()?;
        let filter = UserFilter {
            search: self.search(),
            tenant_role,
            tenant_id: Some(tenant_id),
            ..UserFilter::default()
        };
        Ok((filter, page))
    }
}

fn tenant_id(raw: &str) -> Result<TenantId, ApiError> {
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("path", "tenant_id", raw);
    e.finish()?;
    Ok(TenantId::from_uuid(id.unwrap_or_default()))
}

const fn page_number(page: PageRequest) -> u64 {
    page.skip / if page.limit == 0 { 1 } else { page.limit } + 1
}

/// Lists tenants, newest first (§3.5 #2).
#[utoipa::path(get, path = "/admin/tenants", tag = "admin", params(AdminTenantsQuery),
    security(("bearer" = [])), responses((status = 200, body = TenantsPageView), (status = 403), (status = 422)))]
pub async fn list(
    admin: Admin,
    caller: Caller,
    q: web::Query<AdminTenantsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page) = q.tenants()?;
    let found = admin.list(&caller.principal, &filter, page).await?;
    Ok(HttpResponse::Ok().json(TenantsPageView {
        items: found.items.iter().map(TenantSummaryView::from).collect(),
        total: found.total,
        page: page_number(page),
        page_size: page.limit,
        total_pages: found.total.div_ceil(page.limit.max(1)),
    }))
}

/// Platform-wide tenant statistics (§3.5 #3, SystemStats).
#[utoipa::path(get, path = "/admin/tenants/stats", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "SystemStats"), (status = 403)))]
pub async fn system_stats(admin: Admin, caller: Caller) -> Result<HttpResponse, ApiError> {
    let stats = admin.system_stats(&caller.principal).await?;
    stats_body(&stats)
}

/// One tenant by subdomain; counts are 0 as in the contract (§3.5 #4).
#[utoipa::path(get, path = "/admin/tenants/subdomain/{subdomain}", tag = "admin",
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404)))]
pub async fn by_subdomain(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = admin.by_subdomain(&caller.principal, &path).await?;
    Ok(HttpResponse::Ok().json(TenantView::new(&tenant, 0, 0)))
}

/// A tenant's active users; `role` filters by tenant role (§3.5 #5, defect 30).
#[utoipa::path(get, path = "/admin/tenants/{tenant_id}/users", tag = "admin", params(AdminTenantsQuery),
    security(("bearer" = [])), responses((status = 200, body = UsersPageView), (status = 403), (status = 404), (status = 422)))]
pub async fn users(
    admin: Admin,
    identity: web::Data<IdentityService>,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<AdminTenantsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let (filter, page) = q.users(id)?;
    admin.existing(&caller.principal, id).await?;
    let found = identity
        .list_all_users(&caller.principal, filter, page)
        .await
        .map_err(identity_error)?;
    Ok(HttpResponse::Ok().json(users_page(&found, page)))
}

/// A tenant's active branches (§3.5 #6).
#[utoipa::path(get, path = "/admin/tenants/{tenant_id}/branches", tag = "admin", params(AdminTenantsQuery),
    security(("bearer" = [])), responses((status = 200, body = TenantBranchesView), (status = 403), (status = 404), (status = 422)))]
pub async fn branches(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<AdminTenantsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = tenant_id(&path)?;
    let mut e = FieldErrors::new();
    let page = q.page(&mut e);
    e.finish()?;
    let found = admin.branches(&caller.principal, id, page).await?;
    Ok(HttpResponse::Ok().json(TenantBranchesView {
        branches: found.items.iter().map(BranchView::from).collect(),
        total: found.total,
        page: page_number(page),
        page_size: page.limit,
    }))
}

/// A tenant's usage and expiry (§3.5 #7, defects 29 and 32).
#[utoipa::path(get, path = "/admin/tenants/{tenant_id}/stats", tag = "admin",
    security(("bearer" = [])), responses((status = 200, body = TenantStatsView), (status = 403), (status = 404), (status = 422)))]
pub async fn tenant_stats(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let stats = admin
        .tenant_stats(&caller.principal, tenant_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(TenantStatsView::from(&stats)))
}

/// One tenant with its real active user and branch counts (§3.5 #11).
#[utoipa::path(get, path = "/admin/tenants/{tenant_id}", tag = "admin",
    security(("bearer" = [])), responses((status = 200, body = TenantView), (status = 403), (status = 404), (status = 422)))]
pub async fn detail(
    admin: Admin,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, usage) = admin.tenant(&caller.principal, tenant_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(TenantView::new(
        &tenant,
        usage.active_users,
        usage.active_branches,
    )))
}

/// The OpenAPI description of these routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    system_stats,
    by_subdomain,
    users,
    branches,
    tenant_stats,
    detail
))]
pub struct AdminTenantsDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <AdminTenantsDoc as utoipa::OpenApi>::openapi();
    doc.merge(<writes::AdminTenantWritesDoc as utoipa::OpenApi>::openapi());
    doc
}
