//! What the audit context needs from the outside: a store for the chained
//! records and a place for archive files.

use crate::model::{
    ArchiveDir, ArchiveFileInfo, AuditFilter, AuditRecord, AuditStatistics, TenantFilter,
};
use harmony_kernel::{AuditEntry, Page, PageRequest, StoreError, TenantId};
use time::OffsetDateTime;
use uuid::Uuid;

/// The chained audit records. Every read takes a [`TenantFilter`] that the
/// service derived from the caller, and sees only live (`is_active`) rows.
///
/// Appends inside other contexts' commits do not go through this port: the
/// adapters expose a function that appends on the commit's own transaction,
/// so a change and its record commit together.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends entries to their chains in one transaction of its own
    /// (records about the trail itself: clear, archive). Each entry is
    /// [`crate::normalise`]d, gets the next `seq` of its chain and its
    /// [`crate::chain_hash`]; concurrent appends to one chain MUST serialise.
    async fn append(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;

    /// Records passing `filter`, newest first (`created_at` desc, then `seq`
    /// desc), with the total.
    async fn list(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError>;

    /// One record, if `tenant` admits it.
    async fn get(&self, tenant: TenantFilter, id: Uuid) -> Result<Option<AuditRecord>, StoreError>;

    /// The counters of `AuditStatistics`, computed by the backend.
    async fn statistics(
        &self,
        tenant: TenantFilter,
        now: OffsetDateTime,
    ) -> Result<AuditStatistics, StoreError>;

    /// Distinct actions, ascending.
    async fn actions(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError>;

    /// Distinct resources, ascending.
    async fn resources(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError>;

    /// Every stored record of one chain (`None` = the platform chain) in
    /// `seq` order, for verification. Loads the whole chain; fine while
    /// archiving keeps chains short, a streaming variant can come later.
    async fn chain(&self, tenant: Option<TenantId>) -> Result<Vec<AuditRecord>, StoreError>;

    /// Hard-deletes every record (chain heads stay, so new records continue
    /// each chain); returns how many.
    async fn delete_all(&self) -> Result<u64, StoreError>;

    /// Records (live or not) created before `cutoff`, oldest first, then by
    /// `seq`, for archiving.
    async fn older_than(
        &self,
        cutoff: OffsetDateTime,
        tenant: TenantFilter,
    ) -> Result<Vec<AuditRecord>, StoreError>;

    /// Hard-deletes exactly these records; returns how many existed.
    async fn delete_ids(&self, ids: &[Uuid]) -> Result<u64, StoreError>;
}

/// Where archive files live (a directory tree, an object store).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait ArchiveStore: Send + Sync {
    /// Writes a new file atomically (readers never see half a file). MUST
    /// fail with `StoreError::Conflict` when `name` exists: archives are
    /// never overwritten.
    async fn put(&self, dir: &ArchiveDir, name: &str, bytes: &[u8]) -> Result<(), StoreError>;

    /// The `*.json` files of `dir`, in any order; an absent directory is empty.
    async fn list(&self, dir: &ArchiveDir) -> Result<Vec<ArchiveFileInfo>, StoreError>;

    /// A file's bytes; `None` when absent.
    async fn get(&self, dir: &ArchiveDir, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Removes a file; `false` when it was absent.
    async fn delete(&self, dir: &ArchiveDir, name: &str) -> Result<bool, StoreError>;
}
