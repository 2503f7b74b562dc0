//! The tenant logo and user avatars (§3.9 #9–16): one current public image
//! per resource. Setting one retires every other active one (defect 17):
//! soft delete, release of its bytes from the counter, deletion of its
//! bytes; the URL column follows in the same commit.

use super::FilesService;
use super::types::UploadConfirm;
use crate::error::{AvatarAction, FilesError};
use crate::model::{FileCategory, FileRecord};
use crate::ports::FileChange;
use harmony_kernel::{
    LegacyPermission, Principal, SystemRole, TenantId, TenantRole, TenantScope, UserId,
};

impl FilesService {
    /// G-CTX + the avatar rule: the caller themself, a tenant owner or
    /// admin (real roles, defect 20) or a system admin; the target must be
    /// a live user of the tenant.
    pub(super) async fn avatar_context(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        user_id: UserId,
        action: AvatarAction,
    ) -> Result<TenantScope, FilesError> {
        let scope = self.context(who, tenant, None).await?;
        let allowed = who.user_id() == user_id
            || matches!(
                who.tenant_role(),
                Some(TenantRole::Owner | TenantRole::Admin)
            )
            || who.system_role() == Some(SystemRole::Admin);
        if !allowed {
            return Err(FilesError::AvatarForOthers(action));
        }
        if !self.store.user_in_tenant(&scope, user_id).await? {
            return Err(FilesError::UserNotFound);
        }
        Ok(scope)
    }

    /// Confirms `pending` as the resource's image and retires the others.
    async fn replace_image(
        &self,
        who: &Principal,
        scope: &TenantScope,
        pending: &FileRecord,
        confirm: Option<&UploadConfirm>,
        url_change: FileChange,
        audit: harmony_kernel::AuditEntry,
    ) -> Result<FileRecord, FilesError> {
        let (active, mut changes) = self.activate(who, scope, pending, confirm).await?;
        let (rtype, rid) = (
            pending.resource_type.as_deref().unwrap_or_default(),
            pending.resource_id.unwrap_or_default(),
        );
        let previous = self
            .store
            .files_of_resource(scope, pending.category, rtype, rid)
            .await?;
        let mut retired = Vec::new();
        for old in previous.iter().filter(|f| f.id != pending.id) {
            changes.extend(self.retire(old, who));
            retired.push(old.storage_key.clone());
        }
        changes.push(url_change);
        changes.push(FileChange::Audit(
            audit
                .detail("file_id", active.id.to_string())
                .detail("filename", active.filename.clone())
                .detail("content_type", active.content_type.clone())
                .detail("size_bytes", active.size_bytes)
                .detail("storage_key", active.storage_key.clone()),
        ));
        self.commit_activation(scope, pending, &changes).await?;
        self.delete_objects_now(&retired).await;
        Ok(active)
    }

    /// Retires every active image of the resource, clears the URL, audits
    /// the newest. Nothing to delete is not an error.
    async fn remove_images(
        &self,
        who: &Principal,

        current: Vec<FileRecord>,
        url_change: FileChange,
        audit: harmony_kernel::AuditEntry,
    ) -> Result<(), FilesError> {
        let Some(newest) = current.first() else {
            return Ok(());
        };
        let audit = audit
            .detail("file_id", newest.id.to_string())
            .detail("filename", newest.filename.clone())
            .detail("storage_key", newest.storage_key.clone());
        let mut changes: Vec<FileChange> =
            current.iter().flat_map(|f| self.retire(f, who)).collect();
        changes.push(url_change);
        changes.push(FileChange::Audit(audit));
        self.store.commit_files(&changes).await?;
        let keys: Vec<String> = current.into_iter().map(|f| f.storage_key).collect();
        self.delete_objects_now(&keys).await;
        Ok(())
    }

    /// §3.9 #10: confirms a logo upload and makes it the tenant's logo
    /// (`settings.update`). Audit `tenant.logo_uploaded`.
    ///
    /// # Errors
    /// As [`FilesService::confirm`].
    pub async fn set_logo(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        storage_key: &str,
        confirm: Option<&UploadConfirm>,
    ) -> Result<FileRecord, FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::SettingsUpdate))
            .await?;
        let tid = scope.tenant_id();
        let pending = self
            .pending(
                &scope,
                storage_key,
                Some((FileCategory::TenantLogo, "tenant", tid.into_uuid())),
            )
            .await?;
        let url = FileChange::SetTenantLogo {
            tenant_id: tid,
            url: Some(self.objects.public_url(storage_key)),
        };
        let audit = self
            .audit(who, &scope, "tenant.logo_uploaded", "tenant")
            .resource_id(tid);
        self.replace_image(who, &scope, &pending, confirm, url, audit)
            .await
    }

    /// §3.9 #11: the tenant's current logo, if any (any caller of the tenant).
    ///
    /// # Errors
    /// Guard errors only.
    pub async fn logo(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
    ) -> Result<Option<FileRecord>, FilesError> {
        let scope = self.context(who, tenant, None).await?;
        let tid = scope.tenant_id().into_uuid();
        let logos = self
            .store
            .files_of_resource(&scope, FileCategory::TenantLogo, "tenant", tid)
            .await?;
        Ok(logos.into_iter().next())
    }

    /// §3.9 #12: removes the logo (`settings.update`). Audit `tenant.logo_deleted`.
    ///
    /// # Errors
    /// Guard errors only.
    pub async fn delete_logo(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
    ) -> Result<(), FilesError> {
        let scope = self
            .context(who, tenant, Some(LegacyPermission::SettingsUpdate))
            .await?;
        let tid = scope.tenant_id();
        let current = self
            .store
            .files_of_resource(&scope, FileCategory::TenantLogo, "tenant", tid.into_uuid())
            .await?;
        let url = FileChange::SetTenantLogo {
            tenant_id: tid,
            url: None,
        };
        let audit = self
            .audit(who, &scope, "tenant.logo_deleted", "tenant")
            .resource_id(tid);
        self.remove_images(who, current, url, audit).await
    }

    /// §3.9 #14: confirms an avatar upload and makes it the user's avatar.
    /// Audit `user.avatar_uploaded`.
    ///
    /// # Errors
    /// 403 `Cannot set avatar for other users`, 404 `User not found`, and
    /// as [`FilesService::confirm`].
    pub async fn set_avatar(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        user_id: UserId,
        storage_key: &str,
        confirm: Option<&UploadConfirm>,
    ) -> Result<FileRecord, FilesError> {
        let scope = self
            .avatar_context(who, tenant, user_id, AvatarAction::Set)
            .await?;
        let pending = self
            .pending(
                &scope,
                storage_key,
                Some((FileCategory::UserAvatar, "user", user_id.into_uuid())),
            )
            .await?;
        let url = FileChange::SetUserAvatar {
            tenant_id: scope.tenant_id(),
            user_id,
            url: Some(self.objects.public_url(storage_key)),
        };
        let audit = self
            .audit(who, &scope, "user.avatar_uploaded", "user")
            .resource_id(user_id)
            .detail("target_user_id", user_id.to_string());
        self.replace_image(who, &scope, &pending, confirm, url, audit)
            .await
    }

    /// §3.9 #15: the user's current avatar, if any (any caller of the tenant).
    ///
    /// # Errors
    /// Guard errors only.
    pub async fn avatar(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        user_id: UserId,
    ) -> Result<Option<FileRecord>, FilesError> {
        let scope = self.context(who, tenant, None).await?;
        let avatars = self
            .store
            .files_of_resource(
                &scope,
                FileCategory::UserAvatar,
                "user",
                user_id.into_uuid(),
            )
            .await?;
        Ok(avatars.into_iter().next())
    }

    /// §3.9 #16: removes the user's avatar. Audit `user.avatar_deleted`.
    ///
    /// # Errors
    /// 403 `Cannot delete avatar for other users`, 404 `User not found`.
    pub async fn delete_avatar(
        &self,
        who: &Principal,
        tenant: Option<TenantId>,
        user_id: UserId,
    ) -> Result<(), FilesError> {
        let scope = self
            .avatar_context(who, tenant, user_id, AvatarAction::Delete)
            .await?;
        let current = self
            .store
            .files_of_resource(
                &scope,
                FileCategory::UserAvatar,
                "user",
                user_id.into_uuid(),
            )
            .await?;
        let url = FileChange::SetUserAvatar {
            tenant_id: scope.tenant_id(),
            user_id,
            url: None,
        };
        let audit = self
            .audit(who, &scope, "user.avatar_deleted", "user")
            .resource_id(user_id)
            .detail("target_user_id", user_id.to_string());
        self.remove_images(who, current, url, audit).await
    }
}
