//! Pure decisions of the use cases: derived names, generated subdomains and
//! the rules of who may change whom. No I/O; the service loads, these decide.

use crate::model::{Email, PasswordHash, PersonName, Subdomain, User, UserKind};
use harmony_kernel::{TenantRole, UserId};
use time::OffsetDateTime;

impl User {
    /// A fresh account with the contract's defaults (active, unverified, no
    /// names), version 0. Callers set the fields their use case decides.
    pub fn new(
        kind: UserKind,
        email: Email,
        password_hash: PasswordHash,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id: UserId::new(),
            kind,
            email,
            password_hash,
            first_name: None,
            last_name: None,
            full_name: None,
            phone: None,
            avatar_url: None,
            business_role: None,
            default_branch_id: None,
            is_active: true,
            is_verified: false,
            email_verified_at: None,
            last_login_at: None,
            invited_by: None,
            invitation_pending: false,
            created_at: now,
            updated_at: None,
            deleted_at: None,
            deleted_by: None,
            version: 0,
        }
    }

    /// Not soft-deleted.
    pub const fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// Active and not soft-deleted: may sign in and act.
    pub const fn is_usable(&self) -> bool {
        self.is_active && self.deleted_at.is_none()
    }

    /// How e-mails address the user: full name, else the address.
    pub fn display_name(&self) -> String {
        self.full_name
            .clone()
            .unwrap_or_else(|| self.email.as_str().to_owned())
    }
}

/// `full_name` of users created by an admin or invited (§3.2 create): "first
/// last" when both, else first, else none (last alone gives none, as the
/// original does).
pub fn creation_full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(f), None) => Some(f.to_owned()),
        _ => None,
    }
}

/// Splits a registration `admin_name` into first name (up to the first space)
/// and last name (the remainder, possibly empty), §10.1 step 4.
pub fn split_admin_name(name: &PersonName) -> (String, String) {
    match name.as_str().split_once(' ') {
        Some((first, rest)) => (first.to_owned(), rest.trim().to_owned()),
        None => (name.as_str().to_owned(), String::new()),
    }
}

/// The tenant name at registration: the given company name, else "<first
/// word of admin_name>'s Workspace" (§10.1 step 2).
///
/// # Errors
/// The message for `company_name` when the effective name is shorter than two
/// characters (defect 36: later tenant responses require ≥ 2).
pub fn company_name(given: Option<&PersonName>, admin: &PersonName) -> Result<String, String> {
    let name = if let Some(n) = given {
        n.as_str().to_owned()
    } else {
        let first = admin.as_str().split_whitespace().next().unwrap_or("My");
        format!("{first}'s Workspace")
    };
    if name.chars().count() < 2 {
        return Err("Company name must be at least 2 characters".to_owned());
    }
    Ok(name)
}

/// The base of an auto-generated subdomain (§10.1 step 3): the e-mail's local
/// part reduced to `[a-z0-9]`, else the admin's first word, else `workspace`,
/// cut to 20 characters.
pub fn subdomain_base(email: &Email, admin: &PersonName) -> String {
    let clean = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            .collect()
    };
    let mut base = clean(email.local_part());
    if base.len() < 3 {
        base = clean(admin.as_str().split_whitespace().next().unwrap_or(""));
    }
    if base.len() < 3 {
        "workspace".clone_into(&mut base);
    }
    base.chars().take(20).collect()
}

/// Generated candidates in order (`base`, `base1` … `base999`), skipping any
/// that the subdomain rule refuses, reserved names included (defect 26).
pub fn subdomain_candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(base.to_owned())
        .chain((1..=999).map(move |n| format!("{base}{n}")))
        .filter(|c| Subdomain::parse(c).is_ok())
}

/// Whether `actor` (a tenant owner or admin) may modify or delete `target`
/// of the same tenant: owners manage everyone; admins manage themselves and
/// members only (defect 7).
pub fn may_manage(actor_id: UserId, actor_role: TenantRole, target: &User) -> bool {
    match actor_role {
        TenantRole::Owner => true,
        TenantRole::Admin => {
            target.id == actor_id || target.tenant_role() == Some(TenantRole::Member)
        }
        TenantRole::Member => false,
    }
}
