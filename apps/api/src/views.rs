//! Response shapes shared by the identity routes (contract §2).

use crate::error::format_utc;
use harmony_identity::TokenPair;
use harmony_identity::model::User;
use harmony_identity::ports::UserListing;
use harmony_tenancy::Tenant;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

fn ts(t: OffsetDateTime) -> String {
    format_utc(t)
}

/// `UserResponse`: every key always present.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Lower-cased e-mail.
    pub email: String,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Display name.
    pub full_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Tenant, for tenant users.
    pub tenant_id: Option<String>,
    /// `admin` | `operator` for system users.
    pub system_role: Option<&'static str>,
    /// `owner` | `admin` | `member` for tenant users.
    pub tenant_role: Option<&'static str>,
    /// Job title.
    pub business_role: Option<String>,
    /// Legacy role string; the web client routes `super_admin` to `/admin`.
    pub role: &'static str,
    /// True iff system admin.
    pub is_super_admin: bool,
    /// Default branch.
    pub default_branch_id: Option<String>,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// Account active.
    pub is_active: bool,
    /// E-mail verified.
    pub is_verified: bool,
    /// Created (UTC, `Z`).
    pub created_at: String,
    /// Last login.
    pub last_login_at: Option<String>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.as_str().to_owned(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            full_name: u.full_name.clone(),
            phone: u.phone.clone(),
            tenant_id: u.tenant_id().map(|t| t.to_string()),
            system_role: u.system_role().map(harmony_kernel::SystemRole::as_str),
            tenant_role: u.tenant_role().map(harmony_kernel::TenantRole::as_str),
            business_role: u.business_role.clone(),
            role: u.legacy_role(),
            is_super_admin: u.system_role() == Some(harmony_kernel::SystemRole::Admin),
            default_branch_id: u.default_branch_id.map(|b| b.to_string()),
            avatar_url: u.avatar_url.clone(),
            is_active: u.is_active,
            is_verified: u.is_verified,
            created_at: ts(u.created_at),
            last_login_at: u.last_login_at.map(ts),
        }
    }
}

/// `UserWithBranch`: a user plus branch and tenant names, for listings.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserListingView {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// Default branch name.
    pub branch_name: Option<String>,
    /// Default branch code.
    pub branch_code: Option<String>,
    /// Tenant name (admin listing only).
    pub tenant_name: Option<String>,
    /// Tenant subdomain (admin listing only).
    pub tenant_subdomain: Option<String>,
}

impl From<&UserListing> for UserListingView {
    fn from(l: &UserListing) -> Self {
        Self {
            user: UserView::from(&l.user),
            branch_name: l.branch_name.clone(),
            branch_code: l.branch_code.clone(),
            tenant_name: l.tenant_name.clone(),
            tenant_subdomain: l.tenant_subdomain.clone(),
        }
    }
}

/// `TenantMini`, returned by login, register and accept-invite.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantMiniView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Subdomain.
    pub subdomain: String,
    /// Tier code.
    pub tier: String,
}

impl From<&Tenant> for TenantMiniView {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            subdomain: t.subdomain.clone(),
            tier: t.tier.clone(),
        }
    }
}

/// The contract's `Token` object.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Bearer token for API calls (30 minutes by default).
    pub access_token: String,
    /// Token for `/auth/refresh`; rotated on every use.
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
}

impl From<TokenPair> for TokenView {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "bearer",
        }
    }
}

/// A body with one `message`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// Human-readable outcome.
    pub message: &'static str,
}

/// `TenantResponse` (§2); the counts are real only in `GET /admin/tenants/{id}`
/// and 0 elsewhere, as the contract says.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    name: String,
    subdomain: String,
    domain: Option<String>,
    logo_url: Option<String>,
    id: String,
    tier: String,
    subscription_status: String,
    max_users: i64,
    max_branches: i64,
    max_storage_gb: i64,
    #[schema(value_type = Object)]
    features: serde_json::Value,
    #[schema(value_type = Object)]
    settings: serde_json::Value,
    #[schema(value_type = Object)]
    meta_data: serde_json::Value,
    trial_ends_at: Option<String>,
    subscription_ends_at: Option<String>,
    is_active: bool,
    created_at: String,
    updated_at: Option<String>,
    user_count: u64,
    branch_count: u64,
}

impl TenantView {
    /// The view of `t` with the given head counts (`0, 0` where the contract
    /// says counts are not computed).
    pub fn new(t: &Tenant, user_count: u64, branch_count: u64) -> Self {
        Self {
            name: t.name.clone(),
            subdomain: t.subdomain.clone(),
            domain: t.domain.clone(),
            logo_url: t.logo_url.clone(),
            id: t.id.to_string(),
            tier: t.tier.clone(),
            subscription_status: t.subscription_status.as_str().to_owned(),
            max_users: t.max_users.raw(),
            max_branches: t.max_branches.raw(),
            max_storage_gb: t.max_storage_gb.raw(),
            features: t.features.clone(),
            settings: t.settings.clone(),
            meta_data: t.meta_data.clone(),
            trial_ends_at: t.trial_ends_at.map(format_utc),
            subscription_ends_at: t.subscription_ends_at.map(format_utc),
            is_active: t.is_active,
            created_at: format_utc(t.created_at),
            updated_at: t.updated_at.map(format_utc),
            user_count,
            branch_count,
        }
    }
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self::new(t, 0, 0)
    }
}
