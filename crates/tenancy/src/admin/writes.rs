//! Platform-administration writes (§3.5 #8–#10, #12, #13) as methods of
//! [`TenantAdminService`]: status, features, subscription, tenant update and
//! soft delete.
//!
//! Decisions beyond the original (§11): every status change is appended to
//! `meta_data.status_history` (defect 34) besides the contract's
//! `status_change_reason`/`status_changed_at`; omitted subscription dates
//! keep their value (defect 34); a duplicate domain is a 409, a `null` name a
//! 422; DELETE sets `deleted_at` besides `is_active=false`, and a deleted
//! tenant refuses every further write with 409 `tenant_deleted`, so PATCH
//! status cannot revive it (defect 43). Writes are guarded by optimistic
//! locking on `updated_at` (409 `concurrent_modification`).

use super::{TIER_CODES, TenantAdminError, TenantAdminService};
use crate::audit::tenant_entry;
use crate::model::{Limit, SubscriptionStatus, Tenant};
use crate::settings::model::fallback_tiers;
use crate::settings::update::merge_settings;
use harmony_kernel::{
    AuditEntry, OperatorScope, Principal, StoreError, SystemPermission, TenantId, UserId,
};
use serde_json::{Map, Value, json};
use time::{OffsetDateTime, UtcOffset};

type Result<T> = std::result::Result<T, TenantAdminError>;

/// `meta_data` keys only the status change writes; a tenant update never
/// touches them.
pub const STATUS_KEYS: [&str; 3] = [
    "status_history",
    "status_change_reason",
    "status_changed_at",
];

/// `PATCH /admin/tenants/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The new activation flag.
    pub is_active: bool,
    /// Why, if given.
    pub reason: Option<String>,
}

/// `PUT /admin/tenants/{id}/subscription`; `None` limits take the tier's.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionUpdate {
    /// Tier code, one of [`TIER_CODES`].
    pub tier: String,
    /// New status; `None` keeps it.
    pub status: Option<SubscriptionStatus>,
    /// User cap; `None` takes the tier's.
    pub max_users: Option<i64>,
    /// Branch cap; `None` takes the tier's.
    pub max_branches: Option<i64>,
    /// Storage cap; `None` takes the tier's.
    pub max_storage_gb: Option<i64>,
    /// End of trial; `None` keeps it, `Some(None)` clears it (defect 34).
    pub trial_ends_at: Option<Option<OffsetDateTime>>,
    /// End of the paid period; `None` keeps it, `Some(None)` clears it.
    pub subscription_ends_at: Option<Option<OffsetDateTime>>,
}

/// `PUT /admin/tenants/{id}`: only the keys present change.
#[allow(clippy::option_option, reason = "absent key vs explicit null")]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantUpdate {
    /// New name, 2–255 characters.
    pub name: Option<String>,
    /// New custom domain (≤ 255); `Some(None)` clears it.
    pub domain: Option<Option<String>>,
    /// New logo URL; `Some(None)` clears it.
    pub logo_url: Option<Option<String>>,
    /// Keys merged into `settings` (`null` removes a key).
    pub settings: Option<Map<String, Value>>,
    /// Keys merged into `meta_data` (`null` removes a key); the
    /// [`STATUS_KEYS`] are ignored.
    pub meta_data: Option<Map<String, Value>>,
}

/// Python's `isoformat()` of a naive UTC datetime (§1.4).
pub fn naive_iso(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    match t.microsecond() {
        0 => base,
        us => format!("{base}.{us:06}"),
    }
}

fn invalid(msg: impl Into<String>) -> TenantAdminError {
    TenantAdminError::Invalid(msg.into())
}

impl StatusChange {
    /// The tenant after this change by `by` at `now`; the history keeps
    /// every earlier entry.
    pub fn apply(&self, tenant: &Tenant, by: UserId, now: OffsetDateTime) -> Tenant {
        let mut next = tenant.clone();
        next.is_active = self.is_active;
        let mut meta = tenant.meta_data.as_object().cloned().unwrap_or_default();
        let at = naive_iso(now);
        if let Some(reason) = &self.reason {
            meta.insert("status_change_reason".to_owned(), json!(reason));
            meta.insert("status_changed_at".to_owned(), json!(at));
        }
        let mut history = meta
            .get("status_history")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        history.push(json!({
            "is_active": self.is_active,
            "reason": self.reason,
            "changed_at": at,
            "changed_by": by.to_string(),
        }));
        meta.insert("status_history".to_owned(), Value::Array(history));
        next.meta_data = Value::Object(meta);
        next.updated_at = Some(now);
        next
    }
}

impl SubscriptionUpdate {
    /// The tenant after this update at `now`, limits defaulting to `tier`'s
    /// (catalogue row, else the fixed fallback table).
    ///
    /// # Errors
    /// `Invalid` for an unknown tier or a limit below −1.
    pub fn apply(
        &self,
        tenant: &Tenant,
        tier: Option<[Limit; 3]>,
        now: OffsetDateTime,
    ) -> Result<Tenant> {
        if !TIER_CODES.contains(&self.tier.as_str()) {
            return Err(invalid(format!(
                "Tier must be one of: {}",
                TIER_CODES.join(", ")
            )));
        }
        let defaults = tier
            .or_else(|| {
                fallback_tiers()
                    .into_iter()
                    .find(|t| t.code == self.tier)
                    .map(|t| [t.max_users, t.max_branches, t.max_storage_gb])
            })
            .unwrap_or([Limit::new(5), Limit::new(1), Limit::new(1)]);
        let limit = |given: Option<i64>, default: Limit| match given {
            Some(n) if n < -1 => Err(invalid("Limits must be -1 (unlimited) or more")),
            Some(n) => Ok(Limit::new(n)),
            None => Ok(default),
        };
        let mut next = tenant.clone();
        next.tier.clone_from(&self.tier);
        if let Some(s) = self.status {
            next.subscription_status = s;
        }
        next.max_users = limit(self.max_users, defaults[0])?;
        next.max_branches = limit(self.max_branches, defaults[1])?;
        next.max_storage_gb = limit(self.max_storage_gb, defaults[2])?;
        if let Some(t) = self.trial_ends_at {
            next.trial_ends_at = t;
        }
        if let Some(t) = self.subscription_ends_at {
            next.subscription_ends_at = t;
        }
        next.updated_at = Some(now);
        Ok(next)
    }
}

impl TenantUpdate {
    /// The names of the keys this update sends, for the audit trail.
    pub fn sent_fields(&self) -> Vec<&'static str> {
        harmony_kernel::audit::sent_fields([
            ("name", self.name.is_some()),
            ("domain", self.domain.is_some()),
            ("logo_url", self.logo_url.is_some()),
            ("settings", self.settings.is_some()),
            ("meta_data", self.meta_data.is_some()),
        ])
    }

    /// The tenant after this update at `now`.
    ///
    /// # Errors
    /// `Invalid` for a name outside 2–255 characters or a domain over 255.
    pub fn apply(&self, tenant: &Tenant, now: OffsetDateTime) -> Result<Tenant> {
        let mut next = tenant.clone();
        if let Some(name) = &self.name {
            if !(2..=255).contains(&name.trim().chars().count()) {
                return Err(invalid("Name must have 2 to 255 characters"));
            }
            name.trim().clone_into(&mut next.name);
        }
        if let Some(domain) = &self.domain {
            let domain = domain
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_lowercase);
            if domain.as_ref().is_some_and(|d| d.chars().count() > 255) {
                return Err(invalid("Domain must not exceed 255 characters"));
            }
            next.domain = domain;
        }
        if let Some(logo) = &self.logo_url {
            next.logo_url = logo.clone().filter(|l| !l.trim().is_empty());
        }
        if let Some(patch) = &self.settings {
            next.settings = merge_settings(&tenant.settings, patch);
        }
        if let Some(patch) = &self.meta_data {
            let mut patch = patch.clone();
            patch.retain(|k, _| !STATUS_KEYS.contains(&k.as_str()));
            next.meta_data = merge_settings(&tenant.meta_data, &patch);
        }
        next.updated_at = Some(now);
        Ok(next)
    }
}

impl TenantAdminService {
    /// `permission`, then the tenant, which must not be deleted.
    async fn writable(
        &self,
        who: &Principal,
        permission: SystemPermission,
        id: TenantId,
    ) -> Result<(OperatorScope, Tenant)> {
        let scope = who.require_system(permission)?;
        let tenant = self
            .directory
            .tenant(&scope, id)
            .await?
            .ok_or(TenantAdminError::TenantNotFound(id))?;
        if tenant.deleted_at.is_some() {
            return Err(TenantAdminError::TenantDeleted(id));
        }
        Ok((scope, tenant))
    }

    /// Stores `next`, decided from `read`, unless it changed meanwhile.
    /// `audit` describes the change and commits with it.
    async fn save(
        &self,
        scope: &OperatorScope,
        read: &Tenant,
        next: Tenant,
        audit: AuditEntry,
    ) -> Result<Tenant> {
        match self
            .directory
            .save_tenant(scope, &next, read.updated_at, &audit)
            .await
        {
            Ok(()) => Ok(next),
            Err(StoreError::StaleVersion) => Err(TenantAdminError::Stale),
            Err(StoreError::Conflict(_)) => Err(TenantAdminError::DomainTaken(
                next.domain.clone().unwrap_or_default(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Activates or deactivates a tenant (§3.5 #10), recording the change in
    /// `meta_data.status_history`. Users are not touched.
    ///
    /// # Errors
    /// `Access` without `system.tenants.update`; `TenantNotFound`;
    /// `TenantDeleted`; `Stale`; `Store`.
    pub async fn set_status(
        &self,
        who: &Principal,
        id: TenantId,
        change: &StatusChange,
    ) -> Result<Tenant> {
        let (scope, tenant) = self
            .writable(who, SystemPermission::TenantsUpdate, id)
            .await?;
        let now = self.clock.now();
        let next = change.apply(&tenant, scope.actor(), now);
        let action = if change.is_active {
            "tenant.activated"
        } else {
            "tenant.deactivated"
        };
        let audit = tenant_entry(who, action, &tenant, now)
            .detail("is_active", change.is_active)
            .detail("reason", change.reason.clone());
        self.save(&scope, &tenant, next, audit).await
    }

    /// Replaces the tenant's feature flags (§3.5 #9).
    ///
    /// # Errors
    /// As [`Self::set_status`].
    pub async fn set_features(
        &self,
        who: &Principal,
        id: TenantId,
        features: Map<String, Value>,
    ) -> Result<Tenant> {
        let (scope, tenant) = self
            .writable(who, SystemPermission::TenantsUpdate, id)
            .await?;
        let now = self.clock.now();
        let mut next = tenant.clone();
        next.features = Value::Object(features);
        next.updated_at = Some(now);
        let audit = tenant_entry(who, "tenant.updated", &tenant, now)
            .detail("updated_fields", ["features"]);
        self.save(&scope, &tenant, next, audit).await
    }

    /// Changes tier, status, limits and dates (§3.5 #8).
    ///
    /// # Errors
    /// As [`Self::set_status`]; `Invalid`.
    pub async fn update_subscription(
        &self,
        who: &Principal,
        id: TenantId,
        update: &SubscriptionUpdate,
    ) -> Result<Tenant> {
        let (scope, tenant) = self
            .writable(who, SystemPermission::TenantsUpdate, id)
            .await?;
        let tier = self
            .directory
            .active_tier_limits(&scope, &update.tier)
            .await?;
        let now = self.clock.now();
        let next = update.apply(&tenant, tier, now)?;
        let audit = tenant_entry(who, "tenant.subscription_changed", &tenant, now)
            .detail("new_tier", next.tier.as_str())
            .detail("new_status", next.subscription_status.as_str())
            .detail("max_users", next.max_users.raw());
        self.save(&scope, &tenant, next, audit).await
    }

    /// Applies the keys present (§3.5 #12).
    ///
    /// # Errors
    /// As [`Self::set_status`]; `Invalid`; `DomainTaken`.
    pub async fn update_tenant(
        &self,
        who: &Principal,
        id: TenantId,
        update: &TenantUpdate,
    ) -> Result<Tenant> {
        let (scope, tenant) = self
            .writable(who, SystemPermission::TenantsUpdate, id)
            .await?;
        let now = self.clock.now();
        let next = update.apply(&tenant, now)?;
        let audit = tenant_entry(who, "tenant.updated", &tenant, now)
            .detail("updated_fields", update.sent_fields());
        self.save(&scope, &tenant, next, audit).await
    }

    /// Soft-deletes a tenant (§3.5 #13): `deleted_at` and `is_active=false`.
    ///
    /// # Errors
    /// `Access` without `system.tenants.delete`; `TenantNotFound`;
    /// `TenantDeleted`; `Stale`; `Store`.
    pub async fn delete_tenant(&self, who: &Principal, id: TenantId) -> Result<()> {
        let (scope, tenant) = self
            .writable(who, SystemPermission::TenantsDelete, id)
            .await?;
        let now = self.clock.now();
        let mut next = tenant.clone();
        (next.is_active, next.deleted_at, next.updated_at) = (false, Some(now), Some(now));
        let audit = tenant_entry(who, "tenant.deleted", &tenant, now)
            .detail("deletion_type", "soft_delete");
        self.save(&scope, &tenant, next, audit).await.map(drop)
    }
}
