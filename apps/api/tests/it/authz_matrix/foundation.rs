//! The foundation's rows: `/auth`, `/permissions`, `/users` and
//! `/admin/users` (contract §3.1, §3.2).

use harmony_kernel::{SystemPermission, TenantPermission};
use reqwest::Method;
use serde_json::json;

use super::table::{Group, Guard, Role, Row, Target};
use crate::spawn::{NEW_PASSWORD, PASSWORD};

/// Every foundation endpoint that needs a caller.
pub fn rows() -> Vec<Row> {
    let mut all = auth_and_read_rows();
    all.extend(write_rows());
    all.extend(self_service_rows());
    all
}

/// `/auth`, `/permissions`, the `/users` reads and `/admin/users`.
fn auth_and_read_rows() -> Vec<Row> {
    use Group as G;
    use SystemPermission as S;
    use TenantPermission as T;
    vec![
        Row::new(
            G::AuthAndPermissions,
            Method::GET,
            "/auth/me",
            Guard::Auth,
            200,
            "YYYYY",
        ),
        Row::new(
            G::AuthAndPermissions,
            Method::POST,
            "/auth/logout",
            Guard::Auth,
            200,
            "YYYYY",
        ),
        // Not in the contract (issue 3): readable by everyone, like /auth/me.
        Row::new(
            G::AuthAndPermissions,
            Method::GET,
            "/permissions/matrix",
            Guard::Auth,
            200,
            "YYYYY",
        ),
        Row::new(
            G::UsersRead,
            Method::GET,
            "/users",
            Guard::TenantPerm(T::UsersView),
            200,
            "YYY--",
        ),
        Row::new(
            G::UsersRead,
            Method::GET,
            "/users/{user_id}",
            Guard::TenantPerm(T::UsersView),
            200,
            "YYY--",
        )
        .target(Target::Member),
        Row::new(
            G::AdminUsers,
            Method::GET,
            "/admin/users",
            Guard::SystemPerm(S::UsersView),
            200,
            "---YY",
        ),
    ]
}

/// The `/users` writes of owners and admins.
fn write_rows() -> Vec<Row> {
    use Group as G;
    use TenantPermission as T;
    vec![
        Row::new(
            G::UsersWrite,
            Method::POST,
            "/users",
            Guard::TenantPerm(T::UsersCreate),
            201,
            "YY---",
        )
        .body(|c| json!({"email": c.fresh_email, "password": PASSWORD, "tenant_role": "member"})),
        Row::new(
            G::UsersWrite,
            Method::PUT,
            "/users/{user_id}",
            Guard::TenantPerm(T::UsersUpdate),
            200,
            "YY---",
        )
        .target(Target::Member)
        .body(|_| json!({"first_name": "Renamed"})),
        Row::new(
            G::UsersWrite,
            Method::DELETE,
            "/users/{user_id}",
            Guard::TenantPerm(T::UsersDelete),
            204,
            "YY---",
        )
        .target(Target::Spare),
        Row::new(
            G::UsersWrite,
            Method::POST,
            "/users/invite",
            Guard::TenantPerm(T::UsersInvite),
            201,
            "YY---",
        )
        .body(|c| json!({"email": c.fresh_email, "tenant_role": "member"})),
    ]
}

/// What a user does to its own account, and the ownership transfer.
fn self_service_rows() -> Vec<Row> {
    use Group as G;
    vec![
        Row::new(
            G::UsersSelfService,
            Method::POST,
            "/users/{user_id}/change-password",
            Guard::Auth,
            200,
            "YYY--",
        )
        .target(Target::Me)
        .body(|_| json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}))
        .deviation("defect 41: system users may change their own password (G-AUTH, not G-TENANT)"),
        Row::new(
            G::UsersSelfService,
            Method::DELETE,
            "/users/me",
            Guard::Tenant,
            200,
            "-YY--",
        )
        .body(|_| json!({"password": PASSWORD}))
        .after_guard(&[(Role::Owner, 400)]),
        Row::new(
            G::UsersSelfService,
            Method::POST,
            "/users/transfer-ownership",
            Guard::Owner,
            200,
            "Y----",
        )
        .target(Target::Spare)
        .body(|c| json!({"new_owner_id": c.target, "password": PASSWORD})),
    ]
}
