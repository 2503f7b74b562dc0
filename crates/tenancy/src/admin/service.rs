//! [`TenantAdminService`]: the operator's read use cases.

use super::stats::{
    Growth, PlatformStats, RecentActivity, StatsOverview, SystemStats, TenantStats,
};
use super::{
    AccountRole, TenantAdminError, TenantDirectory, TenantFilter, TenantSummaryRow, TenantUsage,
    UserCriteria,
};
use crate::model::{Branch, Tenant};
use harmony_kernel::{
    Clock, OperatorScope, Page, PageRequest, Principal, SystemPermission, TenantId,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::Duration;

/// Platform-administration reads; every use case requires
/// `system.tenants.view` (system admins and operators, issue 3).
#[derive(Clone)]
pub struct TenantAdminService {
    pub(super) directory: Arc<dyn TenantDirectory>,
    pub(super) clock: Arc<dyn Clock>,
}

type Result<T> = std::result::Result<T, TenantAdminError>;

impl TenantAdminService {
    /// Wires the use cases to their store and clock.
    pub fn new(directory: Arc<dyn TenantDirectory>, clock: Arc<dyn Clock>) -> Self {
        Self { directory, clock }
    }

    fn scope(who: &Principal) -> Result<OperatorScope> {
        Ok(who.require_system(SystemPermission::TenantsView)?)
    }

    async fn found(&self, scope: &OperatorScope, id: TenantId) -> Result<Tenant> {
        self.directory
            .tenant(scope, id)
            .await?
            .ok_or(TenantAdminError::TenantNotFound(id))
    }

    /// The tenant list (§3.5 #2).
    ///
    /// # Errors
    /// `Access` for non-system callers; `Store`.
    pub async fn list(
        &self,
        who: &Principal,
        filter: &TenantFilter,
        page: PageRequest,
    ) -> Result<Page<TenantSummaryRow>> {
        let scope = Self::scope(who)?;
        Ok(self.directory.list_tenants(&scope, filter, page).await?)
    }

    /// One tenant by id (§3.5 #11), with its live head counts.
    ///
    /// # Errors
    /// `Access`; `TenantNotFound`; `Store`.
    pub async fn tenant(&self, who: &Principal, id: TenantId) -> Result<(Tenant, TenantUsage)> {
        let scope = Self::scope(who)?;
        let tenant = self.found(&scope, id).await?;
        let usage = self.directory.tenant_usage(&scope, id).await?;
        Ok((tenant, usage))
    }

    /// Checks that a tenant exists before another context lists its rows
    /// (the users view, §3.5 #5).
    ///
    /// # Errors
    /// `Access`; `TenantNotFound`; `Store`.
    pub async fn existing(&self, who: &Principal, id: TenantId) -> Result<Tenant> {
        let scope = Self::scope(who)?;
        self.found(&scope, id).await
    }

    /// One tenant by subdomain (§3.5 #4).
    ///
    /// # Errors
    /// `Access`; `SubdomainNotFound`; `Store`.
    pub async fn by_subdomain(&self, who: &Principal, subdomain: &str) -> Result<Tenant> {
        let scope = Self::scope(who)?;
        self.directory
            .tenant_by_subdomain(&scope, subdomain)
            .await?
            .ok_or_else(|| TenantAdminError::SubdomainNotFound(subdomain.to_owned()))
    }

    /// A tenant's active branches (§3.5 #6).
    ///
    /// # Errors
    /// `Access`; `TenantNotFound`; `Store`.
    pub async fn branches(
        &self,
        who: &Principal,
        id: TenantId,
        page: PageRequest,
    ) -> Result<Page<Branch>> {
        let scope = Self::scope(who)?;
        self.found(&scope, id).await?;
        Ok(self.directory.tenant_branches(&scope, id, page).await?)
    }

    /// A tenant's usage and expiry (§3.5 #7).
    ///
    /// # Errors
    /// `Access`; `TenantNotFound`; `Store`.
    pub async fn tenant_stats(&self, who: &Principal, id: TenantId) -> Result<TenantStats> {
        let (tenant, usage) = self.tenant(who, id).await?;
        Ok(TenantStats::compute(tenant, usage, self.clock.now()))
    }

    /// Platform-wide tenant statistics (§3.5 #3).
    ///
    /// # Errors
    /// `Access`; `Store`.
    pub async fn system_stats(&self, who: &Principal) -> Result<SystemStats> {
        let scope = Self::scope(who)?;
        let facts = self.directory.tenant_facts(&scope).await?;
        let users = self
            .directory
            .count_users(&scope, &UserCriteria::default())
            .await?;
        let branches = self.directory.count_branches(&scope, false).await?;
        Ok(SystemStats::compute(
            &facts,
            users,
            branches,
            self.clock.now(),
        ))
    }

    /// The dashboard of §3.6. Requires `system.tenants.view` rather than the
    /// original's super-admin guard, so operators see it too (issue 3).
    ///
    /// # Errors
    /// `Access`; `Store`.
    pub async fn platform_stats(&self, who: &Principal) -> Result<PlatformStats> {
        let scope = Self::scope(who)?;
        let now = self.clock.now();
        let facts = self.directory.tenant_facts(&scope).await?;
        let active = UserCriteria {
            active_only: true,
            ..UserCriteria::default()
        };
        let users = |c: UserCriteria| async move { self.directory.count_users(&scope, &c).await };
        let since = |days: i64| now - Duration::days(days);
        let window = |from: i64, to: i64| UserCriteria {
            created_since: Some(since(from)),
            created_before: (to > 0).then(|| since(to)),
            ..active
        };
        let created = |from: i64, to: i64| {
            facts
                .iter()
                .filter(|t| t.created_at >= since(from) && (to == 0 || t.created_at < since(to)))
                .count() as u64
        };
        let mut users_by_role = BTreeMap::new();
        for role in AccountRole::ALL {
            let n = users(UserCriteria {
                role: Some(role),
                ..active
            })
            .await?;
            if n > 0 {
                users_by_role.insert(role.key(), n);
            }
        }
        let mut tenants_by_tier = BTreeMap::new();
        for t in facts.iter().filter(|t| t.is_active) {
            *tenants_by_tier.entry(t.tier.clone()).or_insert(0) += 1;
        }
        let active_tenants = facts.iter().filter(|t| t.is_active).count() as u64;
        let (users_last, users_prev) = (users(window(7, 0)).await?, users(window(14, 7)).await?);
        let (tenants_last, tenants_prev) = (created(7, 0), created(14, 7));
        Ok(PlatformStats {
            overview: StatsOverview {
                total_tenants: active_tenants,
                total_users: users(active).await?,
                total_branches: self.directory.count_branches(&scope, true).await?,
                verified_users: users(UserCriteria {
                    verified: Some(true),
                    ..active
                })
                .await?,
                unverified_users: users(UserCriteria {
                    verified: Some(false),
                    ..active
                })
                .await?,
                inactive_tenants: facts.len() as u64 - active_tenants,
            },
            users_by_role,
            tenants_by_tier,
            recent_activity: RecentActivity {
                new_tenants_30d: created(30, 0),
                new_users_30d: users(window(30, 0)).await?,
                logins_24h: 0,
                total_actions_24h: 0,
            },
            growth: Growth {
                tenants_last_7d: tenants_last,
                tenants_prev_7d: tenants_prev,
                tenant_growth_percentage: Growth::percentage(tenants_last, tenants_prev),
                users_last_7d: users_last,
                users_prev_7d: users_prev,
                user_growth_percentage: Growth::percentage(users_last, users_prev),
            },
        })
    }
}
