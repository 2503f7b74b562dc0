//! The single-row `runtime_settings` record every API process polls (admin
//! tools, api-core §3.7): the log level and the rate-limit switch.

use crate::util::{bool_default, pk_int, string, ts_null, uuid_null, version};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RuntimeSettings {
    Table,
    Id,
    LogLevel,
    RateLimitEnabled,
    Version,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RuntimeSettings as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(pk_int(R::Id))
                    .col(string(R::LogLevel, 10))
                    .col(bool_default(R::RateLimitEnabled, true))
                    .col(version(R::Version))
                    .col(ts_null(R::UpdatedAt))
                    .col(uuid_null(R::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO runtime_settings (id, log_level, rate_limit_enabled, version) \
                 VALUES (1, 'INFO', TRUE, 0)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RuntimeSettings::Table).to_owned())
            .await
    }
}
