//! The `runtime_settings` table (one row, id 1).

use sea_orm::entity::prelude::*;

/// The row of `runtime_settings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "runtime_settings")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub log_level: String,
    pub rate_limit_enabled: bool,
    pub version: i64,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    pub updated_by: Option<Uuid>,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
