//! `PlatformSettingsStore` and `RuntimeSettingsStore` for [`SqlStore`]: two
//! single seeded rows, each written with a version check and its audit entry
//! in one transaction.

use crate::entity::platform_settings as ps;
use crate::entity::runtime_settings as rs;
use crate::error::{corrupt, store_err};
use crate::store::SqlStore;
use crate::timestamps::utc_opt;
use harmony_kernel::{AuditEntry, StoreError, UserId};
use harmony_tenancy::platform::runtime::{RuntimeSettings, RuntimeSettingsStore};
use harmony_tenancy::platform::{PlatformSettings, PlatformSettingsStore};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const ROW: i32 = 1;

#[async_trait::async_trait]
impl PlatformSettingsStore for SqlStore {
    async fn platform_settings(&self) -> Result<PlatformSettings, StoreError> {
        let row = ps::Entity::find_by_id(ROW)
            .one(self.connection())
            .await
            .map_err(store_err)?
            .ok_or_else(|| corrupt("platform_settings", "id", "the seeded row is missing"))?;
        Ok(PlatformSettings {
            platform_name: row.platform_name,
            support_email: row.support_email,
            logo_url: row.logo_url,
            default_locale: row.default_locale,
            version: row.version,
            updated_at: row.updated_at,
            updated_by: row.updated_by.map(UserId::from_uuid),
        })
    }

    async fn save_platform_settings(
        &self,
        s: &PlatformSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let row = ps::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            platform_name: Set(s.platform_name.clone()),
            support_email: Set(s.support_email.clone()),
            logo_url: Set(s.logo_url.clone()),
            default_locale: Set(s.default_locale.clone()),
            version: Set(s.version),
            updated_at: Set(utc_opt(s.updated_at)),
            updated_by: Set(s.updated_by.map(UserId::into_uuid)),
        };
        let update = ps::Entity::update_many()
            .set(row)
            .filter(ps::Column::Id.eq(ROW))
            .filter(ps::Column::Version.eq(expected_version));
        super::update_one_audited(self, update, audit).await
    }
}

#[async_trait::async_trait]
impl RuntimeSettingsStore for SqlStore {
    async fn runtime_settings(&self) -> Result<RuntimeSettings, StoreError> {
        let row = rs::Entity::find_by_id(ROW)
            .one(self.connection())
            .await
            .map_err(store_err)?
            .ok_or_else(|| corrupt("runtime_settings", "id", "the seeded row is missing"))?;
        Ok(RuntimeSettings {
            log_level: row.log_level,
            rate_limit_enabled: row.rate_limit_enabled,
            version: row.version,
            updated_at: row.updated_at,
            updated_by: row.updated_by.map(UserId::from_uuid),
        })
    }

    async fn save_runtime_settings(
        &self,
        s: &RuntimeSettings,
        expected_version: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let row = rs::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            log_level: Set(s.log_level.clone()),
            rate_limit_enabled: Set(s.rate_limit_enabled),
            version: Set(s.version),
            updated_at: Set(utc_opt(s.updated_at)),
            updated_by: Set(s.updated_by.map(UserId::into_uuid)),
        };
        let update = rs::Entity::update_many()
            .set(row)
            .filter(rs::Column::Id.eq(ROW))
            .filter(rs::Column::Version.eq(expected_version));
        super::update_one_audited(self, update, audit).await
    }
}
