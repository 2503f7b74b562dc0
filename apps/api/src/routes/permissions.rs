//! `/api/v1/permissions/matrix`: the role→permission matrices of contract §4
//! for the web client (which hides what the caller may not do), plus the
//! caller's own effective permissions.
//!
//! Everything is computed from the kernel's tables
//! (`SystemRole::grants`, `TenantRole::grants`, `legacy_grants`), so the
//! answer cannot drift from what the guards enforce.

use crate::caller::Caller;
use actix_web::{HttpResponse, web};
use harmony_kernel::permission::legacy_grants;
use harmony_kernel::{
    LegacyPermission, Principal, SystemPermission, SystemRole, TenantPermission, TenantRole,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Registers the route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/permissions/matrix", web::get().to(matrix));
}

/// §4.1: the permissions each system role holds, in the contract's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemMatrixView {
    /// System admin: all 25.
    pub admin: Vec<&'static str>,
    /// System operator: the read-only (`*.view`) half.
    pub operator: Vec<&'static str>,
}

/// §4.2: the permissions each tenant role holds, in the contract's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantMatrixView {
    /// Tenant owner: all 22.
    pub owner: Vec<&'static str>,
    /// Tenant admin: all but billing management and account deletion.
    pub admin: Vec<&'static str>,
    /// Tenant member: viewing, uploading files.
    pub member: Vec<&'static str>,
}

/// §4.3: the legacy permissions (still guarding audit and files) keyed by
/// the legacy `role` string of §1.8.1.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyMatrixView {
    /// System admin.
    pub super_admin: Vec<&'static str>,
    /// Tenant admin.
    pub admin: Vec<&'static str>,
    /// Tenant owner.
    pub owner: Vec<&'static str>,
    /// Tenant member.
    pub member: Vec<&'static str>,
    /// The original's `staff` role (no account has it; listed for completeness).
    pub staff: Vec<&'static str>,
    /// System operator (no legacy permission).
    pub system_operator: Vec<&'static str>,
}

/// Every permission name, for rendering the full table.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueView {
    /// The 25 system permissions.
    pub system: Vec<&'static str>,
    /// The 22 tenant permissions.
    pub tenant: Vec<&'static str>,
    /// The 18 legacy permissions.
    pub legacy: Vec<&'static str>,
}

/// Answer of `GET /permissions/matrix`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionMatrixView {
    /// System role → permissions (§4.1).
    pub system: SystemMatrixView,
    /// Tenant role → permissions (§4.2).
    pub tenant: TenantMatrixView,
    /// Legacy role string → legacy permissions (§4.3).
    pub legacy: LegacyMatrixView,
    /// All permission names per family, in the contract's order.
    pub all: CatalogueView,
    /// What the caller holds now: its `system.*` or `tenant.*` permissions
    /// followed by the legacy ones of its legacy role (unprefixed names such
    /// as `files.delete`). The two families never share a name, so a client
    /// checks `mine.includes(name)` for either.
    pub mine: Vec<&'static str>,
}

fn names<P: Copy>(
    all: &[P],
    grants: impl Fn(P) -> bool,
    name: fn(P) -> &'static str,
) -> Vec<&'static str> {
    all.iter()
        .copied()
        .filter(|p| grants(*p))
        .map(name)
        .collect()
}

fn system(role: SystemRole) -> Vec<&'static str> {
    names(
        SystemPermission::ALL,
        |p| role.grants(p),
        SystemPermission::as_str,
    )
}

fn tenant(role: TenantRole) -> Vec<&'static str> {
    names(
        TenantPermission::ALL,
        |p| role.grants(p),
        TenantPermission::as_str,
    )
}

fn legacy(role: &str) -> Vec<&'static str> {
    names(
        LegacyPermission::ALL,
        |p| legacy_grants(role, p),
        LegacyPermission::as_str,
    )
}

fn every<P: Copy>(all: &[P], name: fn(P) -> &'static str) -> Vec<&'static str> {
    all.iter().copied().map(name).collect()
}

/// The caller's effective permissions: new-style, then legacy.
fn mine(who: &Principal) -> Vec<&'static str> {
    let (mut held, legacy_role) = match (who.system_role(), who.tenant_role()) {
        (Some(r), _) => (system(r), r.legacy_role()),
        (None, Some(r)) => (tenant(r), r.as_str()),
        (None, None) => (Vec::new(), ""),
    };
    held.extend(legacy(legacy_role));
    held
}

/// The matrices and the caller's own permissions.
pub fn matrix_view(who: &Principal) -> PermissionMatrixView {
    PermissionMatrixView {
        system: SystemMatrixView {
            admin: system(SystemRole::Admin),
            operator: system(SystemRole::Operator),
        },
        tenant: TenantMatrixView {
            owner: tenant(TenantRole::Owner),
            admin: tenant(TenantRole::Admin),
            member: tenant(TenantRole::Member),
        },
        legacy: LegacyMatrixView {
            super_admin: legacy(SystemRole::Admin.legacy_role()),
            admin: legacy(TenantRole::Admin.as_str()),
            owner: legacy(TenantRole::Owner.as_str()),
            member: legacy(TenantRole::Member.as_str()),
            staff: legacy("staff"),
            system_operator: legacy(SystemRole::Operator.legacy_role()),
        },
        all: CatalogueView {
            system: every(SystemPermission::ALL, SystemPermission::as_str),
            tenant: every(TenantPermission::ALL, TenantPermission::as_str),
            legacy: every(LegacyPermission::ALL, LegacyPermission::as_str),
        },
        mine: mine(who),
    }
}

/// The role→permission matrices of §4 and the caller's effective
/// permissions (`mine`), for a client that hides what the caller may not do.
/// Any signed-in user (system or tenant) may read it; the server still
/// enforces every guard.
#[utoipa::path(get, path = "/permissions/matrix", tag = "permissions", security(("bearer" = [])),
    responses((status = 200, body = PermissionMatrixView),
        (status = 401, description = "Could not validate credentials"),
        (status = 403, description = "Not authenticated / Inactive user")))]
pub async fn matrix(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(matrix_view(&caller.principal))
}

/// The OpenAPI description of this route.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(matrix),
    tags((name = "permissions", description = "Role and permission matrices (contract §4)"))
)]
pub struct PermissionsDoc;

/// This module's OpenAPI fragment (paths relative to `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <PermissionsDoc as utoipa::OpenApi>::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;
    use harmony_kernel::{TenantId, UserId};

    #[test]
    fn counts_follow_the_contract() {
        let owner = Principal::verified_tenant_user(
            UserId::new(),
            None,
            TenantId::new(),
            TenantRole::Owner,
        );
        let v = matrix_view(&owner);
        assert_eq!((v.system.admin.len(), v.system.operator.len()), (25, 10));
        let t = &v.tenant;
        assert_eq!((t.owner.len(), t.admin.len(), t.member.len()), (22, 20, 7));
        assert_eq!(v.legacy.owner.len(), 17);
        assert!(v.legacy.system_operator.is_empty());
        assert_eq!(v.mine.len(), 22 + 17);
        assert_eq!(v.all.legacy.len(), 18);
    }

    #[test]
    fn operators_hold_only_view_permissions() {
        let op = Principal::verified_system_user(UserId::new(), None, SystemRole::Operator);
        let mine = matrix_view(&op).mine;
        assert!(
            mine.iter().all(|p| p.rsplit('.').next() == Some("view")),
            "{mine:?}"
        );
        assert!(mine.contains(&"system.users.view"));
    }
}
