//! The platform's endpoints: `/admin/stats` and `/admin/tenants` (§3.5,
//! §3.6): reads for system admins and operators, writes for system admins.

use harmony_kernel::SystemPermission;
use reqwest::Method;
use serde_json::json;

use super::table::{Ctx, Group, Guard, Row, Target};
use crate::spawn::PASSWORD;

/// Operators hold `system.tenants.view` (§4.1), which these reads require.
const OPERATORS_READ: &str = "system operators may read tenants and platform stats (system.tenants.view), \
     not only super admins (G-SUPER)";

/// `/admin/stats` and `/admin/tenants`.
pub fn rows() -> Vec<Row> {
    let mut all = read_rows();
    all.extend(write_rows());
    all
}

/// `/admin/stats` and the `/admin/tenants` reads.
fn read_rows() -> Vec<Row> {
    let read = |path, target| {
        Row::new(
            Group::AdminTenants,
            Method::GET,
            path,
            Guard::SystemPerm(SystemPermission::TenantsView),
            200,
            "---Y-",
        )
        .target(target)
        .deviation(OPERATORS_READ)
    };
    vec![
        read("/admin/stats", Target::None),
        read("/admin/tenants", Target::None),
        read("/admin/tenants/stats", Target::None),
        read("/admin/tenants/subdomain/{subdomain}", Target::Subdomain),
        read("/admin/tenants/{tenant_id}", Target::Tenant),
        read("/admin/tenants/{tenant_id}/users", Target::Tenant),
        read("/admin/tenants/{tenant_id}/branches", Target::Tenant),
        read("/admin/tenants/{tenant_id}/stats", Target::Tenant),
    ]
}

/// A new tenant whose subdomain and owner address nobody uses yet.
fn new_tenant(c: &Ctx) -> serde_json::Value {
    let subdomain = c.fresh_email.replace(['@', '.'], "-");
    json!({"name": "Initech", "subdomain": subdomain, "tier": "basic",
        "admin_email": c.fresh_email, "admin_password": PASSWORD,
        "admin_first_name": "Bill", "admin_last_name": "Lumbergh"})
}

/// The `/admin/tenants` writes: system admins only (`system.tenants.create`,
/// `.update`, `.delete`); the world's tenant stays active and usable, the
/// delete hits a spare tenant.
fn write_rows() -> Vec<Row> {
    use SystemPermission as S;
    let write = |method, path, perm, ok, target| {
        Row::new(
            Group::AdminTenantsWrite,
            method,
            path,
            Guard::SystemPerm(perm),
            ok,
            "---Y-",
        )
        .target(target)
    };
    let update = |method, path| write(method, path, S::TenantsUpdate, 200, Target::Tenant);
    vec![
        write(
            Method::POST,
            "/admin/tenants",
            S::TenantsCreate,
            201,
            Target::None,
        )
        .body(new_tenant),
        update(Method::PUT, "/admin/tenants/{tenant_id}/subscription")
            .body(|_| json!({"tier": "free"})),
        update(Method::PUT, "/admin/tenants/{tenant_id}/features")
            .body(|_| json!({"features": {"api": true}})),
        update(Method::PATCH, "/admin/tenants/{tenant_id}/status")
            .body(|_| json!({"is_active": true, "reason": "authz matrix"})),
        update(Method::PUT, "/admin/tenants/{tenant_id}")
            .body(|_| json!({"name": "Renamed Tenant"})),
        write(
            Method::DELETE,
            "/admin/tenants/{tenant_id}",
            S::TenantsDelete,
            204,
            Target::SpareTenant,
        ),
    ]
}

/// Platform settings, the system user's profile and impersonation (roadmap
/// P1-6, P2-3; not in the contract, so the summary is what we decided).
pub fn platform_rows() -> Vec<Row> {
    let row = |method, path, guard, ok, contract| {
        Row::new(Group::Platform, method, path, guard, ok, contract)
    };
    vec![
        row(
            Method::PUT,
            "/admin/platform-settings",
            Guard::SystemPerm(SystemPermission::SettingsManage),
            200,
            "---Y-",
        )
        .body(|_| json!({"platform_name": "Matrix Cloud"})),
        row(Method::GET, "/admin/profile", Guard::System, 200, "---YY"),
        row(Method::PUT, "/admin/profile", Guard::System, 200, "---YY")
            .body(|_| json!({"first_name": "Matrix"})),
        // a wrong current password: the guard ran, nothing changed
        row(
            Method::POST,
            "/admin/profile/change-password",
            Guard::System,
            400,
            "---YY",
        )
        .body(|_| json!({"current_password": "Wrong-Passw0rd", "new_password": "N3w-Passw0rd!"})),
        row(
            Method::POST,
            "/admin/impersonation",
            Guard::SystemPerm(SystemPermission::TenantsImpersonate),
            201,
            "---Y-",
        )
        .target(Target::Member)
        .body(|c| json!({"user_id": c.target, "reason": "authz matrix"})),
        // ordinary tokens cannot end an impersonation
        row(
            Method::POST,
            "/auth/impersonation/end",
            Guard::Auth,
            400,
            "YYYYY",
        ),
    ]
}
