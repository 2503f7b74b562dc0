//! The `tenants` table.

use sea_orm::entity::prelude::*;

/// A row of `tenants`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub subdomain: String,
    pub domain: Option<String>,
    pub logo_url: Option<String>,
    pub tier: String,
    pub subscription_status: String,
    pub max_users: i64,
    pub max_branches: i64,
    pub max_storage_gb: i64,
    pub features: Json,
    pub settings: Json,
    pub meta_data: Json,
    pub trial_ends_at: Option<TimeDateTimeWithTimeZone>,
    pub subscription_ends_at: Option<TimeDateTimeWithTimeZone>,
    pub subscription_started_at: Option<TimeDateTimeWithTimeZone>,
    pub billing_period: String,
    pub credit_balance: i64,
    pub scheduled_tier_code: Option<String>,
    pub scheduled_tier_effective_at: Option<TimeDateTimeWithTimeZone>,
    pub storage_used_bytes: i64,
    pub is_active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    pub deleted_at: Option<TimeDateTimeWithTimeZone>,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
