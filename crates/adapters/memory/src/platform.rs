//! `PlatformSettingsStore` over the shared in-memory state; starts with the
//! same defaults the SQL migration seeds.

use crate::identity::InMemoryStore;
use harmony_kernel::{AuditEntry, StoreError};
use harmony_tenancy::platform::runtime::{RuntimeSettings, RuntimeSettingsStore};
use harmony_tenancy::platform::{PlatformSettings, PlatformSettingsStore};

fn seeded() -> PlatformSettings {
    PlatformSettings {
        platform_name: "Harmony".to_owned(),
        support_email: None,
        logo_url: None,
        default_locale: "en".to_owned(),
        version: 0,
        updated_at: None,
        updated_by: None,
    }
}

#[async_trait::async_trait]
impl PlatformSettingsStore for InMemoryStore {
    async fn platform_settings(&self) -> Result<PlatformSettings, StoreError> {
        Ok(self.lock().platform.clone().unwrap_or_else(seeded))
    }

    async fn save_platform_settings(
        &self,
        settings: &PlatformSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        let stored = state.platform.get_or_insert_with(seeded);
        if stored.version != expected_version {
            return Err(StoreError::StaleVersion);
        }
        *stored = settings.clone();
        state.audit.append(std::slice::from_ref(audit));
        Ok(())
    }
}

#[async_trait::async_trait]
impl RuntimeSettingsStore for InMemoryStore {
    async fn runtime_settings(&self) -> Result<RuntimeSettings, StoreError> {
        Ok(self.lock().runtime.clone())
    }

    async fn save_runtime_settings(
        &self,
        settings: &RuntimeSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        if state.runtime.version != expected_version {
            return Err(StoreError::StaleVersion);
        }
        state.runtime = settings.clone();
        state.audit.append(std::slice::from_ref(audit));
        Ok(())
    }
}
