//! The subscription tier catalogue (`subscription_tiers`), seeded with the
//! four default tiers of api-billing §1.4. Each seeded tier's `features` is
//! its `TIER_DEFAULT_FEATURES` set (§10.2: free 8, basic 15, premium 27,
//! enterprise 30 codes).

use crate::util::{bool_default, json, pk_uuid, string, text_null, ts, ts_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SubscriptionTiers {
    Table,
    Id,
    Code,
    DisplayName,
    Description,
    PriceMonthly,
    PriceYearly,
    Currency,
    MaxUsers,
    MaxBranches,
    MaxStorageGb,
    Features,
    SortOrder,
    IsPublic,
    IsRecommended,
    TrialDays,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

/// The §10.2 registry in order, with membership of (free, basic, premium);
/// enterprise has every code.
const FEATURES: &[(&str, [bool; 3])] = &[
    ("pos.terminal", [true, true, true]),
    ("pos.transactions", [true, true, true]),
    ("pos.shifts", [false, true, true]),
    ("inventory.stock", [true, true, true]),
    ("inventory.adjustments", [false, true, true]),
    ("inventory.transfer", [false, false, true]),
    ("masterdata.items", [true, true, true]),
    ("masterdata.categories", [true, true, true]),
    ("masterdata.units", [true, true, true]),
    ("masterdata.warehouses", [false, true, true]),
    ("masterdata.suppliers", [false, true, true]),
    ("masterdata.customers", [true, true, true]),
    ("masterdata.price_levels", [false, false, true]),
    ("masterdata.discounts", [false, true, true]),
    ("masterdata.discount_groups", [false, false, true]),
    ("masterdata.promotions", [false, false, true]),
    ("purchasing.orders", [false, false, true]),
    ("purchasing.receiving", [false, false, true]),
    ("reports.basic", [true, true, true]),
    ("reports.advanced", [false, false, true]),
    ("reports.sales", [false, true, true]),
    ("reports.export", [false, true, true]),
    ("platform.api_access", [false, false, true]),
    ("platform.integrations", [false, false, false]),
    ("platform.audit_advanced", [false, false, true]),
    ("platform.multi_currency", [false, false, false]),
    ("platform.custom_fields", [false, false, true]),
    ("platform.workflow", [false, false, false]),
    ("loyalty.points", [false, false, true]),
    ("hr.employees", [false, false, true]),
];

/// (code, display name, description, monthly price, users, branches,
/// storage GB, recommended, trial days); the sort order is the position.
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    i64,
    bool,
    i64,
);
const TIERS: [Seed; 4] = [
    (
        "free",
        "Free",
        "Perfect for getting started",
        0,
        5,
        1,
        1,
        false,
        0,
    ),
    (
        "basic",
        "Basic",
        "For small teams",
        299_000,
        20,
        5,
        10,
        false,
        14,
    ),
    (
        "premium",
        "Premium",
        "For growing businesses",
        999_000,
        100,
        20,
        50,
        true,
        14,
    ),
    (
        "enterprise",
        "Enterprise",
        "For large organizations",
        2_999_000,
        -1,
        -1,
        200,
        false,
        30,
    ),
];

fn features_json(tier: usize) -> String {
    let codes: Vec<String> = FEATURES
        .iter()
        .filter(|(_, member)| member.get(tier).copied().unwrap_or(true))
        .map(|(code, _)| format!("\"{code}\""))
        .collect();
    format!("[{}]", codes.join(","))
}

/// The seed rows as portable SQL: uuids are BLOBs on SQLite (sqlx's
/// encoding), timestamps RFC 3339 text there.
fn seed_sql(backend: DbBackend) -> String {
    let (now, id) = match backend {
        DbBackend::Sqlite => (
            "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (|i: usize| format!("X'00000000000040008000{i:012x}'")) as fn(usize) -> String,
        ),
        _ => (
            "CURRENT_TIMESTAMP",
            (|i: usize| format!("'00000000-0000-4000-8000-{i:012x}'")) as fn(usize) -> String,
        ),
    };
    let rows: Vec<String> = TIERS
        .iter()
        .enumerate()
        .map(
            |(i, (code, name, desc, monthly, users, branches, gb, rec, trial))| {
                format!(
                    "({id}, '{code}', '{name}', '{desc}', {monthly}, {yearly}, 'IDR', {users}, \
                 {branches}, {gb}, '{features}', {i}, TRUE, {rec}, {trial}, TRUE, {now}, NULL)",
                    id = id(i + 1),
                    yearly = monthly * 10,
                    features = features_json(i),
                    rec = if *rec { "TRUE" } else { "FALSE" },
                )
            },
        )
        .collect();
    format!(
        "INSERT INTO subscription_tiers (id, code, display_name, description, price_monthly, \
         price_yearly, currency, max_users, max_branches, max_storage_gb, features, sort_order, \
         is_public, is_recommended, trial_days, is_active, created_at, updated_at) VALUES {}",
        rows.join(", ")
    )
}

fn big(col: SubscriptionTiers, default: i64) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(default)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SubscriptionTiers as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(pk_uuid(T::Id))
                    .col(string(T::Code, 50).unique_key())
                    .col(string(T::DisplayName, 100))
                    .col(text_null(T::Description))
                    .col(big(T::PriceMonthly, 0))
                    .col(big(T::PriceYearly, 0))
                    .col(string(T::Currency, 10).default("IDR"))
                    .col(big(T::MaxUsers, 5))
                    .col(big(T::MaxBranches, 1))
                    .col(big(T::MaxStorageGb, 1))
                    .col(json(T::Features))
                    .col(big(T::SortOrder, 0))
                    .col(bool_default(T::IsPublic, true))
                    .col(bool_default(T::IsRecommended, false))
                    .col(big(T::TrialDays, 0))
                    .col(bool_default(T::IsActive, true))
                    .col(ts(T::CreatedAt))
                    .col(ts_null(T::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&seed_sql(manager.get_database_backend()))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubscriptionTiers::Table).to_owned())
            .await
    }
}
