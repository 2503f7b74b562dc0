//! The user account.

use crate::model::{Email, PasswordHash};
use harmony_kernel::{BranchId, SystemRole, TenantId, TenantRole, UserId};
use time::OffsetDateTime;

/// Whether an account belongs to the platform or to one tenant (the
/// original's `user_scope_check`, as a type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    /// A platform user.
    System(SystemRole),
    /// A user of one tenant.
    Tenant {
        /// The tenant.
        tenant_id: TenantId,
        /// The role there.
        role: TenantRole,
    },
}

/// An account. Soft-deleted accounts keep their row (`deleted_at` set) but
/// free their e-mail address for reuse (defect 28).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// System or tenant user, with role.
    pub kind: UserKind,
    /// Unique among live (not deleted) accounts.
    pub email: Email,
    /// Current password hash.
    pub password_hash: PasswordHash,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Display name.
    pub full_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// Free-form job title (≤ 50 chars), not used for authorisation.
    pub business_role: Option<String>,
    /// Default branch (tenant users).
    pub default_branch_id: Option<BranchId>,
    /// False for deactivated, deleted and not-yet-accepted invited accounts.
    pub is_active: bool,
    /// E-mail address confirmed.
    pub is_verified: bool,
    /// When the address was confirmed.
    pub email_verified_at: Option<OffsetDateTime>,
    /// Last successful login.
    pub last_login_at: Option<OffsetDateTime>,
    /// Who invited this user; set until the invitation is accepted.
    pub invited_by: Option<UserId>,
    /// True while an invitation waits for acceptance.
    pub invitation_pending: bool,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
    /// Soft deletion time.
    pub deleted_at: Option<OffsetDateTime>,
    /// Who deleted the account.
    pub deleted_by: Option<UserId>,
    /// Optimistic-lock version; every update increments it.
    pub version: i64,
}

impl User {
    /// The tenant, for tenant users.
    pub const fn tenant_id(&self) -> Option<TenantId> {
        match self.kind {
            UserKind::Tenant { tenant_id, .. } => Some(tenant_id),
            UserKind::System(_) => None,
        }
    }
    /// The tenant role, for tenant users.
    pub const fn tenant_role(&self) -> Option<TenantRole> {
        match self.kind {
            UserKind::Tenant { role, .. } => Some(role),
            UserKind::System(_) => None,
        }
    }
    /// The system role, for system users.
    pub const fn system_role(&self) -> Option<SystemRole> {
        match self.kind {
            UserKind::System(role) => Some(role),
            UserKind::Tenant { .. } => None,
        }
    }
    /// The legacy `role` string of the contract (§1.8.1).
    pub const fn legacy_role(&self) -> &'static str {
        match self.kind {
            UserKind::System(role) => role.legacy_role(),
            UserKind::Tenant { role, .. } => role.as_str(),
        }
    }
    /// `full_name` as the contract derives it: "first last", else the one given.
    pub fn compose_full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
        let first = first.map(str::trim).filter(|s| !s.is_empty());
        let last = last.map(str::trim).filter(|s| !s.is_empty());
        match (first, last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
            (None, None) => None,
        }
    }
}
