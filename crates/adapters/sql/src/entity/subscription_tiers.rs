//! The `subscription_tiers` table (tier catalogue).

use sea_orm::entity::prelude::*;

/// A row of `subscription_tiers`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_tiers")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub display_name: String,
    pub description: Option<String>,
    pub price_monthly: i64,
    pub price_yearly: i64,
    pub currency: String,
    pub max_users: i64,
    pub max_branches: i64,
    pub max_storage_gb: i64,
    pub features: Json,
    pub sort_order: i64,
    pub is_public: bool,
    pub is_recommended: bool,
    pub trial_days: i64,
    pub is_active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
