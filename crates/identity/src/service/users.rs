//! Tenant user management (§3.2) and the platform's user list.

use super::{IdentityService, about_user, updated};
use crate::error::IdentityError;
use crate::model::{Email, Password, PersonName, User, UserKind, creation_full_name, may_manage};
use crate::ports::{Change, UserFilter, UserListing};
use harmony_kernel::{
    AuditEntry, BranchId, Page, PageRequest, Principal, StoreError, SystemPermission,
    TenantPermission, TenantRole, TenantScope, UserId,
};
use harmony_tenancy::Tenant;
use time::OffsetDateTime;

/// Input of `POST /users`, already parsed.
#[derive(Debug)]
pub struct NewUser {
    /// Address; unique among live accounts.
    pub email: Email,
    /// Initial password.
    pub password: Password,
    /// Given name.
    pub first_name: Option<PersonName>,
    /// Family name.
    pub last_name: Option<PersonName>,
    /// Phone.
    pub phone: Option<String>,
    /// `Admin` or `Member` (owners come only from registration or transfer).
    pub tenant_role: TenantRole,
    /// Job title, at most 50 characters.
    pub business_role: Option<String>,
    /// Default branch; must belong to the tenant.
    pub default_branch_id: Option<BranchId>,
}

/// Input of `POST /users/invite`, already parsed.
#[derive(Debug)]
pub struct InviteCommand {
    /// Address; unique among live accounts.
    pub email: Email,
    /// `Admin` or `Member`.
    pub tenant_role: TenantRole,
    /// Job title, at most 50 characters.
    pub business_role: Option<String>,
    /// Given name (no name rule, as the contract says).
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Default branch; must belong to the tenant.
    pub default_branch_id: Option<BranchId>,
}

/// Input of `PUT /users/{id}`: `None` = key absent, `Some(None)` = explicit null.
#[derive(Debug, Default)]
pub struct UserUpdate {
    /// Given name.
    pub first_name: Option<Option<PersonName>>,
    /// Family name.
    pub last_name: Option<Option<PersonName>>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// Avatar URL.
    pub avatar_url: Option<Option<String>>,
    /// Default branch.
    pub default_branch_id: Option<Option<BranchId>>,
    /// New tenant role (needs `tenant.users.change_role`).
    pub tenant_role: Option<TenantRole>,
    /// Job title.
    pub business_role: Option<Option<String>>,
    /// Deactivate (delete rules apply) or reactivate (user limit applies).
    pub is_active: Option<bool>,
}

/// Checks the fields every new tenant user shares (role, job title).
pub(super) fn check_new_user(
    role: TenantRole,
    business_role: Option<&str>,
) -> Result<(), IdentityError> {
    if role == TenantRole::Owner {
        return Err(IdentityError::validation(
            "tenant_role",
            "Input should be 'admin' or 'member'",
        ));
    }
    if business_role.is_some_and(|b| b.chars().count() > 50) {
        return Err(IdentityError::validation(
            "business_role",
            "String should have at most 50 characters",
        ));
    }
    Ok(())
}

/// The rules of `PUT /users/{id}` that need no I/O (§3.2 + defects 7, 8).
fn check_update(who: &Principal, target: &User, update: &UserUpdate) -> Result<(), IdentityError> {
    let actor_role = who.tenant_role().ok_or(IdentityError::Access(
        harmony_kernel::AccessError::TenantRequired,
    ))?;
    if !may_manage(who.user_id(), actor_role, target) {
        return Err(IdentityError::CannotManagePeer);
    }
    let is_self = target.id == who.user_id();
    if let Some(role) = update.tenant_role {
        who.require_tenant(TenantPermission::UsersChangeRole)?;
        if target.tenant_role() == Some(TenantRole::Owner) {
            return Err(IdentityError::CannotChangeOwnerRole);
        }
        if role == TenantRole::Owner {
            return Err(IdentityError::CannotPromoteToOwner);
        }
        if is_self && role == TenantRole::Member && actor_role != TenantRole::Member {
            return Err(IdentityError::CannotDemoteSelf);
        }
    }
    if update.is_active == Some(false) && target.is_active {
        check_delete(who, target)?;
    }
    if let Some(Some(b)) = &update.business_role {
        check_new_user(TenantRole::Member, Some(b))?;
    }
    Ok(())
}

/// Who may be deleted (or deactivated) by whom: not oneself, not the owner,
/// admins only members.
pub(super) fn check_delete(who: &Principal, target: &User) -> Result<(), IdentityError> {
    if target.id == who.user_id() {
        return Err(IdentityError::CannotDeleteSelf);
    }
    if target.tenant_role() == Some(TenantRole::Owner) {
        return Err(IdentityError::CannotDeleteOwner);
    }
    match who.tenant_role() {
        Some(role) if may_manage(who.user_id(), role, target) => Ok(()),
        _ => Err(IdentityError::CannotManagePeer),
    }
}

/// Soft-deletes `user` and revokes its sessions.
pub(super) fn soft_delete(user: &mut User, by: UserId, now: OffsetDateTime) -> [Change; 2] {
    user.is_active = false;
    user.deleted_at = Some(now);
    user.deleted_by = Some(by);
    [
        updated(user, now),
        Change::RevokeUserSessions {
            user_id: user.id,
            at: now,
        },
    ]
}

impl IdentityService {
    /// The tenant's active users (§3.2 #1); tenant and system-role filters
    /// are ignored (the scope decides the tenant).
    pub async fn list_users(
        &self,
        who: &Principal,
        mut filter: UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersView)?;
        self.active_tenant(&scope).await?;
        filter.tenant_id = None;
        filter.system_role = None;
        Ok(self.store.list_tenant_users(&scope, &filter, page).await?)
    }

    /// Every active user of the platform (§3.2 A1), for system users.
    pub async fn list_all_users(
        &self,
        who: &Principal,
        filter: UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, IdentityError> {
        let scope = who.require_system(SystemPermission::UsersView)?;
        Ok(self.store.list_all_users(&scope, &filter, page).await?)
    }

    /// The caller's own account (`/auth/me`).
    pub async fn me(&self, who: &Principal) -> Result<User, IdentityError> {
        self.store
            .user(who.user_id())
            .await?
            .filter(User::is_live)
            .ok_or(IdentityError::UserNotFound)
    }

    /// One user of the caller's tenant (§3.2 #3), deleted or not.
    pub async fn get_user(&self, who: &Principal, id: UserId) -> Result<User, IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersView)?;
        self.active_tenant(&scope).await?;
        self.store
            .tenant_user(&scope, id)
            .await?
            .ok_or(IdentityError::UserNotFound)
    }

    /// Creates a verified user in the caller's tenant (§3.2 #2, checks in the
    /// order of §10.5). No e-mail is sent.
    pub async fn create_user(&self, who: &Principal, cmd: NewUser) -> Result<User, IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersCreate)?;
        let tenant = self.active_tenant(&scope).await?;
        self.check_growth(&scope, &tenant, false).await?;
        check_new_user(cmd.tenant_role, cmd.business_role.as_deref())?;
        self.check_email_free(&cmd.email).await?;
        self.check_branch(&scope, cmd.default_branch_id).await?;
        let hash = self.hasher.hash(&cmd.password).await?;
        let now = self.clock.now();
        let kind = UserKind::Tenant {
            tenant_id: scope.tenant_id(),
            role: cmd.tenant_role,
        };
        let mut user = User::new(kind, cmd.email, hash, now);
        user.first_name = cmd.first_name.map(PersonName::into_string);
        user.last_name = cmd.last_name.map(PersonName::into_string);
        user.full_name = creation_full_name(user.first_name.as_deref(), user.last_name.as_deref());
        user.phone = cmd.phone;
        user.business_role = cmd.business_role;
        user.default_branch_id = cmd.default_branch_id;
        user.is_verified = true;
        let seat = Change::ReserveUserSeat {
            tenant_id: scope.tenant_id(),
            limit: tenant.max_users,
        };
        let audit = about_user(AuditEntry::by(who, "user.created", "user", now), &user)
            .detail("tenant_role", cmd.tenant_role.as_str())
            .detail("business_role", user.business_role.clone())
            .detail("created_by", who.user_id().to_string());
        self.store
            .commit(&[seat, Change::InsertUser(user.clone()), Change::Audit(audit)])
            .await
            .map_err(|e| seat_or_email_conflict(e, &tenant))?;
        Ok(user)
    }

    /// Updates a user of the caller's tenant (§3.2 #4, defects 7 and 8).
    pub async fn update_user(
        &self,
        who: &Principal,
        id: UserId,
        update: UserUpdate,
    ) -> Result<User, IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersUpdate)?;
        let tenant = self.active_tenant(&scope).await?;
        let mut user = self
            .store
            .tenant_user(&scope, id)
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        check_update(who, &user, &update)?;
        if let Some(branch) = update.default_branch_id {
            self.check_branch(&scope, branch).await?;
        }
        let now = self.clock.now();
        let mut extra = Vec::new();
        let mut seat = None;
        match update.is_active {
            Some(true) if !user.is_active => {
                let active = self.store.count_active_users(&scope).await?;
                if tenant.max_users.is_reached_by(active) {
                    return Err(IdentityError::UserLimitReached(tenant.max_users.raw()));
                }
                seat = Some(Change::ReserveUserSeat {
                    tenant_id: scope.tenant_id(),
                    limit: tenant.max_users,
                });
                (user.is_active, user.deleted_at, user.deleted_by) = (true, None, None);
            }
            Some(false) if user.is_active => {
                user.is_active = false;
                extra.push(Change::RevokeUserSessions {
                    user_id: user.id,
                    at: now,
                });
            }
            _ => {}
        }
        let fields = sent_fields(&update);
        let new_role = update
            .tenant_role
            .filter(|r| Some(*r) != user.tenant_role());
        apply_fields(&mut user, update);
        let action = if new_role.is_some() {
            "user.role_changed"
        } else {
            "user.updated"
        };
        let audit = about_user(AuditEntry::by(who, action, "user", now), &user)
            .detail("updated_fields", fields)
            .detail("updated_by", who.user_id().to_string())
            .detail("new_tenant_role", new_role.map(TenantRole::as_str));
        let mut changes: Vec<Change> = seat.into_iter().collect();
        changes.push(updated(&mut user, now));
        changes.extend(extra);
        changes.push(Change::Audit(audit));
        self.store
            .commit(&changes)
            .await
            .map_err(|e| seat_or_email_conflict(e, &tenant))?;
        Ok(user)
    }

    /// Soft-deletes a user of the caller's tenant (§3.2 #5).
    pub async fn delete_user(&self, who: &Principal, id: UserId) -> Result<(), IdentityError> {
        let scope = who.require_tenant(TenantPermission::UsersDelete)?;
        self.active_tenant(&scope).await?;
        let mut user = self
            .store
            .tenant_user(&scope, id)
            .await?
            .ok_or(IdentityError::UserNotFound)?;
        check_delete(who, &user)?;
        let now = self.clock.now();
        let mut changes = soft_delete(&mut user, who.user_id(), now).to_vec();
        changes.push(Change::Audit(
            about_user(AuditEntry::by(who, "user.deleted", "user", now), &user)
                .detail("tenant_role", user.tenant_role().map(TenantRole::as_str))
                .detail("deleted_by", who.user_id().to_string()),
        ));
        Ok(self.store.commit(&changes).await?)
    }

    /// Subscription status, then user limit (§10.5), in the wording of
    /// `POST /users` or of the invitation.
    pub(super) async fn check_growth(
        &self,
        scope: &TenantScope,
        tenant: &Tenant,
        invite: bool,
    ) -> Result<(), IdentityError> {
        if !tenant.subscription_status.allows_growth() {
            return Err(if invite {
                IdentityError::InviteSubscriptionInactive
            } else {
                IdentityError::SubscriptionInactive
            });
        }
        let max = tenant.max_users;
        if max.is_reached_by(self.store.count_active_users(scope).await?) {
            return Err(if invite {
                IdentityError::InviteUserLimitReached(max.raw())
            } else {
                IdentityError::UserLimitReached(max.raw())
            });
        }
        Ok(())
    }

    /// Live accounts only: deleted users free their address (defect 28).
    pub(super) async fn check_email_free(&self, email: &Email) -> Result<(), IdentityError> {
        match self.store.user_by_email(email).await? {
            Some(_) => Err(IdentityError::EmailAlreadyRegistered),
            None => Ok(()),
        }
    }

    /// The branch, when given, must be an active branch of the tenant.
    pub(super) async fn check_branch(
        &self,
        scope: &TenantScope,
        branch: Option<BranchId>,
    ) -> Result<(), IdentityError> {
        let Some(id) = branch else { return Ok(()) };
        match self.store.tenant_branch(scope, id).await? {
            Some(b) if b.is_active => Ok(()),
            _ => Err(IdentityError::InvalidBranch),
        }
    }
}

/// A unique violation when writing a user means its address is taken.
pub(super) fn email_conflict(e: StoreError) -> IdentityError {
    match e {
        StoreError::Conflict(what) if what.contains("email") => {
            IdentityError::EmailAlreadyRegistered
        }
        other => other.into(),
    }
}

/// A unique violation means the address is taken; a refused seat means the
/// tenant reached its user limit meanwhile (a parallel request won).
pub(super) fn seat_or_email_conflict(e: StoreError, tenant: &Tenant) -> IdentityError {
    match e {
        StoreError::Conflict(what) if what.contains("user_limit") => {
            IdentityError::UserLimitReached(tenant.max_users.raw())
        }
        other => email_conflict(other),
    }
}

/// Applies the sent keys; `full_name` is recomputed from the stored names
/// when a name was sent.
/// The names of the fields an update sends, for the audit trail.
pub(super) fn sent_fields(u: &UserUpdate) -> Vec<&'static str> {
    harmony_kernel::audit::sent_fields([
        ("first_name", u.first_name.is_some()),
        ("last_name", u.last_name.is_some()),
        ("phone", u.phone.is_some()),
        ("avatar_url", u.avatar_url.is_some()),
        ("default_branch_id", u.default_branch_id.is_some()),
        ("tenant_role", u.tenant_role.is_some()),
        ("business_role", u.business_role.is_some()),
        ("is_active", u.is_active.is_some()),
    ])
}

pub(super) fn apply_fields(user: &mut User, u: UserUpdate) {
    let names_sent = u.first_name.is_some() || u.last_name.is_some();
    if let Some(v) = u.first_name {
        user.first_name = v.map(PersonName::into_string);
    }
    if let Some(v) = u.last_name {
        user.last_name = v.map(PersonName::into_string);
    }
    if names_sent {
        user.full_name =
            User::compose_full_name(user.first_name.as_deref(), user.last_name.as_deref());
    }
    if let Some(v) = u.phone {
        user.phone = v;
    }
    if let Some(v) = u.avatar_url {
        user.avatar_url = v;
    }
    if let Some(v) = u.default_branch_id {
        user.default_branch_id = v;
    }
    if let Some(v) = u.business_role {
        user.business_role = v;
    }
    if let (Some(role), UserKind::Tenant { role: current, .. }) = (u.tenant_role, &mut user.kind) {
        *current = role;
    }
}
