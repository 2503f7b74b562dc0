//! The tenant's own resources: `/branches` (§3.3) and `/tenant-settings`
//! (§3.4, account closure included).

use harmony_kernel::TenantPermission;
use reqwest::Method;
use serde_json::json;

use super::table::{Ctx, Group, Guard, Row, Target};
use crate::spawn::PASSWORD;

/// Every `/branches` and `/tenant-settings` endpoint.
pub fn rows() -> Vec<Row> {
    let mut all = branch_rows();
    all.extend(settings_read_rows());
    all.extend(settings_write_rows());
    all
}

/// A branch code nobody uses yet (from the context's fresh address).
fn fresh_code(c: &Ctx) -> String {
    c.fresh_email.split('@').next().unwrap_or("B").to_owned()
}

fn branch_rows() -> Vec<Row> {
    use Group as G;
    use TenantPermission as T;
    let read = Guard::TenantPerm(T::BranchesView);
    vec![
        Row::new(G::Branches, Method::GET, "/branches", read, 200, "YYY--"),
        Row::new(
            G::Branches,
            Method::POST,
            "/branches",
            Guard::LegacyAdmin(T::BranchesCreate),
            201,
            "YY---",
        )
        .body(|c| json!({"name": "New Branch", "code": fresh_code(c)})),
        Row::new(
            G::Branches,
            Method::GET,
            "/branches/{branch_id}",
            read,
            200,
            "YYY--",
        )
        .target(Target::SpareBranch),
        Row::new(
            G::Branches,
            Method::PUT,
            "/branches/{branch_id}",
            Guard::LegacyAdmin(T::BranchesUpdate),
            200,
            "YY---",
        )
        .target(Target::SpareBranch)
        .body(|_| json!({"name": "Renamed Branch"})),
        Row::new(
            G::Branches,
            Method::DELETE,
            "/branches/{branch_id}",
            Guard::LegacyAdmin(T::BranchesDelete),
            204,
            "YY---",
        )
        .target(Target::SpareBranch),
        Row::new(
            G::Branches,
            Method::POST,
            "/branches/{branch_id}/set-hq",
            Guard::LegacyAdmin(T::BranchesUpdate),
            200,
            "YY---",
        )
        .target(Target::SpareBranch),
    ]
}

fn settings_read_rows() -> Vec<Row> {
    let read = |path| {
        Row::new(
            Group::TenantSettings,
            Method::GET,
            path,
            Guard::Tenant,
            200,
            "YYY--",
        )
    };
    vec![
        read("/tenant-settings"),
        read("/tenant-settings/subscription"),
        read("/tenant-settings/usage"),
        read("/tenant-settings/tiers"),
        read("/tenant-settings/format"),
        read("/tenant-settings/limits/users"),
        read("/tenant-settings/limits/branches"),
        read("/tenant-settings/features/{feature_name}").target(Target::Fixed("api_access")),
    ]
}

fn settings_write_rows() -> Vec<Row> {
    use Group as G;
    let edit = Guard::TenantPerm(TenantPermission::SettingsEdit);
    vec![
        Row::new(
            G::TenantSettings,
            Method::PUT,
            "/tenant-settings/settings",
            edit,
            200,
            "YY---",
        )
        .body(|_| json!({"name": "Renamed Co"})),
        Row::new(
            G::TenantSettings,
            Method::PUT,
            "/tenant-settings/format",
            edit,
            200,
            "YY---",
        )
        .body(|_| json!({"currency_code": "USD"})),
        // Nothing is scheduled in a fresh world: admitted callers get 400.
        Row::new(
            G::TenantSettings,
            Method::POST,
            "/tenant-settings/subscription/cancel-scheduled",
            Guard::TenantAdmin,
            400,
            "YY---",
        ),
        // A wrong password keeps the world alive for the next roles: the
        // owner gets past the guard to the password check (400).
        Row::new(
            G::TenantSettings,
            Method::DELETE,
            "/tenant-settings/account",
            Guard::Owner,
            400,
            "Y----",
        )
        .body(|_| {
            json!({"confirmation_phrase": "DELETE MY ACCOUNT",
                "password": format!("{PASSWORD}-wrong")})
        }),
    ]
}
