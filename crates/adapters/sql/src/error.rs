//! Translation of driver errors into the ports' [`StoreError`].

use harmony_kernel::StoreError;
use sea_orm::{DbErr, SqlErr};

/// Maps a sea-orm error to a [`StoreError`]: unique violations become
/// `Conflict` (portable across SQLite and PostgreSQL), anything else `Backend`.
pub fn store_err(e: DbErr) -> StoreError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => StoreError::Conflict(detail),
        _ => StoreError::backend(e),
    }
}

/// A `Corrupt` error for a column that no longer parses.
pub(crate) fn corrupt(table: &str, column: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column}: {why}"))
}
