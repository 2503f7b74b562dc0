//! Column helpers shared by the migrations.

use sea_orm_migration::prelude::*;

/// `uuid NOT NULL PRIMARY KEY`.
pub fn pk_uuid<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}

/// `integer NOT NULL PRIMARY KEY` (single-row settings tables, id 1).
pub fn pk_int<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .primary_key()
        .take()
}

/// `bigint NOT NULL DEFAULT 0`: the optimistic-locking version column.
pub fn version<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .take()
}

/// `uuid NOT NULL`.
pub fn uuid<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}

/// `uuid NULL`.
pub fn uuid_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

/// `varchar(len) NOT NULL`.
pub fn string<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().take()
}

/// `varchar(len) NULL`.
pub fn string_null<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().take()
}

/// `text NULL`.
pub fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

/// `timestamptz NOT NULL` (text on SQLite).
pub fn ts<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// `timestamptz NULL` (text on SQLite).
pub fn ts_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

/// `boolean NOT NULL DEFAULT value`.
pub fn bool_default<T: IntoIden>(col: T, value: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(value)
        .take()
}

/// `json NOT NULL` (text on SQLite).
pub fn json<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).json().not_null().take()
}
