//! What the tenant-settings use cases need from storage: the caller's
//! tenant, its active counts, a guarded tenant write and the tier catalogue.

use crate::model::Tenant;
use crate::settings::model::TierInfo;
use harmony_kernel::{AuditEntry, StoreError, TenantScope};
use time::OffsetDateTime;

/// Persistence behind [`crate::settings::TenantSettingsService`]. Every
/// tenant read and write takes a [`TenantScope`], so a tenant only ever
/// sees and changes its own record.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait TenantSettingsStore: Send + Sync {
    /// The scope's tenant, active or not.
    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError>;

    /// Overwrites the self-service fields of the scope's tenant (`name`,
    /// `logo_url`, `settings`, `scheduled_tier_code`,
    /// `scheduled_tier_effective_at`, `updated_at`) with those of `tenant`;
    /// nothing else is written.
    ///
    /// # Errors
    /// MUST return `StaleVersion`, and write nothing, unless the stored
    /// `updated_at` equals `expected_updated_at` (optimistic locking, so a
    /// settings merge never loses a concurrent change) or when the scope's
    /// tenant is not `tenant.id`. `audit` is appended in the same transaction.
    async fn update_tenant(
        &self,
        scope: &TenantScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// Active, not deleted users of the scope's tenant (`max_users`).
    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError>;

    /// Live, active branches of the scope's tenant (`max_branches`).
    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError>;

    /// The active tiers of the catalogue, by `sort_order`; empty when the
    /// catalogue has no rows (callers then use the fixed fallback list).
    async fn active_tiers(&self) -> Result<Vec<TierInfo>, StoreError>;
}
