//! Branches: a version column for optimistic locking and one active
//! headquarters per tenant, guaranteed by the database (defect 9).
//!
//! `latitude`/`longitude` (numeric(10,8)/(11,8)) and the unique
//! `(tenant_id, code)` index over all rows, deleted ones included (defect 43),
//! already come from the foundation migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Branches {
    Table,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Branches::Table)
                    .add_column(
                        ColumnDef::new(Branches::Version)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let only_active_hq = match manager.get_database_backend() {
            DbBackend::Sqlite => "is_hq = 1 AND is_active = 1",
            _ => "is_hq AND is_active",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_branches_one_hq ON branches (tenant_id) \
                 WHERE {only_active_hq}"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ux_branches_one_hq")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Branches::Table)
                    .drop_column(Branches::Version)
                    .to_owned(),
            )
            .await
    }
}
