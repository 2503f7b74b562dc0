//! What the files context needs from the outside world.

use crate::model::{FileCategory, FileRecord};
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{
    AuditEntry, OperatorScope, Page, PageRequest, StoreError, TenantId, TenantScope, UserId,
};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How a download URL asks the browser to treat the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// `inline; filename="…"`.
    Inline(String),
    /// `attachment; filename="…"`.
    Attachment(String),
}

/// A URL the client calls directly, with what it must send along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    /// The URL.
    pub url: String,
    /// `PUT` for uploads, `GET` for downloads.
    pub method: String,
    /// Headers the request must carry (e.g. the signed `Content-Type`).
    pub headers: BTreeMap<String, String>,
    /// When the signature stops working.
    pub expires_at: OffsetDateTime,
}

/// An object as the store holds it (what `confirm` trusts, not the client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Size in bytes.
    pub size_bytes: u64,
    /// Content type recorded at upload, if the store keeps one.
    pub content_type: Option<String>,
}

/// Why an object-store call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectStoreError {
    /// The store cannot be reached (API answers 503).
    #[error("object storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else (API answers 500).
    #[error("object storage failed: {0}")]
    Failed(String),
}

/// The bytes' home: S3, an S3-compatible server, or the local file system
/// (the embedded default, whose URLs the API itself serves and signs).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait ObjectStorage: Send + Sync {
    /// A URL to `PUT` exactly this content type to `key`, valid for `ttl`.
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError>;

    /// A URL to `GET` `key` with the given disposition, valid for `ttl`.
    async fn presign_download(
        &self,
        key: &str,
        disposition: &Disposition,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError>;

    /// The stored size and content type of `key`; `None` when absent.
    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, ObjectStoreError>;

    /// Up to `len` first bytes of `key` (content sniffing); `None` when absent.
    async fn read_head_bytes(
        &self,
        key: &str,
        len: usize,
    ) -> Result<Option<Vec<u8>>, ObjectStoreError>;

    /// Removes `key`; absent keys are not an error.
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError>;

    /// Removes every object whose key starts with `prefix` (a tenant's
    /// `<category prefix>/<tenant_id>/` after account closure); returns how
    /// many were removed. Absent prefixes are not an error.
    async fn delete_prefix(&self, prefix: &str) -> Result<u64, ObjectStoreError>;

    /// The public URL of `key` for public categories (logos, avatars).
    fn public_url(&self, key: &str) -> String;
}

/// Filters of the file list (§3.9 #3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFilter {
    /// Exact category.
    pub category: Option<FileCategory>,
    /// Exact resource type.
    pub resource_type: Option<String>,
    /// Exact resource id.
    pub resource_id: Option<Uuid>,
}

/// One write of a files use case; [`FileStore::commit_files`] applies a list
/// of them in order, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum FileChange {
    /// Insert a record (pending at presign). MUST fail with `Conflict` when
    /// the id or the `storage_key` is already taken (any status).
    Insert(FileRecord),
    /// Overwrite a record. MUST fail with `StaleVersion` unless the stored
    /// version equals `expected_version`; stores `file.version`.
    Update {
        /// The new state.
        file: FileRecord,
        /// The version the decision was based on.
        expected_version: i64,
    },
    /// Remove a record (hard delete, sweep of unconfirmed uploads). Only a
    /// record of `tenant_id` is removed; an absent record is not an error
    /// (two sweepers may race).
    Delete {
        /// The tenant (data, from the record).
        tenant_id: TenantId,
        /// The record.
        id: Uuid,
    },
    /// Add `bytes` to the tenant's `storage_used_bytes` under a lock of the
    /// tenant row. MUST fail with `Conflict("storage_quota")` when
    /// `limit_bytes` is `Some` and the result would exceed it.
    ReserveStorage {
        /// The tenant.
        tenant_id: TenantId,
        /// Bytes to add.
        bytes: i64,
        /// Quota in bytes; `None` for unlimited.
        limit_bytes: Option<i64>,
    },
    /// Subtract `bytes` from the tenant's `storage_used_bytes` (never below 0).
    ReleaseStorage {
        /// The tenant.
        tenant_id: TenantId,
        /// Bytes to subtract.
        bytes: i64,
    },
    /// Set or clear `tenants.logo_url`.
    SetTenantLogo {
        /// The tenant.
        tenant_id: TenantId,
        /// New URL or `None`.
        url: Option<String>,
    },
    /// Set or clear `users.avatar_url` of a user of the tenant. A user of
    /// another tenant MUST be left unchanged.
    SetUserAvatar {
        /// The tenant (the user must belong to it).
        tenant_id: TenantId,
        /// The user.
        user_id: UserId,
        /// New URL or `None`.
        url: Option<String>,
    },
    /// Queue a message (e.g. deletion of bytes after commit).
    Outbox(OutboxMessage),
    /// Append an audit entry.
    Audit(AuditEntry),
}

/// `StoreError::Conflict` text of a refused [`FileChange::ReserveStorage`].
pub const CONFLICT_STORAGE_QUOTA: &str = "storage_quota";

/// Persistence of file records. Tenant reads take a [`TenantScope`].
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Applies every change in order, atomically.
    async fn commit_files(&self, changes: &[FileChange]) -> Result<(), StoreError>;

    /// A record of the scope's tenant by id, any status.
    async fn file(&self, scope: &TenantScope, id: Uuid) -> Result<Option<FileRecord>, StoreError>;

    /// A record of the scope's tenant by storage key, any status.
    async fn file_by_key(
        &self,
        scope: &TenantScope,
        key: &str,
    ) -> Result<Option<FileRecord>, StoreError>;

    /// Active records of the scope's tenant, newest first.
    async fn list_files(
        &self,
        scope: &TenantScope,
        filter: &FileFilter,
        page: PageRequest,
    ) -> Result<Page<FileRecord>, StoreError>;

    /// Active records of the scope's tenant with this category and resource,
    /// newest first (logo and avatar replacement).
    async fn files_of_resource(
        &self,
        scope: &TenantScope,
        category: FileCategory,
        resource_type: &str,
        resource_id: Uuid,
    ) -> Result<Vec<FileRecord>, StoreError>;

    /// `(storage_used_bytes, max_storage_gb, active file count)` of the scope's tenant.
    async fn storage_usage(&self, scope: &TenantScope) -> Result<(i64, i64, u64), StoreError>;

    /// An active record of any tenant (platform download).
    async fn any_active_file(
        &self,
        scope: &OperatorScope,
        id: Uuid,
    ) -> Result<Option<FileRecord>, StoreError>;

    /// Pending records created before `before`, any tenant, oldest first, at
    /// most `limit` (sweeper).
    async fn stale_pending(
        &self,
        scope: &OperatorScope,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<FileRecord>, StoreError>;

    /// Sets every tenant's `storage_used_bytes` to the sum of its active
    /// files; returns `(tenant, old, new)` for the tenants that changed.
    async fn recompute_storage(
        &self,
        scope: &OperatorScope,
    ) -> Result<Vec<(TenantId, i64, i64)>, StoreError>;

    /// Whether the scope's tenant is active: `None` when it does not exist
    /// (or is soft-deleted), `Some(is_active)` otherwise. Files refuse
    /// deactivated tenants (defect 10), so every use case reads this first.
    async fn tenant_active(&self, scope: &TenantScope) -> Result<Option<bool>, StoreError>;

    /// Whether `user_id` is a live (not soft-deleted) user of the scope's
    /// tenant: avatars may only be managed for members of the caller's own
    /// tenant (defect 20).
    async fn user_in_tenant(
        &self,
        scope: &TenantScope,
        user_id: UserId,
    ) -> Result<bool, StoreError>;
}
