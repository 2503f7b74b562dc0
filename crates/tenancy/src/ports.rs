//! What tenancy needs from the outside world: one store that commits a
//! branch use case's outcome atomically and answers scoped reads.

use crate::model::{Branch, Limit, Tenant};
use harmony_kernel::{AuditEntry, BranchId, Page, PageRequest, StoreError, TenantId, TenantScope};
use time::OffsetDateTime;

/// `StoreError::Conflict` text for a refused [`BranchChange::ReserveBranchSlot`].
pub const CONFLICT_BRANCH_LIMIT: &str = "branch_limit";
/// `StoreError::Conflict` text when `(tenant_id, code)` is taken (deleted rows included).
pub const CONFLICT_BRANCH_CODE: &str = "branch_code";
/// `StoreError::Conflict` text when a second active headquarters would exist.
pub const CONFLICT_BRANCH_HQ: &str = "branch_hq";

/// One write of a branch use case's outcome. [`BranchStore::commit_branches`]
/// applies a list of them in order, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum BranchChange {
    /// Claim a slot for one more active branch, before the change that adds
    /// or reactivates it. The store MUST serialise concurrent claims for the
    /// same tenant (lock the tenant row) and fail with
    /// `Conflict("branch_limit")` unless the tenant's live, active branches
    /// at this point of the commit are fewer than `limit`; a check outside
    /// the transaction would let parallel requests exceed the plan.
    ReserveBranchSlot {
        /// The tenant.
        tenant_id: TenantId,
        /// Its branch limit.
        limit: Limit,
    },
    /// Insert a branch. MUST fail with `Conflict("branch_code")` when the
    /// tenant already has a branch (deleted or not) with that code, and with
    /// `Conflict("branch_hq")` when it would be a second active headquarters.
    InsertBranch(Branch),
    /// Overwrite a branch. MUST fail with `StaleVersion` unless the stored
    /// version equals `expected_version`; stores `branch.version` (= expected
    /// + 1). Same conflicts as [`BranchChange::InsertBranch`].
    UpdateBranch {
        /// The new state.
        branch: Branch,
        /// The version the decision was based on.
        expected_version: i64,
    },
    /// Unset `is_hq` on the tenant's active headquarters (if any), bumping
    /// its version and `updated_at`; runs before the change that promotes
    /// another branch, so the one-HQ index never sees two.
    ClearHeadquarters {
        /// The tenant.
        tenant_id: TenantId,
        /// Change time.
        at: OffsetDateTime,
    },
    /// Append an entry to its tenant's audit chain, in the same transaction.
    Audit(AuditEntry),
}

/// Persistence of tenants' branches. Every read takes a [`TenantScope`], so
/// one tenant never sees another's rows.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait BranchStore: Send + Sync {
    /// Applies every change in order, atomically: all or nothing.
    ///
    /// # Errors
    /// `Conflict` and `StaleVersion` per the [`BranchChange`] docs.
    async fn commit_branches(&self, changes: &[BranchChange]) -> Result<(), StoreError>;

    /// The scope's tenant, active or not.
    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError>;

    /// A live (not soft-deleted) branch of the scope's tenant, active or
    /// not; `None` for deleted rows and other tenants' ids.
    async fn branch(&self, scope: &TenantScope, id: BranchId)
    -> Result<Option<Branch>, StoreError>;

    /// Live, active branches of the scope's tenant, headquarters first, then
    /// newest first; `search` is a case-insensitive substring of name, code
    /// or city.
    async fn list_branches(
        &self,
        scope: &TenantScope,
        search: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError>;

    /// How many live, active branches the scope's tenant has (`max_branches`).
    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError>;

    /// How many active users of the scope's tenant have `id` as their
    /// default branch (delete rule).
    async fn count_active_users_with_default_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<u64, StoreError>;
}
