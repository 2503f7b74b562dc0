//! Tenant self-service settings (§3.4): the tenant record, usage and
//! limits, subscription summary, tier catalogue, format settings, feature
//! flags and the settings update.
//!
//! Guards: every use case needs a tenant user (system users →
//! `TenantRequired`) of an existing, active tenant (`TenantInactive`);
//! writes of settings and format need `tenant.settings.edit`; cancelling a
//! scheduled tier change needs the tenant owner or an admin.
//!
//! Decisions beyond the original (§11): tiers come from the catalogue and
//! only fall back to the fixed list when it is empty (defect 32); storage is
//! reported from `storage_used_bytes` (defect 32); `-1` is unlimited, never
//! "reached" (defect 33); the settings update applies the keys present,
//! clears `logo_url` on an explicit `null` and MERGES `settings` into the
//! stored object instead of replacing it (defect 35). Writes are guarded by
//! optimistic locking on `updated_at`, so a merge never loses a concurrent
//! change (409 `concurrent_modification`).

pub mod model;
pub mod ports;
pub mod update;

use crate::audit::tenant_entry;
use crate::error::TenancyError;
use crate::model::Tenant;
use harmony_kernel::{
    AccessError, AuditEntry, Clock, Principal, TenantPermission, TenantRole, TenantScope,
};
use model::{FormatSettings, SettingsUpdate, Subscription, TierInfo, Usage, fallback_tiers};
use ports::TenantSettingsStore;
use std::sync::Arc;

/// The tenant-settings use cases over their port; cheap to clone and share.
#[derive(Clone)]
pub struct TenantSettingsService {
    store: Arc<dyn TenantSettingsStore>,
    clock: Arc<dyn Clock>,
}

impl TenantSettingsService {
    /// Wires the service to its ports (composition root and tests).
    pub fn new(store: Arc<dyn TenantSettingsStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// G-TENANT on an already derived scope: the tenant exists and is active.
    async fn active_tenant(&self, scope: &TenantScope) -> Result<Tenant, TenancyError> {
        let tenant = self
            .store
            .tenant(scope)
            .await?
            .ok_or(TenancyError::TenantNotFound)?;
        if tenant.is_active {
            Ok(tenant)
        } else {
            Err(TenancyError::TenantInactive)
        }
    }

    /// Reads: any user of an active tenant.
    async fn reader(&self, who: &Principal) -> Result<(TenantScope, Tenant), TenancyError> {
        let scope = who.tenant_scope()?;
        let tenant = self.active_tenant(&scope).await?;
        Ok((scope, tenant))
    }

    /// Settings writes: `tenant.settings.edit`, then G-TENANT.
    async fn editor(&self, who: &Principal) -> Result<(TenantScope, Tenant), TenancyError> {
        let scope = who.require_tenant(TenantPermission::SettingsEdit)?;
        let tenant = self.active_tenant(&scope).await?;
        Ok((scope, tenant))
    }

    /// Stores `next`, decided from `read`, unless the record changed meanwhile.
    /// `audit` describes the change and commits with it.
    async fn save(
        &self,
        scope: &TenantScope,
        read: &Tenant,
        next: &Tenant,
        audit: AuditEntry,
    ) -> Result<(), TenancyError> {
        Ok(self
            .store
            .update_tenant(scope, next, read.updated_at, &audit)
            .await?)
    }

    /// The caller's tenant (`GET /tenant-settings/`).
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn tenant(&self, who: &Principal) -> Result<Tenant, TenancyError> {
        Ok(self.reader(who).await?.1)
    }

    /// Quotas and their use (`GET /usage`, `/limits/users`, `/limits/branches`).
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn usage(&self, who: &Principal) -> Result<Usage, TenancyError> {
        let (scope, tenant) = self.reader(who).await?;
        let users = self.store.count_active_users(&scope).await?;
        let branches = self.store.count_active_branches(&scope).await?;
        Ok(Usage::of(&tenant, users, branches))
    }

    /// The active catalogue, or the fixed list when it is empty.
    async fn catalogue(&self) -> Result<Vec<TierInfo>, TenancyError> {
        let tiers = self.store.active_tiers().await?;
        Ok(if tiers.is_empty() {
            fallback_tiers()
        } else {
            tiers
        })
    }

    /// The public tiers by sort order, and the caller's tier code.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn tiers(&self, who: &Principal) -> Result<(Vec<TierInfo>, String), TenancyError> {
        let (_, tenant) = self.reader(who).await?;
        let public = self
            .catalogue()
            .await?
            .into_iter()
            .filter(|t| t.is_public)
            .collect();
        Ok((public, tenant.tier))
    }

    /// The subscription summary; tier names from the active catalogue rows.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn subscription(&self, who: &Principal) -> Result<Subscription, TenancyError> {
        let (_, tenant) = self.reader(who).await?;
        let tiers = self.store.active_tiers().await?;
        Ok(Subscription::of(&tenant, &tiers, self.clock.now()))
    }

    /// Drops a scheduled tier change (owner or admin); returns the tier the
    /// tenant stays on.
    ///
    /// # Errors
    /// `TenantAdminRequired` for members, `NoScheduledChange`, `Conflict`.
    pub async fn cancel_scheduled_change(&self, who: &Principal) -> Result<String, TenancyError> {
        let scope = who.tenant_scope()?;
        if !matches!(
            who.tenant_role(),
            Some(TenantRole::Owner | TenantRole::Admin)
        ) {
            return Err(AccessError::TenantAdminRequired.into());
        }
        let tenant = self.active_tenant(&scope).await?;
        if tenant.scheduled_tier_code.is_none() {
            return Err(TenancyError::NoScheduledChange);
        }
        let now = self.clock.now();
        let next = Tenant {
            scheduled_tier_code: None,
            scheduled_tier_effective_at: None,
            updated_at: Some(now),
            ..tenant.clone()
        };
        let audit = tenant_entry(who, "upgrade.cancelled", &tenant, now)
            .detail("action", "cancel_scheduled_downgrade")
            .detail("cancelled_tier", tenant.scheduled_tier_code.clone());
        self.save(&scope, &tenant, &next, audit).await?;
        Ok(next.tier)
    }

    /// Applies the keys present in `update` and returns the stored tenant.
    ///
    /// # Errors
    /// Guard refusals, `Validation` for a bad name, `Conflict`.
    pub async fn update_settings(
        &self,
        who: &Principal,
        update: &SettingsUpdate,
    ) -> Result<Tenant, TenancyError> {
        let (scope, tenant) = self.editor(who).await?;
        let now = self.clock.now();
        let next = update.apply(&tenant, now)?;
        let audit = tenant_entry(who, "settings.updated", &tenant, now)
            .detail("updated_fields", update.sent_fields());
        self.save(&scope, &tenant, &next, audit).await?;
        Ok(next)
    }

    /// The stored format settings over the defaults.
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn format(&self, who: &Principal) -> Result<FormatSettings, TenancyError> {
        let (_, tenant) = self.reader(who).await?;
        Ok(FormatSettings::from_settings(&tenant.settings))
    }

    /// Replaces `settings.format` (other settings keys are kept).
    ///
    /// # Errors
    /// Guard refusals, `Validation` for out-of-range values, `Conflict`.
    pub async fn update_format(
        &self,
        who: &Principal,
        format: FormatSettings,
    ) -> Result<FormatSettings, TenancyError> {
        let (scope, tenant) = self.editor(who).await?;
        format.validate()?;
        let value =
            serde_json::to_value(&format).map_err(|e| TenancyError::validation("format", e))?;
        let mut patch = serde_json::Map::new();
        patch.insert("format".to_owned(), value);
        let now = self.clock.now();
        let next = Tenant {
            settings: model::merge_settings(&tenant.settings, &patch),
            updated_at: Some(now),
            ..tenant.clone()
        };
        let audit = tenant_entry(who, "settings.updated", &tenant, now)
            .detail("updated_fields", ["format"]);
        self.save(&scope, &tenant, &next, audit).await?;
        Ok(format)
    }

    /// Whether `tenant.features[name]` is `true` (default false).
    ///
    /// # Errors
    /// Guard refusals; storage failures.
    pub async fn feature_enabled(&self, who: &Principal, name: &str) -> Result<bool, TenancyError> {
        let (_, tenant) = self.reader(who).await?;
        Ok(tenant
            .features
            .get(name)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false))
    }
}
