//! Platform settings (roadmap P1-6): how the platform presents itself —
//! name, support address, logo and default locale — readable by everyone
//! (the sign-in page shows them before anyone is authenticated), editable by
//! system admins, every change audited.
//!
//! One record with optimistic locking: two admins editing at once never
//! silently overwrite each other; the loser gets a conflict and reloads.

pub mod runtime;

use crate::error::TenancyError;
use harmony_kernel::{AuditEntry, Clock, Principal, StoreError, SystemPermission, UserId};
use std::sync::Arc;
use time::OffsetDateTime;

/// The platform's presentation settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSettings {
    /// Shown in the web client's title bar and in e-mails (1–100 characters).
    pub platform_name: String,
    /// Where tenants write for help.
    pub support_email: Option<String>,
    /// An `http(s)` URL of the platform logo.
    pub logo_url: Option<String>,
    /// The locale new users get, e.g. `en` or `id-ID`.
    pub default_locale: String,
    /// Bumped by every write (optimistic locking).
    pub version: i64,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
    /// Who made it.
    pub updated_by: Option<UserId>,
}

/// A partial update: `None` keeps a field; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlatformSettingsUpdate {
    /// New name.
    pub platform_name: Option<String>,
    /// New or cleared support address.
    pub support_email: Option<Option<String>>,
    /// New or cleared logo URL.
    pub logo_url: Option<Option<String>>,
    /// New default locale.
    pub default_locale: Option<String>,
}

/// Storage of the single settings record.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait PlatformSettingsStore: Send + Sync {
    /// The record (seeded by the migrations, so always present).
    async fn platform_settings(&self) -> Result<PlatformSettings, StoreError>;

    /// Writes `settings` (whose `version` is `expected_version + 1`) and
    /// appends `audit`, in one transaction.
    ///
    /// # Errors
    /// MUST return `StaleVersion`, writing nothing, unless the stored version
    /// equals `expected_version`.
    async fn save_platform_settings(
        &self,
        settings: &PlatformSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}

/// The platform-settings use cases.
#[derive(Clone)]
pub struct PlatformService {
    store: Arc<dyn PlatformSettingsStore>,
    clock: Arc<dyn Clock>,
}

impl PlatformService {
    /// Wires the use cases to their ports.
    pub fn new(store: Arc<dyn PlatformSettingsStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The settings; public.
    ///
    /// # Errors
    /// `Store` when storage fails.
    pub async fn settings(&self) -> Result<PlatformSettings, TenancyError> {
        Ok(self.store.platform_settings().await?)
    }

    /// Applies a partial update (system admins: `system.settings.manage`).
    ///
    /// # Errors
    /// `Access`, `Validation` with the field's name, `Conflict` when another
    /// admin saved in between.
    pub async fn update(
        &self,
        who: &Principal,
        update: PlatformSettingsUpdate,
    ) -> Result<PlatformSettings, TenancyError> {
        who.require_system(SystemPermission::SettingsManage)?;
        let current = self.store.platform_settings().await?;
        let mut next = current.clone();
        let mut changed = serde_json::Map::new();
        if let Some(name) = update.platform_name {
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(TenancyError::validation(
                    "platform_name",
                    "Platform name must be between 1 and 100 characters",
                ));
            }
            next.platform_name = name;
        }
        if let Some(email) = update.support_email {
            next.support_email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
            if let Some(e) = &next.support_email
                && !is_email(e)
            {
                return Err(TenancyError::validation(
                    "support_email",
                    "value is not a valid email address",
                ));
            }
        }
        if let Some(url) = update.logo_url {
            next.logo_url = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
            if let Some(u) = &next.logo_url
                && !is_http_url(u)
            {
                return Err(TenancyError::validation(
                    "logo_url",
                    "Logo URL must be an http or https URL of at most 2048 characters",
                ));
            }
        }
        if let Some(locale) = update.default_locale {
            if !is_locale(&locale) {
                return Err(TenancyError::validation(
                    "default_locale",
                    "Locale must look like 'en' or 'id-ID'",
                ));
            }
            next.default_locale = locale;
        }
        record_changes(&current, &next, &mut changed);
        if changed.is_empty() {
            return Ok(current);
        }
        let now = self.clock.now();
        next.version = current.version + 1;
        next.updated_at = Some(now);
        next.updated_by = Some(who.user_id());
        let mut audit = AuditEntry::by(who, "settings.updated", "platform_settings", now)
            .resource_id("platform");
        audit.details.insert("changes".into(), changed.into());
        self.store
            .save_platform_settings(&next, current.version, &audit)
            .await?;
        Ok(next)
    }
}

/// `{field: {"from": old, "to": new}}` for every field that differs; none of
/// these fields is secret.
fn record_changes(
    old: &PlatformSettings,
    new: &PlatformSettings,
    out: &mut serde_json::Map<String, serde_json::Value>,
) {
    let mut diff = |field: &str, a: Option<&str>, b: Option<&str>| {
        if a != b {
            out.insert(field.into(), serde_json::json!({ "from": a, "to": b }));
        }
    };
    diff(
        "platform_name",
        Some(&old.platform_name),
        Some(&new.platform_name),
    );
    diff(
        "support_email",
        old.support_email.as_deref(),
        new.support_email.as_deref(),
    );
    diff("logo_url", old.logo_url.as_deref(), new.logo_url.as_deref());
    diff(
        "default_locale",
        Some(&old.default_locale),
        Some(&new.default_locale),
    );
}

/// One `@`, a non-empty local part, a dotted domain, no spaces, ≤ 255.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 255
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    s.len() <= 2048
        && rest.is_some_and(|r| {
            !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace)
        })
}

/// `ll`, `lll`, or either followed by `-RR` (BCP 47 language[-region]).
fn is_locale(s: &str) -> bool {
    let (lang, region) = match s.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_accept_the_usual_and_refuse_the_rest() {
        assert!(is_email("help@harmony.example"));
        assert!(!is_email("help@localhost"));
        assert!(!is_email("a b@x.io"));
        assert!(is_http_url("https://cdn.example/logo.png"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("https://"));
        assert!(is_locale("en") && is_locale("id-ID") && is_locale("fil"));
        assert!(!is_locale("EN") && !is_locale("en-us") && !is_locale("english"));
    }
}
