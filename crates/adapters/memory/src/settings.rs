//! `TenantSettingsStore` over the shared in-memory state. The tier catalogue
//! is empty here, so the service answers with its fixed fallback list.

use crate::identity::InMemoryStore;
use harmony_identity::ports::IdentityStore;
use harmony_kernel::{AuditEntry, StoreError, TenantScope};
use harmony_tenancy::Tenant;
use harmony_tenancy::ports::BranchStore;
use harmony_tenancy::settings::model::TierInfo;
use harmony_tenancy::settings::ports::TenantSettingsStore;
use time::OffsetDateTime;

#[async_trait::async_trait]
impl TenantSettingsStore for InMemoryStore {
    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock().tenants.get(&scope.tenant_id()).cloned())
    }

    async fn update_tenant(
        &self,
        scope: &TenantScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        let stored = state
            .tenants
            .get_mut(&scope.tenant_id())
            .filter(|t| t.id == tenant.id && t.updated_at == expected_updated_at)
            .ok_or(StoreError::StaleVersion)?;
        stored.name.clone_from(&tenant.name);
        stored.logo_url.clone_from(&tenant.logo_url);
        stored.settings.clone_from(&tenant.settings);
        stored
            .scheduled_tier_code
            .clone_from(&tenant.scheduled_tier_code);
        stored.scheduled_tier_effective_at = tenant.scheduled_tier_effective_at;
        stored.updated_at = tenant.updated_at;
        state.audit.append(std::slice::from_ref(audit));
        Ok(())
    }

    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        IdentityStore::count_active_users(self, scope).await
    }

    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        BranchStore::count_active_branches(self, scope).await
    }

    async fn active_tiers(&self) -> Result<Vec<TierInfo>, StoreError> {
        Ok(Vec::new())
    }
}
