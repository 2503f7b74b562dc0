//! The audit entries of tenancy's use cases (api-core §8: `branch.*`,
//! `tenant.*`, `settings.updated`, `upgrade.cancelled`), each committed in
//! the same transaction as the change it describes.

use crate::model::{Branch, Tenant};
use crate::ports::BranchChange;
use harmony_kernel::{AuditEntry, Principal};
use time::OffsetDateTime;

/// An entry about `tenant`, in its own trail, naming its subdomain.
pub(crate) fn tenant_entry(
    who: &Principal,
    action: &str,
    tenant: &Tenant,
    now: OffsetDateTime,
) -> AuditEntry {
    AuditEntry::by(who, action, "tenant", now)
        .tenant(Some(tenant.id))
        .resource_id(tenant.id)
        .detail("subdomain", tenant.subdomain.as_str())
}

/// An entry about `branch` with its name and code.
pub(crate) fn entry(
    who: &Principal,
    action: &str,
    branch: &Branch,
    now: OffsetDateTime,
) -> AuditEntry {
    AuditEntry::by(who, action, "branch", now)
        .tenant(Some(branch.tenant_id))
        .resource_id(branch.id)
        .detail("name", branch.name.as_str())
        .detail("code", branch.code.as_str())
}

/// `branch.created` with the headquarters flag.
pub(crate) fn created(who: &Principal, branch: &Branch, now: OffsetDateTime) -> BranchChange {
    BranchChange::Audit(entry(who, "branch.created", branch, now).detail("is_hq", branch.is_hq))
}

/// `branch.updated` naming the fields whose values changed.
pub(crate) fn updated(
    who: &Principal,
    old: &Branch,
    next: &Branch,
    now: OffsetDateTime,
) -> BranchChange {
    BranchChange::Audit(
        entry(who, "branch.updated", next, now).detail("changes", changed(old, next)),
    )
}

/// The names of the fields that differ between two states of a branch.
fn changed(old: &Branch, next: &Branch) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $(if old.$f != next.$f { out.push(stringify!($f)); })* };
    }
    cmp!(
        name,
        code,
        is_hq,
        is_active,
        address,
        city,
        province,
        postal_code,
        country,
        phone,
        email,
        latitude,
        longitude,
        timezone,
        currency
    );
    out
}
