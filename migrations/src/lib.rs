//! Harmony's database schema: one migration set for PostgreSQL and SQLite.
//!
//! Every migration lives in its own `mYYYYMMDD_HHMMSS_name.rs` file, because
//! `DeriveMigrationName` names a migration after its source file. SQL that the
//! schema builder cannot express (partial unique indexes) is written per
//! backend.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_auth;
mod m20261125_000003_outbox;
mod m20261125_000004_branches;
mod m20261125_000005_tiers;
mod m20261125_000006_audit;
mod m20261125_000007_platform;
mod m20261125_000008_runtime_settings;
mod m20261125_000009_files;
mod m20261125_000010_notifications;
mod util;

/// The ordered list of Harmony's migrations; run with [`MigratorTrait::up`].
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_auth::Migration),
            Box::new(m20261125_000003_outbox::Migration),
            Box::new(m20261125_000004_branches::Migration),
            Box::new(m20261125_000005_tiers::Migration),
            Box::new(m20261125_000006_audit::Migration),
            Box::new(m20261125_000007_platform::Migration),
            Box::new(m20261125_000008_runtime_settings::Migration),
            Box::new(m20261125_000009_files::Migration),
            Box::new(m20261125_000010_notifications::Migration),
        ]
    }
}
