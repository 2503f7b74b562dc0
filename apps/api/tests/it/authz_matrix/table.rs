//! The authorization matrix as data: one [`Row`] per endpoint, the guard it
//! must run (contract §1.8.3, §3.1, §3.2) and the status each role gets,
//! derived from the kernel's role→permission tables (§4.1, §4.2).

use harmony_kernel::{SystemPermission, SystemRole, TenantPermission, TenantRole};
use reqwest::Method;
use serde_json::{Value, json};

use crate::spawn::{NEW_PASSWORD, PASSWORD};

/// Who calls: the five roles of §4.5, in its column order, and nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    TenantAdmin,
    Member,
    SystemAdmin,
    Operator,
    Anonymous,
}

impl Role {
    /// Every caller, in the order the rows are run.
    pub const ALL: [Self; 6] = [
        Self::Owner,
        Self::TenantAdmin,
        Self::Member,
        Self::SystemAdmin,
        Self::Operator,
        Self::Anonymous,
    ];

    /// The tenant role, for tenant users.
    pub const fn tenant(self) -> Option<TenantRole> {
        match self {
            Self::Owner => Some(TenantRole::Owner),
            Self::TenantAdmin => Some(TenantRole::Admin),
            Self::Member => Some(TenantRole::Member),
            _ => None,
        }
    }

    /// The system role, for system users.
    pub const fn system(self) -> Option<SystemRole> {
        match self {
            Self::SystemAdmin => Some(SystemRole::Admin),
            Self::Operator => Some(SystemRole::Operator),
            _ => None,
        }
    }

    /// The §4.5 column name.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::TenantAdmin => "t-admin",
            Self::Member => "member",
            Self::SystemAdmin => "sys-admin",
            Self::Operator => "operator",
            Self::Anonymous => "anonymous",
        }
    }
}

/// The contract's 403 texts (§1.8.3).
pub const TENANT_REQUIRED: &str =
    "Tenant access required. System users should use admin endpoints.";
pub const SYSTEM_REQUIRED: &str = "System access required";
pub const OWNER_REQUIRED: &str = "Tenant owner access required";
pub const NOT_AUTHENTICATED: &str = "Not authenticated";

/// The guard an endpoint runs (§1.8.3).
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// G-AUTH: any signed-in user.
    Auth,
    /// G-AUTH + a tenant user (G-TENANT).
    Tenant,
    /// G-TPERM(p) + G-TENANT.
    TenantPerm(TenantPermission),
    /// G-OWNER + G-TENANT.
    Owner,
    /// G-SPERM(p).
    SystemPerm(SystemPermission),
}

impl Guard {
    /// `Ok` when `role` passes, else the 403 detail. Permissions come from the
    /// kernel matrices; the guard logic and texts are the contract's.
    pub fn check(self, role: Role) -> Result<(), String> {
        let (tenant, system) = (role.tenant(), role.system());
        if tenant.is_none() && system.is_none() {
            return Err(NOT_AUTHENTICATED.to_owned());
        }
        let missing = |p: &str| format!("Permission '{p}' required");
        let refusal = match self {
            Self::Tenant | Self::TenantPerm(_) | Self::Owner if tenant.is_none() => {
                Some(TENANT_REQUIRED.to_owned())
            }
            Self::Auth | Self::Tenant => None,
            Self::TenantPerm(p) => tenant.filter(|r| !r.grants(p)).map(|_| missing(p.as_str())),
            Self::Owner => (tenant != Some(TenantRole::Owner)).then(|| OWNER_REQUIRED.to_owned()),
            Self::SystemPerm(p) => match system {
                None => Some(SYSTEM_REQUIRED.to_owned()),
                Some(r) => (!r.grants(p)).then(|| missing(p.as_str())),
            },
        };
        refusal.map_or(Ok(()), Err)
    }
}

/// What fills the path's `{user_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The path has none.
    None,
    /// The caller itself.
    Me,
    /// The tenant's (non-calling) member; not modified by the row.
    Member,
    /// A spare member the owner creates on demand; replaced after a call
    /// that succeeded (deleted, promoted).
    Spare,
}

/// One `#[tokio::test]` per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    AuthAndPermissions,
    UsersRead,
    UsersWrite,
    UsersSelfService,
    AdminUsers,
}

/// What a body factory may use.
pub struct Ctx {
    /// An address nobody uses yet.
    pub fresh_email: String,
    /// The id that fills `{user_id}` (or the spare, for bodies naming one).
    pub target: Option<String>,
}

/// One endpoint of the matrix.
pub struct Row {
    pub group: Group,
    pub method: Method,
    /// The OpenAPI path template, relative to `/api/v1`.
    pub path: &'static str,
    pub target: Target,
    pub body: Option<fn(&Ctx) -> Value>,
    pub guard: Guard,
    /// The status of a caller the guard lets through.
    pub ok: u16,
    /// Business outcomes after the guard (e.g. owners may not delete themselves).
    pub after_guard: &'static [(Role, u16)],
    /// The §4.5 row: owner, t-admin, member, sys-admin, operator; `Y` allowed.
    pub contract: &'static str,
    /// Why this implementation knowingly differs from `contract`.
    pub deviation: Option<&'static str>,
}

impl Row {
    fn new(
        group: Group,
        method: Method,
        path: &'static str,
        guard: Guard,
        ok: u16,
        contract: &'static str,
    ) -> Self {
        Self {
            group,
            method,
            path,
            target: Target::None,
            body: None,
            guard,
            ok,
            after_guard: &[],
            contract,
            deviation: None,
        }
    }

    fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    fn body(mut self, body: fn(&Ctx) -> Value) -> Self {
        self.body = Some(body);
        self
    }

    fn after_guard(mut self, outcomes: &'static [(Role, u16)]) -> Self {
        self.after_guard = outcomes;
        self
    }

    fn deviation(mut self, why: &'static str) -> Self {
        self.deviation = Some(why);
        self
    }

    /// The status and, for refusals by the guard, the detail `role` gets.
    pub fn expected(&self, role: Role) -> (u16, Option<String>) {
        if let Err(detail) = self.guard.check(role) {
            return (403, Some(detail));
        }
        let status = self
            .after_guard
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(self.ok, |(_, s)| *s);
        (status, None)
    }

    /// The §4.5-style summary this row implies (`Y` = a 2xx answer).
    pub fn summary(&self) -> String {
        Role::ALL[..5]
            .iter()
            .map(|r| {
                if (200..300).contains(&self.expected(*r).0) {
                    'Y'
                } else {
                    '-'
                }
            })
            .collect()
    }

    /// `METHOD /api/v1/path` with the template kept.
    pub fn name(&self) -> String {
        format!("{} /api/v1{}", self.method, self.path)
    }

    /// The URL to call, `{user_id}` filled.
    pub fn url(&self, target: Option<&str>) -> String {
        let path = match target {
            Some(id) => self.path.replace("{user_id}", id),
            None => self.path.to_owned(),
        };
        format!("/api/v1{path}")
    }
}

/// Every endpoint of the foundation that needs a caller.
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
