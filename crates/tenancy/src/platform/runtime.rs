//! Runtime settings (api-core §3.7 #1–2): switches a system admin flips
//! while the platform runs — the log level and whether rate limiting is on.
//!
//! The original kept them in each process's memory, so with several API
//! processes an admin changed one process at random and a restart forgot it.
//! Here they are one stored record: every process reads it at start-up and
//! polls it, so all processes converge within the poll interval, and a
//! restart keeps the last choice. `dev_mode` is not among them: it follows
//! the deployment's configuration (`dev.tools`) and cannot be switched at
//! run time (defect 21).

use crate::error::TenancyError;
use harmony_kernel::{AuditEntry, Clock, Principal, StoreError, SystemPermission, UserId};
use std::sync::Arc;
use time::OffsetDateTime;

/// The log levels the contract accepts, upper-case.
pub const LOG_LEVELS: [&str; 5] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/// The stored switches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSettings {
    /// One of [`LOG_LEVELS`].
    pub log_level: String,
    /// Whether the rate limiter answers 429 at all.
    pub rate_limit_enabled: bool,
    /// Bumped by every write (optimistic locking).
    pub version: i64,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
    /// Who made it.
    pub updated_by: Option<UserId>,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        Self {
            log_level: "INFO".to_owned(),
            rate_limit_enabled: true,
            version: 0,
            updated_at: None,
            updated_by: None,
        }
    }
}

impl RuntimeSettings {
    /// The `tracing` filter directive of [`Self::log_level`] (`WARNING` →
    /// `warn`, `CRITICAL` → `error`: tracing has no level above error).
    pub fn tracing_directive(&self) -> &'static str {
        match self.log_level.as_str() {
            "DEBUG" => "debug",
            "WARNING" => "warn",
            "ERROR" | "CRITICAL" => "error",
            _ => "info",
        }
    }
}

/// A partial update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeSettingsUpdate {
    /// New level, any case.
    pub log_level: Option<String>,
    /// New rate-limit switch.
    pub rate_limit_enabled: Option<bool>,
}

/// Storage of the single record.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait RuntimeSettingsStore: Send + Sync {
    /// The record (seeded by the migrations).
    async fn runtime_settings(&self) -> Result<RuntimeSettings, StoreError>;

    /// Writes `settings` and appends `audit` in one transaction.
    ///
    /// # Errors
    /// MUST return `StaleVersion`, writing nothing, unless the stored version
    /// equals `expected_version`.
    async fn save_runtime_settings(
        &self,
        settings: &RuntimeSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}

/// The runtime-settings use cases.
#[derive(Clone)]
pub struct RuntimeSettingsService {
    store: Arc<dyn RuntimeSettingsStore>,
    clock: Arc<dyn Clock>,
}

impl RuntimeSettingsService {
    /// Wires the use cases to their ports.
    pub fn new(store: Arc<dyn RuntimeSettingsStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The stored switches, for the pollers of every process (no caller).
    ///
    /// # Errors
    /// `Store`.
    pub async fn current(&self) -> Result<RuntimeSettings, TenancyError> {
        Ok(self.store.runtime_settings().await?)
    }

    /// The switches, for a system admin (`system.tools.access`).
    ///
    /// # Errors
    /// `Access`, `Store`.
    pub async fn get(&self, who: &Principal) -> Result<RuntimeSettings, TenancyError> {
        who.require_system(SystemPermission::ToolsAccess)?;
        self.current().await
    }

    /// Applies `update`; audited as `system.settings_updated` with only the
    /// fields that changed (§3.7).
    ///
    /// # Errors
    /// `Access`; `Validation` on `log_level` with the contract's message;
    /// `Conflict` when another admin saved in between.
    pub async fn update(
        &self,
        who: &Principal,
        update: RuntimeSettingsUpdate,
    ) -> Result<RuntimeSettings, TenancyError> {
        who.require_system(SystemPermission::ToolsAccess)?;
        let current = self.store.runtime_settings().await?;
        let mut next = current.clone();
        let mut changes = serde_json::Map::new();
        if let Some(level) = update.log_level {
            let level = level.trim().to_uppercase();
            if !LOG_LEVELS.contains(&level.as_str()) {
                return Err(TenancyError::validation(
                    "log_level",
                    format!(
                        "Invalid log level. Must be one of: {}",
                        LOG_LEVELS.join(", ")
                    ),
                ));
            }
            if level != current.log_level {
                changes.insert("log_level".into(), level.clone().into());
            }
            next.log_level = level;
        }
        if let Some(on) = update.rate_limit_enabled {
            if on != current.rate_limit_enabled {
                changes.insert("rate_limit_enabled".into(), on.into());
            }
            next.rate_limit_enabled = on;
        }
        if changes.is_empty() {
            return Ok(current);
        }
        let now = self.clock.now();
        next.version = current.version + 1;
        next.updated_at = Some(now);
        next.updated_by = Some(who.user_id());
        let mut audit = AuditEntry::by(who, "system.settings_updated", "system", now);
        audit.details.insert("changes".into(), changes.into());
        self.store
            .save_runtime_settings(&next, current.version, &audit)
            .await?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_levels_map_to_tracing_directives() {
        let at = |l: &str| RuntimeSettings {
            log_level: l.to_owned(),
            ..RuntimeSettings::default()
        };
        assert_eq!(at("WARNING").tracing_directive(), "warn");
        assert_eq!(at("CRITICAL").tracing_directive(), "error");
        assert_eq!(at("DEBUG").tracing_directive(), "debug");
        assert_eq!(RuntimeSettings::default().tracing_directive(), "info");
    }
}
