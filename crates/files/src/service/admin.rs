//! Platform use cases: the admin download (§3.9 #17), the sweeper of
//! unconfirmed uploads, the storage recomputation and the outbox job that
//! deletes retired bytes.

use super::FilesService;
use super::types::FileDownload;
use crate::error::FilesError;
use crate::model::{FileCategory, FileStatus};
use crate::ports::FileChange;
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{
    AccessError, AuditEntry, OperatorScope, Principal, SystemPermission, TenantId,
};
use uuid::Uuid;

/// Outbox topic of "delete these bytes" jobs; payload `{"storage_key": …}`.
pub const TOPIC_DELETE_OBJECT: &str = "files.delete_object";

/// G-SUPER: only system admins. `system.tenants.impersonate` is the kernel
/// permission that means "may see inside any tenant" and only admins hold
/// it; the refusal keeps the contract's G-SUPER text.
fn super_admin(who: &Principal, p: SystemPermission) -> Result<OperatorScope, FilesError> {
    who.require_system(p)
        .map_err(|_| AccessError::SuperAdminRequired.into())
}

impl FilesService {
    /// §3.9 #17: a signed download of any tenant's active file (system
    /// admins; `system.tenants.impersonate`).
    ///
    /// # Errors
    /// 403 `Super Admin access required for this operation`, 404 `File not found`.
    pub async fn admin_download(
        &self,
        who: &Principal,
        id: Uuid,
        inline: bool,
    ) -> Result<FileDownload, FilesError> {
        let scope = super_admin(who, SystemPermission::TenantsImpersonate)?;
        let file = self
            .store
            .any_active_file(&scope, id)
            .await?
            .ok_or(FilesError::FileNotFound)?;
        self.sign_download(file, inline).await
    }

    /// Worker job: removes up to `limit` PENDING uploads older than
    /// `pending_max_age` — rows and bytes — and returns how many. Each row
    /// is removed only if still pending (a version-checked update first, so
    /// a confirm that wins the race keeps its file); bytes go after the
    /// commit, queued in the outbox as well. Needs `system.tools.access`
    /// (the worker acts as a system admin).
    ///
    /// # Errors
    /// 403 for non-admins; storage failures.
    pub async fn sweep_stale_uploads(
        &self,
        who: &Principal,
        limit: u32,
    ) -> Result<u64, FilesError> {
        let scope = super_admin(who, SystemPermission::ToolsAccess)?;
        let before = self.now() - self.config.pending_max_age;
        let stale = self.store.stale_pending(&scope, before, limit).await?;
        let mut swept = 0;
        for file in stale
            .into_iter()
            .filter(|f| f.status == FileStatus::Pending)
        {
            let mut gone = file.clone();
            gone.status = FileStatus::Deleted;
            gone.version = file.version + 1;
            let changes = [
                FileChange::Update {
                    file: gone,
                    expected_version: file.version,
                },
                FileChange::Delete {
                    tenant_id: file.tenant_id,
                    id: file.id,
                },
                self.delete_object_message(&file.storage_key),
            ];
            match self.store.commit_files(&changes).await {
                Ok(()) => {
                    self.delete_objects_now(std::slice::from_ref(&file.storage_key))
                        .await;
                    swept += 1;
                }
                Err(harmony_kernel::StoreError::StaleVersion) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(swept)
    }

    /// Admin command: sets every tenant's `storage_used_bytes` to the sum
    /// of its active files and returns `(tenant, old, new)` for those that
    /// drifted (system admins; `system.tenants.update`). Audited as
    /// `system.storage_recomputed` right after (the port recomputes in its
    /// own transaction).
    ///
    /// # Errors
    /// 403 for non-admins; storage failures.
    pub async fn recompute_storage(
        &self,
        who: &Principal,
    ) -> Result<Vec<(TenantId, i64, i64)>, FilesError> {
        let scope = super_admin(who, SystemPermission::TenantsUpdate)?;
        let changed = self.store.recompute_storage(&scope).await?;
        let audit = AuditEntry::by(who, "system.storage_recomputed", "tenant", self.now())
            .detail("tenants_changed", changed.len());
        self.store.commit_files(&[FileChange::Audit(audit)]).await?;
        Ok(changed)
    }

    /// Outbox handler of [`TOPIC_DELETE_OBJECT`]: deletes the bytes (absent
    /// keys are fine, so retries and the immediate attempt never clash).
    ///
    /// # Errors
    /// `Validation` for a malformed payload (dead letter), storage errors
    /// (retry).
    pub async fn delete_object_job(&self, message: &OutboxMessage) -> Result<(), FilesError> {
        let key = message
            .payload
            .get("storage_key")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| FilesError::validation("storage_key", "missing storage_key"))?;
        self.objects.delete(key).await?;
        Ok(())
    }

    /// Outbox handler of the kernel's `tenant.closed`: removes every object
    /// under the closed tenant's prefixes (the rows went with the tenant);
    /// returns how many objects were removed.
    ///
    /// # Errors
    /// `Validation` for a malformed payload (dead letter), storage errors
    /// (retry).
    pub async fn purge_tenant_job(&self, message: &OutboxMessage) -> Result<u64, FilesError> {
        let tenant = message
            .payload
            .get("tenant_id")
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| FilesError::validation("tenant_id", "missing tenant_id"))?;
        let mut removed = 0;
        for category in FileCategory::ALL {
            let prefix = format!("{}/{tenant}/", crate::rules::key_prefix(category));
            removed += self.objects.delete_prefix(&prefix).await?;
        }
        Ok(removed)
    }
}
