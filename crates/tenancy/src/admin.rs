//! Platform administration, read side (§3.5 #2–#7, #11 and §3.6): the
//! operator's view across every tenant.
//!
//! Reads go through [`TenantDirectory`], whose methods all take an
//! [`OperatorScope`], so only a verified system user's request can reach
//! them. [`TenantAdminService`] checks `system.tenants.view`, which the
//! matrix grants to system admins AND operators (issue 3), and derives the
//! statistics from the stored facts with the injected clock. The write
//! side (§3.5 #8–#10, #12, #13) lives in `writes` and needs
//! `system.tenants.update` / `system.tenants.delete` (system admins only).

mod error;
mod service;
mod stats;
mod writes;

pub use error::TenantAdminError;
pub use service::TenantAdminService;
pub use stats::{Growth, PlatformStats, RecentActivity, StatsOverview, SystemStats, TenantStats};
pub use writes::{STATUS_KEYS, StatusChange, SubscriptionUpdate, TenantUpdate, naive_iso};

use crate::model::{Branch, Limit, SubscriptionStatus, Tenant};
use harmony_kernel::{
    AuditEntry, OperatorScope, Page, PageRequest, StoreError, SystemRole, TenantId, TenantRole,
};
use time::OffsetDateTime;

/// The tier codes the contract knows (§3.5 TenantCreate); a list filter with
/// any other value is a 422 rather than an always-empty page (defect 31).
pub const TIER_CODES: [&str; 4] = ["free", "basic", "premium", "enterprise"];

/// Filters of the operator's tenant list (§3.5 #2); every `Some` must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantFilter {
    /// Exact tier code (one of [`TIER_CODES`]).
    pub tier: Option<String>,
    /// Exact subscription status.
    pub status: Option<SubscriptionStatus>,
    /// The platform's activation flag (soft-deleted tenants are inactive).
    pub is_active: Option<bool>,
    /// Case-insensitive substring of the name or the subdomain.
    pub search: Option<String>,
}

/// One row of the tenant list: the tenant and its live head counts.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantSummaryRow {
    /// The tenant.
    pub tenant: Tenant,
    /// Its active, not deleted users.
    pub active_users: u64,
    /// Its active, not deleted branches.
    pub active_branches: u64,
}

/// What a tenant currently uses, for its detail and stats views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TenantUsage {
    /// Active, not deleted users.
    pub active_users: u64,
    /// Active, not deleted branches.
    pub active_branches: u64,
    /// Latest sign-in of any of its users, whatever their status.
    pub last_login_at: Option<OffsetDateTime>,
}

/// The few tenant columns the platform statistics need; stores return one
/// per tenant row (deleted ones included) so the counting stays in the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantFacts {
    /// Tier code.
    pub tier: String,
    /// Subscription state.
    pub status: SubscriptionStatus,
    /// Activation flag.
    pub is_active: bool,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// End of trial.
    pub trial_ends_at: Option<OffsetDateTime>,
    /// End of the paid period.
    pub subscription_ends_at: Option<OffsetDateTime>,
}

impl From<&Tenant> for TenantFacts {
    fn from(t: &Tenant) -> Self {
        Self {
            tier: t.tier.clone(),
            status: t.subscription_status,
            is_active: t.is_active,
            created_at: t.created_at,
            trial_ends_at: t.trial_ends_at,
            subscription_ends_at: t.subscription_ends_at,
        }
    }
}

/// An account's role as the platform statistics group it (`users_by_role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountRole {
    /// A system user.
    System(SystemRole),
    /// A tenant user.
    Tenant(TenantRole),
}

impl AccountRole {
    /// Every role, in the order `users_by_role` lists them.
    pub const ALL: [Self; 5] = [
        Self::System(SystemRole::Admin),
        Self::System(SystemRole::Operator),
        Self::Tenant(TenantRole::Owner),
        Self::Tenant(TenantRole::Admin),
        Self::Tenant(TenantRole::Member),
    ];

    /// The `users_by_role` key (§3.6).
    pub const fn key(self) -> &'static str {
        match self {
            Self::System(SystemRole::Admin) => "system_admin",
            Self::System(SystemRole::Operator) => "system_operator",
            Self::Tenant(TenantRole::Owner) => "tenant_owner",
            Self::Tenant(TenantRole::Admin) => "tenant_admin",
            Self::Tenant(TenantRole::Member) => "tenant_member",
        }
    }
}

/// Which accounts [`TenantDirectory::count_users`] counts; every `Some` and
/// `active_only` must hold. The default counts every row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserCriteria {
    /// Only active, not deleted accounts.
    pub active_only: bool,
    /// Exact `is_verified`.
    pub verified: Option<bool>,
    /// Exact role.
    pub role: Option<AccountRole>,
    /// Created at or after.
    pub created_since: Option<OffsetDateTime>,
    /// Created strictly before.
    pub created_before: Option<OffsetDateTime>,
}

/// Cross-tenant reads for platform operators. Every method takes the
/// [`OperatorScope`] as proof that a system user asked.
#[async_trait::async_trait]
pub trait TenantDirectory: Send + Sync {
    /// Tenants matching `filter` (deleted ones included unless filtered by
    /// `is_active`), newest first, with their active user and branch counts.
    async fn list_tenants(
        &self,
        scope: &OperatorScope,
        filter: &TenantFilter,
        page: PageRequest,
    ) -> Result<Page<TenantSummaryRow>, StoreError>;

    /// A tenant by id, active, inactive or deleted.
    async fn tenant(
        &self,
        scope: &OperatorScope,
        id: TenantId,
    ) -> Result<Option<Tenant>, StoreError>;

    /// A tenant by its exact subdomain.
    async fn tenant_by_subdomain(
        &self,
        scope: &OperatorScope,
        subdomain: &str,
    ) -> Result<Option<Tenant>, StoreError>;

    /// The tenant's head counts and latest sign-in.
    async fn tenant_usage(
        &self,
        scope: &OperatorScope,
        id: TenantId,
    ) -> Result<TenantUsage, StoreError>;

    /// The tenant's live, active branches, headquarters first, then newest.
    async fn tenant_branches(
        &self,
        scope: &OperatorScope,
        id: TenantId,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError>;

    /// One [`TenantFacts`] per tenant row.
    async fn tenant_facts(&self, scope: &OperatorScope) -> Result<Vec<TenantFacts>, StoreError>;

    /// How many user rows (system users included) match `criteria`.
    async fn count_users(
        &self,
        scope: &OperatorScope,
        criteria: &UserCriteria,
    ) -> Result<u64, StoreError>;

    /// How many branch rows exist; with `active_only`, live and active ones.
    async fn count_branches(
        &self,
        scope: &OperatorScope,
        active_only: bool,
    ) -> Result<u64, StoreError>;

    /// Stores the platform-writable columns of `tenant` (name, domain, logo,
    /// tier, status, limits, features, settings, meta data, dates, flags)
    /// unless the stored `updated_at` differs from `expected_updated_at`
    /// (`StaleVersion`); a duplicate domain is `Conflict` (§3.5 writes).
    /// `audit` is appended in the same transaction.
    async fn save_tenant(
        &self,
        scope: &OperatorScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// The user, branch and storage caps of the active catalogue tier
    /// `code`, if there is one.
    async fn active_tier_limits(
        &self,
        scope: &OperatorScope,
        code: &str,
    ) -> Result<Option<[Limit; 3]>, StoreError>;
}
