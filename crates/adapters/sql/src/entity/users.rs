//! The `users` table.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub email: String,
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub avatar_url: Option<String>,
    pub default_branch_id: Option<Uuid>,
    pub system_role: Option<String>,
    pub tenant_role: Option<String>,
    pub business_role: Option<String>,
    pub is_verified: bool,
    pub email_verified_at: Option<TimeDateTimeWithTimeZone>,
    pub last_login_at: Option<TimeDateTimeWithTimeZone>,
    pub invited_by_id: Option<Uuid>,
    pub invitation_pending: bool,
    pub version: i64,
    pub is_active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
    pub deleted_at: Option<TimeDateTimeWithTimeZone>,
    pub deleted_by_id: Option<Uuid>,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
