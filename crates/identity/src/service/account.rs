//! A user's own account: password change, invitations sent, ownership
//! transfer and self-deletion.

use super::users::{InviteCommand, check_new_user, email_conflict, soft_delete};
use super::{IdentityService, about_user, updated};
use crate::error::IdentityError;
use crate::model::{Password, TokenPurpose, User, UserKind, creation_full_name};
use crate::ports::{Change, Verification};
use harmony_kernel::mail::MailTemplate;
use harmony_kernel::{AuditEntry, Principal, TenantPermission, TenantRole, UserId};
use secrecy::SecretString;

impl IdentityService {
    pub(super) async fn password_matches(&self, candidate: &SecretString, user: &User) -> bool {
        self.hasher.verify(candidate, &user.password_hash).await != Verification::Mismatch
    }

    /// Changes the caller's own password (§3.2 #6). Open to system users too
    /// (defect 41). Revokes ALL sessions of the user, the current one
    /// included, so a stolen session cannot outlive the change (defect 2);
    /// the client signs in again. Queues a "password changed" notice.
    pub async fn change_password(
        &self,
        who: &Principal,
        user_id: UserId,
        current: &SecretString,
        new: &Password,
    ) -> Result<(), IdentityError> {
        Self::refuse_impersonation(who)?;
        if who.user_id() != user_id {
            return Err(IdentityError::NotOwnPassword);
        }
        let mut user = self
            .store
            .user(user_id)
            .await?
            .filter(User::is_usable)
            .ok_or(IdentityError::UserNotFound)?;
        if !self.password_matches(current, &user).await {
            return Err(IdentityError::CurrentPasswordIncorrect);
        }
        user.password_hash = self.hasher.hash(new).await?;
        let now = self.clock.now();
        let vars = serde_json::json!({ "user_name": user.display_name() });
        let changes = [
            updated(&mut user, now),
            Change::RevokeUserSessions { user_id, at: now },
            Self::mail(&user, MailTemplate::PasswordChanged, vars, now),
            Change::Audit(about_user(
                AuditEntry::by(who, "auth.password_changed", "user", now),
                &user,
            )),
        ];
        Ok(self.store.commit(&changes).await?)
    }

    /// Invites someone into the caller's tenant (§10.2): a pending, inactive
    /// account with an unusable password, the invitation token's digest and
    /// the invitation e-mail, in one commit (defect 42).
    pub async fn invite_user(
        &self,
        who: &Principal,
        cmd: InviteCommand,
    ) -> Result<User, IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersInvite)?;
        let tenant = self.active_tenant(&scope).await?;
        self.check_growth(&scope, &tenant, true).await?;
        check_new_user(cmd.tenant_role, cmd.business_role.as_deref())?;
        self.check_email_free(&cmd.email).await?;
        self.check_branch(&scope, cmd.default_branch_id).await?;
        let inviter = self
            .store
            .tenant_user(&scope, who.user_id())
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        let unusable = Password::parse(SecretString::from(self.secrets.password()))
            .map_err(|_| IdentityError::Internal("generated password breaks the policy"))?;
        let hash = self.hasher.hash(&unusable).await?;
        let now = self.clock.now();
        let kind = UserKind::Tenant {
            tenant_id: scope.tenant_id(),
            role: cmd.tenant_role,
        };
        let mut user = User::new(kind, cmd.email, hash, now);
        user.full_name = creation_full_name(cmd.first_name.as_deref(), cmd.last_name.as_deref());
        (user.first_name, user.last_name) = (cmd.first_name, cmd.last_name);
        (user.business_role, user.default_branch_id) = (cmd.business_role, cmd.default_branch_id);
        (user.is_active, user.invitation_pending, user.invited_by) =
            (false, true, Some(inviter.id));
        let ttl = self.config.invitation_ttl;
        let (record, token) = self.one_time_token(&user, TokenPurpose::Invitation, ttl, now);
        let role = if cmd.tenant_role == TenantRole::Admin {
            "Admin"
        } else {
            "Member"
        };
        let vars = serde_json::json!({
            "inviter_name": inviter.display_name(), "tenant_name": tenant.name,
            "invitation_url": self.link("accept-invite", &token), "role": role,
        });
        let audit = about_user(AuditEntry::by(who, "user.invited", "user", now), &user)
            .detail("tenant_role", cmd.tenant_role.as_str())
            .detail("invited_by", inviter.email.as_str());
        let changes = [
            Change::InsertUser(user.clone()),
            Change::InsertOneTimeToken(record),
            Self::mail(&user, MailTemplate::UserInvitation, vars, now),
            Change::Audit(audit),
        ];
        self.store.commit(&changes).await.map_err(email_conflict)?;
        Ok(user)
    }

    /// Hands the tenant to another active user (§10.4): the caller becomes
    /// admin first, then the target owner, in one commit with both versions
    /// checked, so of two concurrent transfers one fails with `Conflict`.
    pub async fn transfer_ownership(
        &self,
        who: &Principal,
        new_owner_id: UserId,
        password: &SecretString,
    ) -> Result<User, IdentityError> {
        Self::refuse_impersonation(who)?;
        let scope = who.require_owner()?;
        self.active_tenant(&scope).await?;
        let mut owner = self
            .store
            .tenant_user(&scope, who.user_id())
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        if owner.tenant_role() != Some(TenantRole::Owner) {
            // a transfer that committed after this request was authenticated
            return Err(harmony_kernel::AccessError::OwnerRequired.into());
        }
        if !self.password_matches(password, &owner).await {
            return Err(IdentityError::IncorrectPassword);
        }
        let mut target = self
            .store
            .tenant_user(&scope, new_owner_id)
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        if target.id == owner.id {
            return Err(IdentityError::TransferToSelf);
        }
        if !target.is_usable() {
            return Err(IdentityError::TransferToInactive);
        }
        let now = self.clock.now();
        let tenant_id = scope.tenant_id();
        owner.kind = UserKind::Tenant {
            tenant_id,
            role: TenantRole::Admin,
        };
        target.kind = UserKind::Tenant {
            tenant_id,
            role: TenantRole::Owner,
        };
        let audit = AuditEntry::by(who, "user.role_changed", "tenant", now)
            .resource_id(tenant_id)
            .detail("action", "ownership_transfer")
            .detail("previous_owner", owner.email.as_str())
            .detail("new_owner", target.email.as_str());
        let changes = [
            updated(&mut owner, now),
            updated(&mut target, now),
            Change::Audit(audit),
        ];
        self.store.commit(&changes).await?;
        Ok(target)
    }

    /// Deletes the caller's own account (§10.3; defect 5): soft delete and
    /// revocation of every session. Owners must close the tenant instead.
    pub async fn delete_me(
        &self,
        who: &Principal,
        password: &SecretString,
    ) -> Result<User, IdentityError> {
        Self::refuse_impersonation(who)?;
        let scope = who.tenant_scope()?;
        if who.tenant_role() == Some(TenantRole::Owner) {
            return Err(IdentityError::OwnerCannotDeleteSelf);
        }
        let mut user = self
            .store
            .tenant_user(&scope, who.user_id())
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        if !self.password_matches(password, &user).await {
            return Err(IdentityError::IncorrectPassword);
        }
        let now = self.clock.now();
        let mut changes = soft_delete(&mut user, who.user_id(), now).to_vec();
        changes.push(Change::Audit(
            about_user(AuditEntry::by(who, "user.deleted", "user", now), &user)
                .detail("action", "self_delete"),
        ));
        self.store.commit(&changes).await?;
        Ok(user)
    }
}
