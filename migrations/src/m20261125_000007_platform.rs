//! Platform administration: the single-row `platform_settings` resource
//! (seeded with Harmony's defaults) and the impersonator of a session.

use crate::util::{pk_int, string, string_null, ts_null, uuid_null, version};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlatformSettings {
    Table,
    Id,
    PlatformName,
    SupportEmail,
    LogoUrl,
    DefaultLocale,
    Version,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ImpersonatorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PlatformSettings as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(pk_int(P::Id))
                    .col(string(P::PlatformName, 100))
                    .col(string_null(P::SupportEmail, 255))
                    .col(string_null(P::LogoUrl, 2048))
                    .col(string(P::DefaultLocale, 20))
                    .col(version(P::Version))
                    .col(ts_null(P::UpdatedAt))
                    .col(uuid_null(P::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO platform_settings (id, platform_name, default_locale, version) \
                 VALUES (1, 'Harmony', 'en', 0)",
            )
            .await?;
        // One ALTER per statement: SQLite adds one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(uuid_null(Sessions::ImpersonatorId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::ImpersonatorId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PlatformSettings::Table).to_owned())
            .await
    }
}
