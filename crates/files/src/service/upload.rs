//! Presign and confirm: the pending-row flow (ADR 0008). Presign validates
//! the declaration, pre-checks the quota, records a PENDING row and signs a
//! `PUT`; confirm trusts only the object storage for size and type,
//! re-applies every rule and reserves the bytes under the tenant lock.

use super::FilesService;
use super::types::{ImageUpload, PresignedUpload, UploadConfirm, UploadRequest};
use crate::error::{AvatarAction, FilesError};
use crate::model::{FileCategory, FileRecord, FileStatus};
use crate::ports::{CONFLICT_STORAGE_QUOTA, FileChange};
use crate::rules::{self, MB};
use crate::sniff::{SNIFF_LEN, matches_declared};
use harmony_kernel::{
    AccessError, LegacyPermission, Principal, StoreError, TenantId, TenantScope, UserId,
};
use uuid::Uuid;

/// A validated declaration, ready to become a pending row.
struct Declared {
    filename: String,
    content_type: String,
    size_bytes: i64,
    category: FileCategory,
    resource: Option<(String, Uuid)>,
    is_public: bool,
}

/// A pending logo/avatar of the dedicated endpoints (category and resource kind agree).
fn is_branding(file: &FileRecord) -> bool {
    matches!(
        (file.category, file.resource_type.as_deref()),
        (FileCategory::TenantLogo, Some("tenant")) | (FileCategory::UserAvatar, Some("user"))
    ) && file.resource_id.is_some()
}

fn check_size(size_bytes: i64) -> Result<(), FilesError> {
    if size_bytes > 0 {
        Ok(())
    } else {
        Err(FilesError::validation(
            "size_bytes",
            "Input should be greater than 0",
        ))
    }
}

fn image(
    req: &ImageUpload,
    category: FileCategory,
    resource: (String, Uuid),
) -> Result<Declared, FilesError> {
    rules::check_filename(&req.filename).map_err(|m| FilesError::validation("filename", m))?;
    let content_type = rules::normalize_image_content_type(&req.content_type)
        .map_err(|m| FilesError::validation("content_type", m))?;
    check_size(req.size_bytes)?;
    Ok(Declared {
        filename: req.filename.clone(),
        content_type,
        size_bytes: req.size_bytes,
        category,
        resource: Some(resource),
        is_public: true,
    })
}

impl FilesService {
    /// §3.9 #1: validates the declaration against the category table and
    /// the quota, records a PENDING row and returns a signed `PUT`.
    /// Public categories (logo, avatar) additionally need `settings.update`
    /// here, since their prefix is world-readable.
    ///
    /// # Errors
    /// 403 (permission, quota, inactive tenant), 422, 400 (category rules),
    /// 503 (storage down).
    pub async fn presign(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        req: &UploadRequest,
    ) -> Result<PresignedUpload, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesUpload))
            .await?;
        if rules::category_rule(req.category, self.config.document_max_mb).public
            && !Self::holds(who, LegacyPermission::SettingsUpdate)
        {
            return Err(
                AccessError::MissingPermission(LegacyPermission::SettingsUpdate.as_str()).into(),
            );
        }
        rules::check_filename(&req.filename).map_err(|m| FilesError::validation("filename", m))?;
        let content_type = rules::normalize_content_type(&req.content_type)
            .map_err(|m| FilesError::validation("content_type", m))?;
        check_size(req.size_bytes)?;
        if req
            .resource_type
            .as_ref()
            .is_some_and(|r| r.chars().count() > 50)
        {
            return Err(FilesError::validation(
                "resource_type",
                "String should have at most 50 characters",
            ));
        }
        let declared = Declared {
            filename: req.filename.clone(),
            content_type,
            size_bytes: req.size_bytes,
            category: req.category,
            resource: None,
            is_public: req.is_public,
        };
        let (presigned, mut file) = self.presign_pending(who, &scope, declared).await?;
        file.resource_type.clone_from(&req.resource_type);
        file.resource_id = req.resource_id;
        self.store.commit_files(&[FileChange::Insert(file)]).await?;
        Ok(presigned)
    }

    /// §3.9 #9: a logo upload (`settings.update`).
    ///
    /// # Errors
    /// As [`FilesService::presign`].
    pub async fn presign_logo(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        req: &ImageUpload,
    ) -> Result<PresignedUpload, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::SettingsUpdate))
            .await?;
        let resource = ("tenant".to_owned(), scope.tenant_id().into_uuid());
        let declared = image(req, FileCategory::TenantLogo, resource)?;
        let (presigned, file) = self.presign_pending(who, &scope, declared).await?;
        self.store.commit_files(&[FileChange::Insert(file)]).await?;
        Ok(presigned)
    }

    /// §3.9 #13: an avatar upload for `user_id` (avatar rule, user of the tenant).
    ///
    /// # Errors
    /// 403 `Cannot upload avatar for other users`, 404 `User not found`, and
    /// as [`FilesService::presign`].
    pub async fn presign_avatar(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        user_id: UserId,
        req: &ImageUpload,
    ) -> Result<PresignedUpload, FilesError> {
        let scope = self
            .avatar_context(who, tenant, user_id, AvatarAction::Upload)
            .await?;
        let resource = ("user".to_owned(), user_id.into_uuid());
        let declared = image(req, FileCategory::UserAvatar, resource)?;
        let (presigned, file) = self.presign_pending(who, &scope, declared).await?;
        self.store.commit_files(&[FileChange::Insert(file)]).await?;
        Ok(presigned)
    }

    /// Category rules, quota pre-check, key, signature, pending record.
    async fn presign_pending(
        &self,
        who: &Principal,
        scope: &TenantScope,
        d: Declared,
    ) -> Result<(PresignedUpload, FileRecord), FilesError> {
        rules::check_category(
            d.category,
            &d.filename,
            &d.content_type,
            d.size_bytes,
            self.config.document_max_mb,
        )?;
        let (used, max_gb, _) = self.store.storage_usage(scope).await?;
        if !rules::fits_quota(used, d.size_bytes, max_gb) {
            return Err(FilesError::QuotaExceeded(rules::quota_message(
                used, max_gb,
            )));
        }
        let key = rules::storage_key(d.category, scope.tenant_id(), &d.filename);
        let upload = self
            .objects
            .presign_upload(&key, &d.content_type, self.config.upload_ttl)
            .await?;
        let (resource_type, resource_id) = d
            .resource
            .map_or((None, None), |(t, id)| (Some(t), Some(id)));
        let file = FileRecord {
            id: Uuid::new_v4(),
            tenant_id: scope.tenant_id(),
            storage_key: key.clone(),
            filename: d.filename,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            category: d.category,
            resource_type,
            resource_id,
            is_public: d.is_public,
            checksum: None,
            metadata: serde_json::Map::new(),
            status: FileStatus::Pending,
            uploaded_by: Some(who.user_id()),
            updated_by: None,
            deleted_by: None,
            created_at: self.now(),
            updated_at: None,
            deleted_at: None,
            version: 0,
        };
        let max_size_bytes = rules::category_rule(d.category, self.config.document_max_mb)
            .max_size_mb
            .saturating_mul(MB);
        let presigned = PresignedUpload {
            file_id: file.id,
            storage_key: key,
            upload,
            max_size_bytes,
        };
        Ok((presigned, file))
    }

    /// §3.9 #2: confirms a generic upload (`files.upload`). Audit `file.uploaded`.
    ///
    /// # Errors
    /// 404 `Upload not found` (no pending upload of this tenant under that
    /// key), 409 `File already confirmed`, 400 (object missing, rules,
    /// content mismatch), 403 quota.
    pub async fn confirm(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        storage_key: &str,
        confirm: Option<&UploadConfirm>,
    ) -> Result<FileRecord, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::FilesUpload))
            .await?;
        let pending = self.pending(&scope, storage_key, None).await?;
        if is_branding(&pending) {
            // Logo/avatar uploads are confirmed by their own endpoints, which
            // retire the previous image and set the URL.
            return Err(FilesError::UploadNotFound);
        }
        let (active, mut changes) = self.activate(who, &scope, &pending, confirm).await?;
        let audit = self
            .audit(who, &scope, "file.uploaded", "file")
            .resource_id(active.id)
            .detail("filename", active.filename.clone())
            .detail("content_type", active.content_type.clone())
            .detail("size_bytes", active.size_bytes)
            .detail("category", active.category.as_str())
            .detail("storage_key", active.storage_key.clone());
        changes.push(FileChange::Audit(audit));
        self.commit_activation(&scope, &pending, &changes).await?;
        Ok(active)
    }

    /// The pending upload under `key` in the scope's tenant (and category,
    /// resource when given), refusing keys outside the tenant's prefix.
    pub(super) async fn pending(
        &self,
        scope: &TenantScope,
        key: &str,
        expect: Option<(FileCategory, &str, Uuid)>,
    ) -> Result<FileRecord, FilesError> {
        let file = self
            .store
            .file_by_key(scope, key)
            .await?
            .ok_or(FilesError::UploadNotFound)?;
        if !rules::key_in_tenant_prefix(key, file.category, scope.tenant_id()) {
            return Err(FilesError::UploadNotFound);
        }
        if let Some((category, rtype, rid)) = expect
            && (file.category != category
                || file.resource_type.as_deref() != Some(rtype)
                || file.resource_id != Some(rid))
        {
            return Err(FilesError::UploadNotFound);
        }
        match file.status {
            FileStatus::Pending => Ok(file),
            FileStatus::Active => Err(FilesError::AlreadyConfirmed),
            FileStatus::Deleted => Err(FilesError::UploadNotFound),
        }
    }

    /// Reads the object (size, type, first bytes), re-applies the rules and
    /// decides the activation plus the reservation of its bytes.
    pub(super) async fn activate(
        &self,
        who: &Principal,
        scope: &TenantScope,
        pending: &FileRecord,
        confirm: Option<&UploadConfirm>,
    ) -> Result<(FileRecord, Vec<FileChange>), FilesError> {
        let checksum = confirm.and_then(|c| c.checksum.clone());
        if checksum.as_ref().is_some_and(|c| c.chars().count() > 64) {
            return Err(FilesError::validation(
                "checksum",
                "String should have at most 64 characters",
            ));
        }
        let key = &pending.storage_key;
        let meta = self
            .objects
            .head(key)
            .await?
            .ok_or(FilesError::ObjectMissing)?;
        let size_bytes = i64::try_from(meta.size_bytes).unwrap_or(i64::MAX);
        let content_type = match meta.content_type.as_deref() {
            Some(ct) => rules::normalize_content_type(ct).unwrap_or_else(|_| ct.to_lowercase()),
            None => pending.content_type.clone(),
        };
        if matches!(
            pending.category,
            FileCategory::TenantLogo | FileCategory::UserAvatar
        ) {
            rules::normalize_image_content_type(&content_type)
                .map_err(|m| FilesError::validation("content_type", m))?;
        }
        rules::check_category(
            pending.category,
            &pending.filename,
            &content_type,
            size_bytes,
            self.config.document_max_mb,
        )?;
        let head = self
            .objects
            .read_head_bytes(key, SNIFF_LEN)
            .await?
            .ok_or(FilesError::ObjectMissing)?;
        if !matches_declared(&content_type, &head) {
            return Err(FilesError::ContentMismatch(content_type));
        }
        let (_, max_gb, _) = self.store.storage_usage(scope).await?;
        let now = self.now();
        let mut active = pending.clone();
        active.status = FileStatus::Active;
        active.size_bytes = size_bytes;
        active.content_type = content_type;
        active.checksum = checksum;
        active.metadata = if let Some(c) = confirm {
            c.metadata.clone().unwrap_or_default()
        } else {
            let mut m = serde_json::Map::new();
            m.insert("storage_key".to_owned(), key.clone().into());
            m
        };
        active.uploaded_by = Some(who.user_id());
        active.updated_at = Some(now);
        active.version = pending.version + 1;
        let changes = vec![
            FileChange::Update {
                file: active.clone(),
                expected_version: pending.version,
            },
            FileChange::ReserveStorage {
                tenant_id: scope.tenant_id(),
                bytes: size_bytes,
                limit_bytes: rules::quota_bytes(max_gb),
            },
        ];
        Ok((active, changes))
    }

    /// Commits an activation, turning a refused reservation into the 403
    /// quota message and a lost race into 409 `File already confirmed`.
    pub(super) async fn commit_activation(
        &self,
        scope: &TenantScope,
        pending: &FileRecord,
        changes: &[FileChange],
    ) -> Result<(), FilesError> {
        match self.store.commit_files(changes).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(c)) if c == CONFLICT_STORAGE_QUOTA => {
                let (used, max_gb, _) = self.store.storage_usage(scope).await?;
                Err(FilesError::QuotaExceeded(rules::quota_message(
                    used, max_gb,
                )))
            }
            Err(StoreError::StaleVersion) => {
                let now = self.store.file(scope, pending.id).await?;
                if now.is_some_and(|f| f.status == FileStatus::Active) {
                    Err(FilesError::AlreadyConfirmed)
                } else {
                    Err(FilesError::Conflict)
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}
