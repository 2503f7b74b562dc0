//! The generated authorization matrix (issue 3): every endpoint that needs a
//! caller (`/auth/me`, `/auth/logout`, all of `/users`, `/admin/users`,
//! `/permissions/matrix`, `/branches`, `/tenant-settings`, `/admin/stats` and
//! `/admin/tenants`) called by each of the five roles of §4.5 (and
//! anonymously) must answer exactly the status its guard
//! and the kernel's permission matrices imply. The rows live in
//! [`table`]; each row runs against a fresh tenant and fresh system users, so
//! destructive calls (logout, password change, deletes, ownership transfer)
//! never leak into the next row.

mod admin_rows;
mod foundation;
mod table;
mod tenant_rows;

use std::collections::BTreeSet;

use harmony_kernel::permission::legacy_grants;
use harmony_kernel::{LegacyPermission, SystemPermission, SystemRole, TenantPermission};
use serde_json::Value;

use crate::spawn::{Options, Session, TestApp, spawn_app_with};
use table::{Ctx, Group, Role, Row, Target, rows};

/// The app with rate limits off: every row registers a tenant and signs five
/// users in.
async fn spawn() -> TestApp {
    spawn_app_with(Options {
        settings: vec![("rate_limit.enabled", "false")],
        ..Options::default()
    })
    .await
}

/// A tenant with its owner, an admin and a member, plus a system admin and a
/// system operator, all signed in.
struct World {
    owner: Session,
    admin: Session,
    member: Session,
    system_admin: Session,
    operator: Session,
    subdomain: String,
}

impl World {
    async fn new(app: &TestApp, n: usize) -> Self {
        let email = app.unique_email("owner");
        let subdomain = format!("authz-{n}");
        let owner = app.register(&email, "Olivia Owner", Some(&subdomain)).await;
        // spare branches and POST /branches must not hit the free tier's limit
        crate::branches::set_max_branches(app, -1).await;
        let admin = app.create_user_session(&owner.access, "admin").await;
        let member = app.create_user_session(&owner.access, "member").await;
        let system_admin = app.system_user(SystemRole::Admin).await;
        let operator = app.system_operator().await;
        Self {
            owner,
            admin,
            member,
            system_admin,
            operator,
            subdomain,
        }
    }

    fn tenant_id(&self) -> String {
        self.owner.user["tenant_id"].as_str().unwrap().to_owned()
    }

    fn session(&self, role: Role) -> Option<&Session> {
        match role {
            Role::Owner => Some(&self.owner),
            Role::TenantAdmin => Some(&self.admin),
            Role::Member => Some(&self.member),
            Role::SystemAdmin => Some(&self.system_admin),
            Role::Operator => Some(&self.operator),
            Role::Anonymous => None,
        }
    }
}

/// Runs `row` as every role; returns one line per mismatch.
async fn run_row(app: &TestApp, row: &Row, n: usize) -> Vec<String> {
    let world = World::new(app, n).await;
    let mut spare: Option<String> = None;
    let mut failures = Vec::new();
    for role in Role::ALL {
        let session = world.session(role);
        let target = match row.target {
            Target::None => None,
            Target::Me => Some(session.unwrap_or(&world.member).id()),
            Target::Member => Some(world.member.id()),
            Target::Spare | Target::SpareBranch | Target::SpareTenant => {
                if spare.is_none() {
                    spare = row.target.spare(app, &world.owner).await;
                }
                spare.clone()
            }
            Target::Tenant => Some(world.tenant_id()),
            Target::Subdomain => Some(world.subdomain.clone()),
            Target::Fixed(value) => Some(value.to_owned()),
        };
        let ctx = Ctx {
            fresh_email: app.unique_email("new"),
            target: target.clone(),
        };
        let body = row.body.map(|f| f(&ctx));
        let res = app
            .request(
                row.method.clone(),
                &row.url(target.as_deref()),
                session.map(|s| s.access.as_str()),
                body.as_ref(),
            )
            .await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let (want, detail) = row.expected(role);
        let got_detail = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["detail"].as_str().map(str::to_owned));
        if status != want || (detail.is_some() && got_detail != detail) {
            failures.push(format!(
                "{} as {}: want {want} {detail:?}, got {status}: {text}",
                row.name(),
                role.label()
            ));
        }
        if row.target.is_spare() && (200..300).contains(&status) {
            spare = None;
        }
    }
    failures
}

/// The matrix as a Markdown table (role × endpoint → status).
fn render(rows: &[Row]) -> String {
    use std::fmt::Write;
    let mut out = String::from("| Endpoint |");
    for r in Role::ALL {
        let _ = write!(out, " {} |", r.label());
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    for row in rows {
        let _ = write!(out, "\n| {} |", row.name());
        for r in Role::ALL {
            let _ = write!(out, " {} |", row.expected(r).0);
        }
    }
    out.push('\n');
    out
}

/// Runs every row of `group`, each on a fresh world; fails listing all mismatches.
async fn check_group(group: Group) {
    let app = spawn().await;
    let mut failures = Vec::new();
    let selected: Vec<Row> = rows().into_iter().filter(|r| r.group == group).collect();
    assert!(!selected.is_empty(), "no rows for {group:?}");
    for (n, row) in selected.iter().enumerate() {
        failures.extend(run_row(&app, row, n).await);
    }
    assert!(
        failures.is_empty(),
        "{} authorization mismatch(es):\n{}\nexpected:\n{}",
        failures.len(),
        failures.join("\n"),
        render(&selected)
    );
}

#[tokio::test]
async fn auth_and_permissions_endpoints() {
    check_group(Group::AuthAndPermissions).await;
}

#[tokio::test]
async fn users_read_endpoints() {
    check_group(Group::UsersRead).await;
}

#[tokio::test]
async fn users_write_endpoints() {
    check_group(Group::UsersWrite).await;
}

#[tokio::test]
async fn users_self_service_endpoints() {
    check_group(Group::UsersSelfService).await;
}

#[tokio::test]
async fn admin_users_endpoint() {
    check_group(Group::AdminUsers).await;
}

#[tokio::test]
async fn branches_endpoints() {
    check_group(Group::Branches).await;
}

#[tokio::test]
async fn tenant_settings_endpoints() {
    check_group(Group::TenantSettings).await;
}

#[tokio::test]
async fn admin_tenants_read_and_admin_stats_endpoints() {
    check_group(Group::AdminTenants).await;
}

#[tokio::test]
async fn admin_tenants_write_endpoints() {
    check_group(Group::AdminTenantsWrite).await;
}

#[tokio::test]
async fn platform_settings_profile_and_impersonation_endpoints() {
    check_group(Group::Platform).await;
}

/// The rows' implied access equals the contract's §4.5 summary, except for
/// the documented deviations (which must still differ, or be removed).
#[test]
fn rows_agree_with_the_contract_summary() {
    let all = rows();
    for row in &all {
        let implied = row.summary();
        match row.deviation {
            None => assert_eq!(implied, row.contract, "{}", row.name()),
            Some(why) => assert_ne!(
                implied,
                row.contract,
                "stale deviation on {}: {why}",
                row.name()
            ),
        }
    }
    #[allow(clippy::print_stdout, reason = "the table, for `--nocapture` readers")]
    {
        println!("{}", render(&all));
    }
}

/// Every bearer-protected operation of the covered prefixes has a row, and
/// every row of them is a documented operation.
#[test]
fn rows_cover_every_protected_foundation_endpoint() {
    let doc = serde_json::to_value(harmony_api::openapi::document(
        &harmony_api::routes::modules(),
    ))
    .unwrap();
    let prefixes = [
        "/api/v1/auth/",
        "/api/v1/users",
        "/api/v1/admin/users",
        "/api/v1/permissions/",
        "/api/v1/branches",
        "/api/v1/tenant-settings",
        "/api/v1/admin/stats",
        "/api/v1/admin/tenants",
        "/api/v1/admin/platform-settings",
        "/api/v1/admin/profile",
        "/api/v1/admin/impersonation",
    ];
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !prefixes.iter().any(|p| path.starts_with(p)) {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            if op.get("security").is_some() {
                documented.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let covered: BTreeSet<String> = rows().iter().map(Row::name).collect();
    assert_eq!(documented, covered);
}

/// What the matrix endpoint must list for a role: new-style, then legacy.
fn expected_mine(role: Role) -> Vec<String> {
    let (mut mine, legacy_role): (Vec<String>, &str) = match (role.tenant(), role.system()) {
        (Some(t), _) => (
            TenantPermission::ALL
                .iter()
                .filter(|p| t.grants(**p))
                .map(|p| p.as_str().to_owned())
                .collect(),
            t.as_str(),
        ),
        (None, Some(s)) => (
            SystemPermission::ALL
                .iter()
                .filter(|p| s.grants(**p))
                .map(|p| p.as_str().to_owned())
                .collect(),
            s.legacy_role(),
        ),
        (None, None) => (Vec::new(), ""),
    };
    mine.extend(
        LegacyPermission::ALL
            .iter()
            .filter(|p| legacy_grants(legacy_role, **p))
            .map(|p| p.as_str().to_owned()),
    );
    mine
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn matrix_endpoint_lists_the_tables_and_the_callers_permissions() {
    let app = spawn().await;
    let world = World::new(&app, 0).await;
    for role in &Role::ALL[..5] {
        let token = &world.session(*role).unwrap().access;
        let body =
            crate::expect::expect_status(app.get("/api/v1/permissions/matrix", token).await, 200)
                .await;
        assert_eq!(
            strings(&body["mine"]),
            expected_mine(*role),
            "{}",
            role.label()
        );
        assert_eq!(strings(&body["system"]["admin"]).len(), 25);
        assert_eq!(
            strings(&body["system"]["operator"]),
            [
                "system.tenants.view",
                "system.billing.view",
                "system.tiers.view",
                "system.coupons.view",
                "system.payment_methods.view",
                "system.users.view",
                "system.settings.view",
                "system.audit.view",
                "system.revenue.view",
                "system.usage.view",
            ]
        );
        let tenant = &body["tenant"];
        let counts: Vec<usize> = ["owner", "admin", "member"]
            .iter()
            .map(|r| strings(&tenant[r]).len())
            .collect();
        assert_eq!(counts, [22, 20, 7]);
        assert!(!strings(&tenant["admin"]).contains(&"tenant.billing.manage".to_owned()));
        let legacy = &body["legacy"];
        let counts: Vec<usize> = [
            "super_admin",
            "admin",
            "owner",
            "member",
            "staff",
            "system_operator",
        ]
        .iter()
        .map(|r| strings(&legacy[r]).len())
        .collect();
        assert_eq!(counts, [18, 18, 17, 5, 5, 0]);
        let all = &body["all"];
        let sizes = [&all["system"], &all["tenant"], &all["legacy"]].map(|v| strings(v).len());
        assert_eq!(sizes, [25, 22, 18]);
    }
    let anonymous = app
        .request(
            reqwest::Method::GET,
            "/api/v1/permissions/matrix",
            None,
            None,
        )
        .await;
    crate::expect::expect_detail(anonymous, 403, "Not authenticated").await;
}
