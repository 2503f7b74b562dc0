//! The list queries and envelope shared by `/users` and `/admin/users`.

use crate::error::ApiError;
use crate::validation::FieldErrors;
use crate::views::UserListingView;
use harmony_identity::ports::{UserFilter, UserListing};
use harmony_kernel::{BranchId, Page, PageRequest, SystemRole, TenantId, TenantRole};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `skip`, `limit` and the filters; unknown enum values and bad ids are 422
/// (defect 31).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// Rows to skip (≥ 0).
    pub skip: Option<String>,
    /// Rows per page.
    pub limit: Option<String>,
    /// Substring of e-mail or names, case-insensitive.
    pub search: Option<String>,
    /// `owner` | `admin` | `member`.
    pub tenant_role: Option<String>,
    /// `admin` | `operator` (admin list).
    pub system_role: Option<String>,
    /// Default branch id.
    pub branch_id: Option<String>,
    /// Tenant id (admin list).
    pub tenant_id: Option<String>,
}

impl ListQuery {
    /// Parses into a filter and page; `admin` enables the admin-only filters.
    pub fn parse(
        self,
        max_limit: u64,
        default_limit: u64,
        admin: bool,
    ) -> Result<(UserFilter, PageRequest), ApiError> {
        let mut e = FieldErrors::new();
        let skip = self.skip.map_or(Some(0), |s| {
            e.parse_int("query", "skip", &s, Some(0u64), None)
        });
        let limit = self.limit.map_or(Some(default_limit), |s| {
            e.parse_int("query", "limit", &s, Some(1u64), Some(max_limit))
        });
        let tenant_role = self.tenant_role.and_then(|r| {
            TenantRole::parse(&r).or_else(|| {
                e.literal_error("query", "tenant_role", &["owner", "admin", "member"]);
                None
            })
        });
        let system_role = self.system_role.filter(|_| admin).and_then(|r| {
            SystemRole::parse(&r).or_else(|| {
                e.literal_error("query", "system_role", &["admin", "operator"]);
                None
            })
        });
        let branch_id = self
            .branch_id
            .and_then(|b| e.parse_uuid("query", "branch_id", &b))
            .map(BranchId::from_uuid);
        let tenant_id = self
            .tenant_id
            .filter(|_| admin)
            .and_then(|t| e.parse_uuid("query", "tenant_id", &t))
            .map(TenantId::from_uuid);
        e.finish()?;
        let search = self.search.filter(|s| !s.trim().is_empty());
        let filter = UserFilter {
            search,
            tenant_role,
            system_role,
            branch_id,
            tenant_id,
        };
        Ok((
            filter,
            PageRequest {
                skip: skip.unwrap_or(0),
                limit: limit.unwrap_or(default_limit),
            },
        ))
    }
}

/// `{"users": [...], "total", "page", "page_size"}`.
#[derive(Serialize, ToSchema)]
pub struct UsersPageView {
    users: Vec<UserListingView>,
    total: u64,
    page: u64,
    page_size: u64,
}

/// Builds the envelope: `page = skip div limit + 1`.
pub fn users_page(found: &Page<UserListing>, page: PageRequest) -> UsersPageView {
    UsersPageView {
        users: found.items.iter().map(UserListingView::from).collect(),
        total: found.total,
        page: page.skip / page.limit.max(1) + 1,
        page_size: page.limit,
    }
}
