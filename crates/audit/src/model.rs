//! What the trail stores and how it is queried.

use harmony_kernel::{AuditEntry, AuditStatus, TenantId, UserId};
use time::OffsetDateTime;

/// A stored entry: the [`AuditEntry`] plus its place in its hash chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// What happened (normalised: whole microseconds, user agent ≤ 512 chars).
    pub entry: AuditEntry,
    /// Position in the chain of `entry.tenant_id` (1 for the first record).
    pub seq: i64,
    /// Hash of the previous record of the chain ([`crate::GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// [`crate::chain_hash`] of `prev_hash` and `entry`, lowercase hex.
    pub hash: String,
}

impl AuditRecord {
    /// The record's id (the entry's).
    pub const fn id(&self) -> uuid::Uuid {
        self.entry.id
    }
}

/// Which tenants' records a query may see. Built by [`crate::AuditService`]
/// from the caller's role, never straight from a tenant user's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantFilter {
    /// Every record, platform ones included (system users).
    All,
    /// Only this tenant's records.
    One(TenantId),
}

impl TenantFilter {
    /// Whether a record of `tenant` passes.
    pub fn admits(self, tenant: Option<TenantId>) -> bool {
        match self {
            Self::All => true,
            Self::One(t) => tenant == Some(t),
        }
    }
}

/// The list filters of §3.8 endpoint 1 (all exact matches except `search`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// Tenant scope (see [`TenantFilter`]).
    pub tenant: TenantFilter,
    /// Exact action.
    pub action: Option<String>,
    /// Exact resource.
    pub resource: Option<String>,
    /// Exact status.
    pub status: Option<AuditStatus>,
    /// Exact acting user.
    pub user_id: Option<UserId>,
    /// `created_at >= start`.
    pub start: Option<OffsetDateTime>,
    /// `created_at <= end`.
    pub end: Option<OffsetDateTime>,
    /// Case-insensitive substring of the request id or the IP address.
    pub search: Option<String>,
}

impl AuditFilter {
    /// No filter but the tenant scope.
    pub const fn scoped(tenant: TenantFilter) -> Self {
        Self {
            tenant,
            action: None,
            resource: None,
            status: None,
            user_id: None,
            start: None,
            end: None,
            search: None,
        }
    }

    /// Whether `r` passes every filter; the in-memory adapter and tests use
    /// it, SQL adapters express the same rules in SQL.
    pub fn matches(&self, r: &AuditRecord) -> bool {
        let e = &r.entry;
        let contains = |hay: Option<&String>, needle: &str| {
            hay.is_some_and(|h| h.to_lowercase().contains(needle))
        };
        self.tenant.admits(e.tenant_id)
            && self.action.as_ref().is_none_or(|a| *a == e.action)
            && self.resource.as_ref().is_none_or(|x| *x == e.resource)
            && self.status.is_none_or(|s| s == e.status)
            && self.user_id.is_none_or(|u| Some(u) == e.user_id)
            && self.start.is_none_or(|s| e.at >= s)
            && self.end.is_none_or(|s| e.at <= s)
            && self.search.as_ref().is_none_or(|s| {
                let needle = s.to_lowercase();
                contains(e.origin.request_id.as_ref(), &needle)
                    || contains(e.origin.ip.as_ref(), &needle)
            })
    }
}

/// `AuditStatistics` of §3.8 endpoint 2.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditStatistics {
    /// Records in scope.
    pub total_logs: u64,
    /// Distinct non-null acting users.
    pub total_users: u64,
    /// Distinct actions.
    pub total_actions: u64,
    /// `auth.login_failed` in the 24 hours before `now`.
    pub failed_logins_24h: u64,
    /// `auth.login` in the 24 hours before `now`.
    pub successful_logins_24h: u64,
    /// Every record of the 24 hours before `now` (platform dashboard).
    pub logs_24h: u64,
    /// The ten most frequent actions, most frequent first (ties by name).
    pub actions_by_type: Vec<(String, u64)>,
    /// Records per status, by status name.
    pub actions_by_status: Vec<(String, u64)>,
}

/// Where archive files of a trail live: `audit/` for system archives,
/// `audit/tenant_<uuid>/` for a tenant's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArchiveDir {
    /// System archives (every tenant's old records).
    Platform,
    /// One tenant's archives.
    Tenant(TenantId),
}

impl ArchiveDir {
    /// The directory relative to the archive root, with a trailing `/`.
    pub fn relative_path(self) -> String {
        match self {
            Self::Platform => "audit/".to_owned(),
            Self::Tenant(t) => format!("audit/tenant_{t}/"),
        }
    }
}

/// One archive file as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFileInfo {
    /// File name (no directory).
    pub name: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Last modification (creation, since archives are never rewritten).
    pub modified_at: OffsetDateTime,
}
