//! The platform's reads: `/admin/stats` (§3.6) and the GET endpoints of
//! `/admin/tenants` (§3.5). The `/admin/tenants` writes are being built and
//! get their rows with them.

use harmony_kernel::SystemPermission;
use reqwest::Method;

use super::table::{Group, Guard, Row, Target};

/// Operators hold `system.tenants.view` (§4.1), which these reads require.
const OPERATORS_READ: &str = "system operators may read tenants and platform stats (system.tenants.view), \
     not only super admins (G-SUPER)";

/// `/admin/stats` and the `/admin/tenants` reads.
pub fn rows() -> Vec<Row> {
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
