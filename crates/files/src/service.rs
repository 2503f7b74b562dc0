//! The use cases of api-core §3.9, one method per endpoint, plus the
//! sweeper and the storage recomputation.
//!
//! Every use case follows "decide, then persist atomically": it loads what
//! it needs, decides every change (record, storage counter, logo/avatar URL,
//! audit entry, outbox message) and persists them with ONE
//! [`FileStore::commit_files`].
//!
//! Access (G-LPERM + G-CTX, §1.8.3): tenant users act in their own tenant
//! and need the tenant permission matching the legacy one
//! (`files.view/upload/delete` → `tenant.files.*`, `settings.update` →
//! `tenant.settings.edit`; both matrices agree for every role); system users
//! act in the tenant named by `X-Tenant-ID` (`tenant` argument) and need
//! the legacy permission of their legacy role (`super_admin`: all,
//! `system_operator`: none). A missing or soft-deleted tenant is 404 and a
//! deactivated one 403 for everybody (defect 10).
//!
//! Bytes are never deleted before the commit that retires their record: the
//! commit queues a [`TOPIC_DELETE_OBJECT`] outbox message (durable, retried
//! by the worker through [`FilesService::delete_object_job`]) and the use
//! case then deletes the object at once, best effort.

mod admin;
mod branding;
mod manage;
mod types;
mod upload;

pub use admin::TOPIC_DELETE_OBJECT;
pub use types::{
    FileDownload, FilePatch, ImageUpload, PresignedUpload, StorageUsage, UploadConfirm,
    UploadRequest,
};

use crate::error::FilesError;
use crate::model::{FileRecord, FileStatus};
use crate::ports::{FileChange, FileStore, ObjectStorage};
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::permission::legacy_grants;
use harmony_kernel::{
    AccessError, AuditEntry, Clock, LegacyPermission, OutboxId, Principal, TenantId,
    TenantPermission, TenantScope,
};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// Lifetimes and limits of the files context (settings `files.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesConfig {
    /// Validity of presigned upload URLs (`S3_PRESIGNED_URL_EXPIRY`, 1 h).
    pub upload_ttl: Duration,
    /// Validity of presigned download URLs (1 h).
    pub download_ttl: Duration,
    /// Unconfirmed uploads older than this are swept (24 h).
    pub pending_max_age: Duration,
    /// `MAX_UPLOAD_SIZE_MB`: the document category's limit (50).
    pub document_max_mb: i64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self {
            upload_ttl: Duration::hours(1),
            download_ttl: Duration::hours(1),
            pending_max_age: Duration::hours(24),
            document_max_mb: crate::rules::DEFAULT_DOCUMENT_MAX_MB,
        }
    }
}

/// The files use cases; one instance per process, shared by handlers.
pub struct FilesService {
    store: Arc<dyn FileStore>,
    objects: Arc<dyn ObjectStorage>,
    clock: Arc<dyn Clock>,
    config: FilesConfig,
}

impl std::fmt::Debug for FilesService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilesService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The tenant permission a legacy files guard corresponds to (§4.2/§4.3).
const fn tenant_permission(p: LegacyPermission) -> TenantPermission {
    match p {
        LegacyPermission::FilesView => TenantPermission::FilesView,
        LegacyPermission::FilesDelete => TenantPermission::FilesDelete,
        LegacyPermission::SettingsUpdate => TenantPermission::SettingsEdit,
        _ => TenantPermission::FilesUpload,
    }
}

impl FilesService {
    /// Wires the service to its ports (composition root and tests).
    pub fn new(
        store: Arc<dyn FileStore>,
        objects: Arc<dyn ObjectStorage>,
        clock: Arc<dyn Clock>,
        config: FilesConfig,
    ) -> Self {
        Self {
            store,
            objects,
            clock,
            config,
        }
    }

    /// Whether `who` holds the legacy permission `p` (by its real role).
    fn holds(who: &Principal, p: LegacyPermission) -> bool {
        match (who.tenant_role(), who.system_role()) {
            (Some(role), _) => role.grants(tenant_permission(p)),
            (None, Some(role)) => legacy_grants(role.legacy_role(), p),
            (None, None) => false,
        }
    }

    /// G-LPERM(`need`) + G-CTX + tenant active: the scope the use case runs in.
    async fn context(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        need: Option<LegacyPermission>,
    ) -> Result<TenantScope, FilesError> {
        if let Some(p) = need
            && !Self::holds(who, p)
        {
            return Err(AccessError::MissingPermission(p.as_str()).into());
        }
        let scope = if let Ok(scope) = who.tenant_scope() {
            scope
        } else {
            let tenant = tenant.ok_or(FilesError::TenantHeaderRequired)?;
            who.operator_scope()?.on_behalf_of(tenant)
        };
        match self.store.tenant_active(&scope).await? {
            None => Err(FilesError::TenantNotFound(scope.tenant_id())),
            Some(false) => Err(FilesError::TenantInactive),
            Some(true) => Ok(scope),
        }
    }

    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// An audit entry of `who` in the scope's tenant trail (system admins
    /// acting through `X-Tenant-ID` included).
    fn audit(
        &self,
        who: &Principal,
        scope: &TenantScope,
        action: &str,
        resource: &str,
    ) -> AuditEntry {
        AuditEntry::by(who, action, resource, self.now()).tenant(Some(scope.tenant_id()))
    }

    /// The outbox message that deletes `key`'s bytes after the commit.
    fn delete_object_message(&self, key: &str) -> FileChange {
        FileChange::Outbox(OutboxMessage {
            id: OutboxId::new(),
            topic: TOPIC_DELETE_OBJECT.to_owned(),
            payload: serde_json::json!({ "storage_key": key }),
            created_at: self.now(),
        })
    }

    /// The changes that retire `file`: soft delete (by `who`), release its
    /// bytes from the counter only if it was ACTIVE (defect 18: never
    /// twice), queue deletion of its bytes. Already deleted → nothing.
    fn retire(&self, file: &FileRecord, who: &Principal) -> Vec<FileChange> {
        if file.status == FileStatus::Deleted {
            return Vec::new();
        }
        let now = self.now();
        let mut changes = Vec::with_capacity(3);
        if file.status == FileStatus::Active {
            changes.push(FileChange::ReleaseStorage {
                tenant_id: file.tenant_id,
                bytes: file.size_bytes,
            });
        }
        let mut gone = file.clone();
        gone.status = FileStatus::Deleted;
        gone.deleted_at = Some(now);
        gone.deleted_by = Some(who.user_id());
        gone.updated_at = Some(now);
        gone.version = file.version + 1;
        changes.push(FileChange::Update {
            file: gone,
            expected_version: file.version,
        });
        changes.push(self.delete_object_message(&file.storage_key));
        changes
    }

    /// Best-effort immediate deletion of bytes whose records were retired by
    /// a successful commit; failures are left to the queued outbox message.
    async fn delete_objects_now(&self, keys: &[String]) {
        for key in keys {
            self.objects.delete(key).await.ok();
        }
    }
}
