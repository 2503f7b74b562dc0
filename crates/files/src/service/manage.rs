//! Reading, downloading, editing and deleting files (§3.9 #3–8).

use super::FilesService;
use super::types::{FileDownload, FilePatch, StorageUsage};
use crate::error::FilesError;
use crate::model::{FileCategory, FileRecord, FileStatus};
use crate::ports::{Disposition, FileChange, FileFilter};
use crate::rules;
use harmony_kernel::{LegacyPermission, Page, PageRequest, Principal, TenantId, TenantScope};
use uuid::Uuid;

impl FilesService {
    /// §3.9 #3: active files of the tenant, newest first (`files.view`).
    ///
    /// # Errors
    /// Guard errors only.
    pub async fn list(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        filter: &FileFilter,
        page: PageRequest,
    ) -> Result<Page<FileRecord>, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesView))
            .await?;
        Ok(self.store.list_files(&scope, filter, page).await?)
    }

    /// §3.9 #4: the tenant's storage use (any caller of the tenant).
    ///
    /// # Errors
    /// Guard errors only.
    pub async fn storage_usage(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
    ) -> Result<StorageUsage, FilesError> {
        let scope = self.context(who, tenant, None).await?;
        let (used_bytes, limit_gb, file_count) = self.store.storage_usage(&scope).await?;
        Ok(StorageUsage {
            tenant_id: scope.tenant_id(),
            used_bytes,
            limit_gb,
            file_count,
        })
    }

    async fn active(&self, scope: &TenantScope, id: Uuid) -> Result<FileRecord, FilesError> {
        self.store
            .file(scope, id)
            .await?
            .filter(|f| f.status == FileStatus::Active)
            .ok_or(FilesError::FileNotFound)
    }

    /// §3.9 #5: one active file (`files.view`).
    ///
    /// # Errors
    /// 404 `File not found`.
    pub async fn get(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        id: Uuid,
    ) -> Result<FileRecord, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesView))
            .await?;
        self.active(&scope, id).await
    }

    /// §3.9 #6: a signed download URL (`files.view`); `inline` picks the
    /// content disposition.
    ///
    /// # Errors
    /// 404 `File not found`, 503 storage down.
    pub async fn download(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        id: Uuid,
        inline: bool,
    ) -> Result<FileDownload, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesView))
            .await?;
        let file = self.active(&scope, id).await?;
        self.sign_download(file, inline).await
    }

    pub(super) async fn sign_download(
        &self,
        file: FileRecord,
        inline: bool,
    ) -> Result<FileDownload, FilesError> {
        let disposition = if inline {
            Disposition::Inline(file.filename.clone())
        } else {
            Disposition::Attachment(file.filename.clone())
        };
        let download = self
            .objects
            .presign_download(&file.storage_key, &disposition, self.config.download_ttl)
            .await?;
        Ok(FileDownload { file, download })
    }

    /// §3.9 #7: renames, merges metadata, flips `is_public` (`files.upload`).
    /// Members may change only files they uploaded; callers holding
    /// `tenant.files.delete` (owner, admin; system admins in context) may
    /// change any (defect 19). Audit `file.updated`.
    ///
    /// # Errors
    /// 404, 403 `You can only modify files you uploaded`, 422 filename, 409
    /// on a concurrent change.
    pub async fn patch(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        id: Uuid,
        patch: &FilePatch,
    ) -> Result<FileRecord, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesUpload))
            .await?;
        let file = self.active(&scope, id).await?;
        if file.uploaded_by != Some(who.user_id())
            && !Self::holds(who, LegacyPermission::FilesDelete)
        {
            return Err(FilesError::NotYourFile);
        }
        let mut next = file.clone();
        if let Some(name) = &patch.filename {
            rules::check_filename(name).map_err(|m| FilesError::validation("filename", m))?;
            next.filename.clone_from(name);
        }
        if let Some(meta) = &patch.metadata {
            next.metadata.extend(meta.clone());
        }
        if let Some(public) = patch.is_public {
            next.is_public = public;
        }
        next.updated_by = Some(who.user_id());
        next.updated_at = Some(self.now());
        next.version = file.version + 1;
        let audit = self
            .audit(who, &scope, "file.updated", "file")
            .resource_id(file.id)
            .detail("filename", next.filename.clone())
            .detail("is_public", next.is_public);
        self.store
            .commit_files(&[
                FileChange::Update {
                    file: next.clone(),
                    expected_version: file.version,
                },
                FileChange::Audit(audit),
            ])
            .await?;
        Ok(next)
    }

    /// §3.9 #8: soft (default) or hard delete (`files.delete`). Only an
    /// ACTIVE file releases storage, so deleting twice never subtracts
    /// twice (defect 18); the bytes are deleted after the commit (queued in
    /// the outbox, then tried at once). Deleting the current logo/avatar
    /// moves the URL to the next newest one or clears it. Audit `file.deleted`.
    ///
    /// # Errors
    /// 404 `File not found` (absent in any status).
    pub async fn delete(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        id: Uuid,
        hard: bool,
    ) -> Result<(), FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesDelete))
            .await?;
        let file = self
            .store
            .file(&scope, id)
            .await?
            .ok_or(FilesError::FileNotFound)?;
        let mut changes = if hard {
            let mut c = vec![FileChange::Delete {
                tenant_id: file.tenant_id,
                id: file.id,
            }];
            if file.status == FileStatus::Active {
                c.push(FileChange::ReleaseStorage {
                    tenant_id: file.tenant_id,
                    bytes: file.size_bytes,
                });
            }
            if file.status != FileStatus::Deleted {
                c.push(self.delete_object_message(&file.storage_key));
            }
            c
        } else if file.status == FileStatus::Deleted {
            return Ok(());
        } else {
            self.retire(&file, who)
        };
        if file.status == FileStatus::Active {
            changes.extend(self.follow_current_image(&scope, &file).await?);
        }
        let audit = self
            .audit(who, &scope, "file.deleted", "file")
            .resource_id(file.id)
            .detail("filename", file.filename.clone())
            .detail("category", file.category.as_str())
            .detail("storage_key", file.storage_key.clone())
            .detail("hard_delete", hard);
        changes.push(FileChange::Audit(audit));
        self.store.commit_files(&changes).await?;
        self.delete_objects_now(std::slice::from_ref(&file.storage_key))
            .await;
        Ok(())
    }

    /// When `file` is a logo/avatar of its resource, the URL change that
    /// points to the next newest remaining image (or clears it).
    async fn follow_current_image(
        &self,
        scope: &TenantScope,
        file: &FileRecord,
    ) -> Result<Option<FileChange>, FilesError> {
        let (Some(rtype), Some(rid)) = (file.resource_type.as_deref(), file.resource_id) else {
            return Ok(None);
        };
        let expected = match file.category {
            FileCategory::TenantLogo => "tenant",
            FileCategory::UserAvatar => "user",
            _ => return Ok(None),
        };
        let own_tenant =
            file.category != FileCategory::TenantLogo || rid == scope.tenant_id().into_uuid();
        if rtype != expected || !own_tenant {
            return Ok(None);
        }
        let rest = self
            .store
            .files_of_resource(scope, file.category, rtype, rid)
            .await?;
        let url = rest
            .iter()
            .find(|f| f.id != file.id)
            .map(|f| self.objects.public_url(&f.storage_key));
        Ok(Some(match file.category {
            FileCategory::TenantLogo => FileChange::SetTenantLogo {
                tenant_id: scope.tenant_id(),
                url,
            },
            _ => FileChange::SetUserAvatar {
                tenant_id: scope.tenant_id(),
                user_id: harmony_kernel::UserId::from_uuid(rid),
                url,
            },
        }))
    }
}
