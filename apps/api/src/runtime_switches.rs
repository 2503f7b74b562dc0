//! The runtime settings as this process applies them.
//!
//! The stored record ([`RuntimeSettingsService`]) is the truth shared by all
//! API processes; [`RuntimeSwitches`] is this process's copy, read on the hot
//! path (one relaxed atomic load per rate-limited request). A poller refreshes
//! it every `interval`, so a change made through any process reaches all of
//! them within one interval; the process that made the change applies it at
//! once. The log level is applied through the [`LogControl`].

use crate::logging::LogControl;
use harmony_tenancy::platform::runtime::{RuntimeSettings, RuntimeSettingsService};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// This process's view of the runtime settings.
#[derive(Debug)]
pub struct RuntimeSwitches {
    rate_limit_enabled: AtomicBool,
    /// Version of the record last applied. Starts at 0, the seeded record's
    /// version, so an untouched record never overrides the deployment's
    /// configured log level.
    version: AtomicI64,
    log: LogControl,
}

impl RuntimeSwitches {
    /// Switches starting from the deployment's configuration, until the
    /// stored record is first read.
    pub fn new(rate_limit_enabled: bool, log: LogControl) -> Self {
        Self {
            rate_limit_enabled: AtomicBool::new(rate_limit_enabled),
            version: AtomicI64::new(0),
            log,
        }
    }

    /// Whether the rate limiter may answer 429 (ANDed with the deployment's
    /// `rate_limit.enabled`, which stays the master switch).
    pub fn rate_limit_enabled(&self) -> bool {
        self.rate_limit_enabled.load(Ordering::Relaxed)
    }

    /// Adopts `settings` unless an equal or newer version is applied already.
    pub fn apply(&self, settings: &RuntimeSettings) {
        let previous = self.version.fetch_max(settings.version, Ordering::AcqRel);
        if previous >= settings.version {
            return;
        }
        self.rate_limit_enabled
            .store(settings.rate_limit_enabled, Ordering::Relaxed);
        let directive = settings.tracing_directive();
        if self.log.level() != directive
            && let Err(why) = self.log.set_level(directive)
        {
            tracing::error!(%why, "could not apply the stored log level");
        }
    }

    /// Reads the stored record every `interval` and applies it, until the
    /// runtime shuts down. Read errors are logged and retried.
    pub fn spawn_poller(self: &Arc<Self>, service: RuntimeSettingsService, interval: Duration) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return; // no runtime (an embedder building state offline)
        };
        let switches = Arc::downgrade(self);
        handle.spawn(async move {
            loop {
                let Some(switches) = switches.upgrade() else {
                    return; // the app is gone
                };
                match service.current().await {
                    Ok(settings) => switches.apply(&settings),
                    Err(e) => tracing::warn!(error = %e, "runtime settings poll failed"),
                }
                drop(switches);
                tokio::time::sleep(interval).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_versions_win_and_older_ones_are_ignored() {
        let s = RuntimeSwitches::new(true, LogControl::detached());
        let off = RuntimeSettings {
            rate_limit_enabled: false,
            log_level: "WARNING".into(),
            version: 2,
            ..RuntimeSettings::default()
        };
        s.apply(&off);
        assert!(!s.rate_limit_enabled());
        assert_eq!(s.log.level(), "warn");
        s.apply(&RuntimeSettings {
            version: 1,
            ..RuntimeSettings::default()
        });
        assert!(
            !s.rate_limit_enabled(),
            "a stale read must not undo a newer change"
        );
    }
}
