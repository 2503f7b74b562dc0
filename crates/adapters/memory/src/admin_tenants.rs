//! Tenancy's `TenantDirectory` over the shared in-memory state: the
//! operator's cross-tenant reads and the platform's tenant writes, with the
//! same semantics as the SQL adapter (the tier catalogue is empty here).

use crate::identity::{InMemoryStore, State};
use harmony_identity::model::{User, UserKind};
use harmony_kernel::{AuditEntry, OperatorScope, Page, PageRequest, StoreError, TenantId};
use harmony_tenancy::admin::{
    AccountRole, TenantDirectory, TenantFacts, TenantFilter, TenantSummaryRow, TenantUsage,
    UserCriteria,
};
use harmony_tenancy::{Branch, Limit, Tenant};
use time::OffsetDateTime;

fn slice<T>(mut items: Vec<T>, page: PageRequest) -> Page<T> {
    let total = items.len() as u64;
    let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    items = items.into_iter().skip(skip).take(limit).collect();
    Page { items, total }
}

fn live_active(u: &User) -> bool {
    u.is_active && u.deleted_at.is_none()
}

fn role_of(u: &User) -> AccountRole {
    match u.kind {
        UserKind::System(r) => AccountRole::System(r),
        UserKind::Tenant { role, .. } => AccountRole::Tenant(role),
    }
}

fn matches_user(u: &User, c: &UserCriteria) -> bool {
    (!c.active_only || live_active(u))
        && c.verified.is_none_or(|v| u.is_verified == v)
        && c.role.is_none_or(|r| role_of(u) == r)
        && c.created_since.is_none_or(|t| u.created_at >= t)
        && c.created_before.is_none_or(|t| u.created_at < t)
}

fn matches_tenant(t: &Tenant, f: &TenantFilter) -> bool {
    let needle = f
        .search
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    f.tier.as_deref().is_none_or(|tier| t.tier == tier)
        && f.status.is_none_or(|s| t.subscription_status == s)
        && f.is_active.is_none_or(|a| t.is_active == a)
        && needle.as_deref().is_none_or(|n| {
            t.name.to_lowercase().contains(n) || t.subdomain.to_lowercase().contains(n)
        })
}

impl State {
    fn usage(&self, id: TenantId) -> TenantUsage {
        let users = self.users.values().filter(|u| u.tenant_id() == Some(id));
        let mut usage = TenantUsage::default();
        for u in users {
            usage.active_users += u64::from(live_active(u));
            usage.last_login_at = usage.last_login_at.max(u.last_login_at);
        }
        usage.active_branches = self
            .branches
            .values()
            .filter(|b| b.tenant_id == id && b.is_counted())
            .count() as u64;
        usage
    }
}

#[async_trait::async_trait]
impl TenantDirectory for InMemoryStore {
    async fn list_tenants(
        &self,
        _scope: &OperatorScope,
        filter: &TenantFilter,
        page: PageRequest,
    ) -> Result<Page<TenantSummaryRow>, StoreError> {
        let state = self.lock();
        let mut found: Vec<&Tenant> = state
            .tenants
            .values()
            .filter(|t| matches_tenant(t, filter))
            .collect();
        found.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id)));
        let page = slice(found, page);
        Ok(page.map(|t| {
            let usage = state.usage(t.id);
            TenantSummaryRow {
                tenant: t.clone(),
                active_users: usage.active_users,
                active_branches: usage.active_branches,
            }
        }))
    }

    async fn tenant(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
    ) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock().tenants.get(&id).cloned())
    }

    async fn tenant_by_subdomain(
        &self,
        _scope: &OperatorScope,
        subdomain: &str,
    ) -> Result<Option<Tenant>, StoreError> {
        Ok(self
            .lock()
            .tenants
            .values()
            .find(|t| t.subdomain == subdomain)
            .cloned())
    }

    async fn tenant_usage(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
    ) -> Result<TenantUsage, StoreError> {
        Ok(self.lock().usage(id))
    }

    async fn tenant_branches(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError> {
        let mut found: Vec<Branch> = self
            .lock()
            .branches
            .values()
            .filter(|b| b.tenant_id == id && b.is_counted())
            .cloned()
            .collect();
        found.sort_by(|a, b| {
            (b.is_hq, b.created_at, b.id.into_uuid()).cmp(&(
                a.is_hq,
                a.created_at,
                a.id.into_uuid(),
            ))
        });
        Ok(slice(found, page))
    }

    async fn tenant_facts(&self, _scope: &OperatorScope) -> Result<Vec<TenantFacts>, StoreError> {
        Ok(self
            .lock()
            .tenants
            .values()
            .map(TenantFacts::from)
            .collect())
    }

    async fn count_users(
        &self,
        _scope: &OperatorScope,
        criteria: &UserCriteria,
    ) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .users
            .values()
            .filter(|u| matches_user(u, criteria))
            .count() as u64)
    }

    async fn count_branches(
        &self,
        _scope: &OperatorScope,
        active_only: bool,
    ) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .branches
            .values()
            .filter(|b| !active_only || b.is_counted())
            .count() as u64)
    }

    async fn save_tenant(
        &self,
        _scope: &OperatorScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        if tenant.domain.is_some()
            && state
                .tenants
                .values()
                .any(|t| t.id != tenant.id && t.domain == tenant.domain)
        {
            return Err(StoreError::Conflict("tenants.domain".to_owned()));
        }
        let stored = state
            .tenants
            .get_mut(&tenant.id)
            .filter(|t| t.updated_at == expected_updated_at)
            .ok_or(StoreError::StaleVersion)?;
        let t = tenant.clone();
        (stored.name, stored.domain, stored.logo_url, stored.tier) =
            (t.name, t.domain, t.logo_url, t.tier);
        stored.subscription_status = t.subscription_status;
        (stored.max_users, stored.max_branches, stored.max_storage_gb) =
            (t.max_users, t.max_branches, t.max_storage_gb);
        (stored.features, stored.settings, stored.meta_data) =
            (t.features, t.settings, t.meta_data);
        (stored.trial_ends_at, stored.subscription_ends_at) =
            (t.trial_ends_at, t.subscription_ends_at);
        (stored.is_active, stored.deleted_at, stored.updated_at) =
            (t.is_active, t.deleted_at, t.updated_at);
        state.audit.append(std::slice::from_ref(audit));
        Ok(())
    }

    async fn active_tier_limits(
        &self,
        _scope: &OperatorScope,
        _code: &str,
    ) -> Result<Option<[Limit; 3]>, StoreError> {
        Ok(None)
    }
}
