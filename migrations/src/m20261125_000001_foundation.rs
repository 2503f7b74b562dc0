//! Tenants, branches and users.

use crate::util::{
    bool_default, json, pk_uuid, string, string_null, text_null, ts, ts_null, uuid, uuid_null,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Name,
    Code,
    Subdomain,
    Domain,
    Tier,
    SubscriptionStatus,
    TrialEndsAt,
    SubscriptionEndsAt,
    SubscriptionStartedAt,
    BillingPeriod,
    CreditBalance,
    ScheduledTierCode,
    ScheduledTierEffectiveAt,
    MaxUsers,
    MaxBranches,
    MaxStorageGb,
    Features,
    Settings,
    MetaData,
    LogoUrl,
    StorageUsedBytes,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
    TenantId,
    Name,
    Code,
    IsHq,
    Address,
    City,
    Province,
    PostalCode,
    Country,
    Phone,
    Email,
    Latitude,
    Longitude,
    Timezone,
    Currency,
    Settings,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TenantId,
    Email,
    PasswordHash,
    FirstName,
    LastName,
    FullName,
    Phone,
    AvatarUrl,
    DefaultBranchId,
    SystemRole,
    TenantRole,
    BusinessRole,
    IsVerified,
    EmailVerifiedAt,
    LastLoginAt,
    InvitedById,
    InvitationPending,
    Version,
}

/// The base columns of §5: timestamps, soft deletion, activity and authorship.
#[derive(DeriveIden)]
enum Base {
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    IsActive,
    CreatedById,
    UpdatedById,
    DeletedById,
}

fn base_columns(t: &mut TableCreateStatement) {
    t.col(ts(Base::CreatedAt))
        .col(ts_null(Base::UpdatedAt))
        .col(ts_null(Base::DeletedAt))
        .col(bool_default(Base::IsActive, true))
        .col(uuid_null(Base::CreatedById))
        .col(uuid_null(Base::UpdatedById))
        .col(uuid_null(Base::DeletedById));
}

fn tenants() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Tenants::Table)
        .col(pk_uuid(Tenants::Id))
        .col(string(Tenants::Name, 255))
        .col(string_null(Tenants::Code, 50).unique_key())
        .col(string(Tenants::Subdomain, 100).unique_key())
        .col(string_null(Tenants::Domain, 255).unique_key())
        .col(string(Tenants::Tier, 50).default("free"))
        .col(string(Tenants::SubscriptionStatus, 50).default("active"))
        .col(ts_null(Tenants::TrialEndsAt))
        .col(ts_null(Tenants::SubscriptionEndsAt))
        .col(ts_null(Tenants::SubscriptionStartedAt))
        .col(string(Tenants::BillingPeriod, 20).default("monthly"))
        .col(
            ColumnDef::new(Tenants::CreditBalance)
                .big_integer()
                .not_null()
                .default(0),
        )
        .col(string_null(Tenants::ScheduledTierCode, 50))
        .col(ts_null(Tenants::ScheduledTierEffectiveAt))
        .col(
            ColumnDef::new(Tenants::MaxUsers)
                .big_integer()
                .not_null()
                .default(5),
        )
        .col(
            ColumnDef::new(Tenants::MaxBranches)
                .big_integer()
                .not_null()
                .default(1),
        )
        .col(
            ColumnDef::new(Tenants::MaxStorageGb)
                .big_integer()
                .not_null()
                .default(1),
        )
        .col(json(Tenants::Features))
        .col(json(Tenants::Settings))
        .col(json(Tenants::MetaData))
        .col(text_null(Tenants::LogoUrl))
        .col(
            ColumnDef::new(Tenants::StorageUsedBytes)
                .big_integer()
                .not_null()
                .default(0),
        );
    base_columns(&mut t);
    t
}

fn branches() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Branches::Table)
        .col(pk_uuid(Branches::Id))
        .col(uuid(Branches::TenantId))
        .col(string(Branches::Name, 255))
        .col(string(Branches::Code, 50))
        .col(bool_default(Branches::IsHq, false))
        .col(text_null(Branches::Address))
        .col(string_null(Branches::City, 100))
        .col(string_null(Branches::Province, 100))
        .col(string_null(Branches::PostalCode, 20))
        .col(string(Branches::Country, 100).default("Indonesia"))
        .col(string_null(Branches::Phone, 50))
        .col(string_null(Branches::Email, 255))
        .col(ColumnDef::new(Branches::Latitude).decimal_len(10, 8).null())
        .col(
            ColumnDef::new(Branches::Longitude)
                .decimal_len(11, 8)
                .null(),
        )
        .col(string(Branches::Timezone, 50).default("Asia/Jakarta"))
        .col(string(Branches::Currency, 10).default("IDR"))
        .col(ColumnDef::new(Branches::Settings).json().null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_branches_tenant_id")
                .from(Branches::Table, Branches::TenantId)
                .to(Tenants::Table, Tenants::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    base_columns(&mut t);
    t
}

const USER_SCOPE_CHECK: &str = "(tenant_id IS NULL AND system_role IS NOT NULL AND tenant_role IS NULL) \
     OR (tenant_id IS NOT NULL AND tenant_role IS NOT NULL AND system_role IS NULL)";

fn users() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Users::Table)
        .col(pk_uuid(Users::Id))
        .col(uuid_null(Users::TenantId))
        .col(string(Users::Email, 255))
        .col(string(Users::PasswordHash, 255))
        .col(string_null(Users::FirstName, 100))
        .col(string_null(Users::LastName, 100))
        .col(string_null(Users::FullName, 255))
        .col(string_null(Users::Phone, 50))
        .col(text_null(Users::AvatarUrl))
        .col(uuid_null(Users::DefaultBranchId))
        .col(
            string_null(Users::SystemRole, 20)
                .check(Expr::col(Users::SystemRole).is_in(["admin", "operator"])),
        )
        .col(
            string_null(Users::TenantRole, 20)
                .check(Expr::col(Users::TenantRole).is_in(["owner", "admin", "member"])),
        )
        .col(string_null(Users::BusinessRole, 50))
        .col(bool_default(Users::IsVerified, false))
        .col(ts_null(Users::EmailVerifiedAt))
        .col(ts_null(Users::LastLoginAt))
        .col(uuid_null(Users::InvitedById))
        .col(bool_default(Users::InvitationPending, false))
        .col(
            ColumnDef::new(Users::Version)
                .big_integer()
                .not_null()
                .default(0),
        )
        .check(("user_scope_check", Expr::cust(USER_SCOPE_CHECK)))
        .foreign_key(
            ForeignKey::create()
                .name("fk_users_tenant_id")
                .from(Users::Table, Users::TenantId)
                .to(Tenants::Table, Tenants::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_users_default_branch_id")
                .from(Users::Table, Users::DefaultBranchId)
                .to(Branches::Table, Branches::Id)
                .on_delete(ForeignKeyAction::SetNull),
        );
    base_columns(&mut t);
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(tenants()).await?;
        manager.create_table(branches()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_branches_tenant_code")
                    .table(Branches::Table)
                    .col(Branches::TenantId)
                    .col(Branches::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_table(users()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_users_tenant_id")
                    .table(Users::Table)
                    .col(Users::TenantId)
                    .to_owned(),
            )
            .await?;
        let active = match manager.get_database_backend() {
            DbBackend::Sqlite => "is_active = 1",
            _ => "is_active",
        };
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_users_live_email ON users (email) WHERE deleted_at IS NULL",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX unique_tenant_owner ON users (tenant_id) \
             WHERE tenant_role = 'owner' AND {active} AND tenant_id IS NOT NULL"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Users::Table.into_iden(),
            Branches::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
