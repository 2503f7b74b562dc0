//! Timestamps that compare and sort correctly on both backends.
//!
//! PostgreSQL stores `timestamptz`. SQLite stores RFC 3339 text whose
//! fractional seconds have a variable length, so text comparison is wrong
//! there; on SQLite every comparison and ordering goes through `julianday()`.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbBackend};
use time::{OffsetDateTime, UtcOffset};

/// The instant in UTC, with PostgreSQL's microsecond precision, so that a
/// value reads back equal on every backend.
pub(crate) fn utc(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros).unwrap_or(t)
}

/// [`utc`] for optional values.
pub(crate) fn utc_opt(t: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    t.map(utc)
}

/// A timestamp column as a comparable/sortable expression.
pub(crate) fn col<C: ColumnTrait>(backend: DbBackend, c: C) -> Expr {
    match backend {
        DbBackend::Sqlite => Expr::cust_with_exprs("julianday(?)", [c.into_expr()]),
        _ => c.into_expr(),
    }
}

/// A timestamp value as a comparable expression (see [`col`]).
pub(crate) fn val(backend: DbBackend, t: OffsetDateTime) -> Expr {
    match backend {
        DbBackend::Sqlite => Expr::cust_with_values("julianday(?)", [utc(t)]),
        _ => Expr::value(utc(t)),
    }
}
