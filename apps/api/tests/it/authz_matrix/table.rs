//! The authorization matrix as data: one [`Row`] per endpoint, the guard it
//! must run (contract §1.8.3, §3.1–§3.6) and the status each role gets,
//! derived from the kernel's role→permission tables (§4.1, §4.2).

use harmony_kernel::{SystemPermission, SystemRole, TenantPermission, TenantRole};
use reqwest::Method;
use serde_json::Value;

use crate::spawn::{Session, TestApp};

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
pub const ADMIN_REQUIRED: &str = "Admin access required for this operation";
pub const TENANT_ADMIN_REQUIRED: &str = "Tenant admin access required";

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
    /// G-LADMIN (system admin, tenant owner or admin), then G-TPERM(p) +
    /// G-TENANT: the branch writes (§3.3).
    LegacyAdmin(TenantPermission),
    /// G-TADMIN + G-TENANT: tenant owner or admin.
    TenantAdmin,
    /// Any system user (their own profile).
    System,
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
        let legacy_admin = system == Some(SystemRole::Admin)
            || matches!(tenant, Some(TenantRole::Owner | TenantRole::Admin));
        let refusal = match self {
            Self::LegacyAdmin(_) if !legacy_admin => Some(ADMIN_REQUIRED.to_owned()),
            Self::Tenant
            | Self::TenantPerm(_)
            | Self::LegacyAdmin(_)
            | Self::Owner
            | Self::TenantAdmin
                if tenant.is_none() =>
            {
                Some(TENANT_REQUIRED.to_owned())
            }
            Self::Auth | Self::Tenant => None,
            Self::TenantPerm(p) | Self::LegacyAdmin(p) => {
                tenant.filter(|r| !r.grants(p)).map(|_| missing(p.as_str()))
            }
            Self::Owner => (tenant != Some(TenantRole::Owner)).then(|| OWNER_REQUIRED.to_owned()),
            Self::TenantAdmin => (!legacy_admin).then(|| TENANT_ADMIN_REQUIRED.to_owned()),
            Self::System => system.is_none().then(|| SYSTEM_REQUIRED.to_owned()),
            Self::SystemPerm(p) => match system {
                None => Some(SYSTEM_REQUIRED.to_owned()),
                Some(r) => (!r.grants(p)).then(|| missing(p.as_str())),
            },
        };
        refusal.map_or(Ok(()), Err)
    }
}

/// What fills the path's placeholder (`{user_id}`, `{branch_id}`, ...).
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
    /// A spare branch the owner creates on demand; replaced after a call
    /// that succeeded.
    SpareBranch,
    /// A spare tenant, registered on demand; replaced after a call that
    /// succeeded (deleted).
    SpareTenant,
    /// The world's tenant id.
    Tenant,
    /// The world's tenant subdomain.
    Subdomain,
    /// A fixed path value.
    Fixed(&'static str),
}

impl Target {
    /// Whether the row acts on a spare, replaced after a call that succeeded.
    pub const fn is_spare(self) -> bool {
        matches!(self, Self::Spare | Self::SpareBranch | Self::SpareTenant)
    }

    /// A new spare of this kind (`None` for the other targets): a member or
    /// a branch of the owner's tenant, or a tenant of its own.
    pub async fn spare(self, app: &TestApp, owner: &Session) -> Option<String> {
        let id = match self {
            Self::Spare => app.create_user(&owner.access, "member").await["id"].clone(),
            Self::SpareBranch => {
                let code = app.unique_email("spare").replace(['@', '.'], "-");
                let body = serde_json::json!({"name": "Spare Branch", "code": code});
                crate::branches::create(app, &owner.access, &body).await["id"].clone()
            }
            Self::SpareTenant => {
                let email = app.unique_email("spare");
                let subdomain = email.replace(['@', '.'], "-");
                let session = app.register(&email, "Sam Spare", Some(&subdomain)).await;
                session.user["tenant_id"].clone()
            }
            _ => return None,
        };
        id.as_str().map(str::to_owned)
    }
}

/// One `#[tokio::test]` per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    AuthAndPermissions,
    UsersRead,
    UsersWrite,
    UsersSelfService,
    AdminUsers,
    Branches,
    TenantSettings,
    AdminTenants,
    AdminTenantsWrite,
    Platform,
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
    pub(super) fn new(
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

    pub(super) fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    pub(super) fn body(mut self, body: fn(&Ctx) -> Value) -> Self {
        self.body = Some(body);
        self
    }

    pub(super) fn after_guard(mut self, outcomes: &'static [(Role, u16)]) -> Self {
        self.after_guard = outcomes;
        self
    }

    pub(super) fn deviation(mut self, why: &'static str) -> Self {
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

    /// The §4.5-style summary this row implies: `Y` when the guard admits
    /// the role and no business refusal of [`Row::after_guard`] applies
    /// (`ok` may be a 4xx for rows whose world has nothing to act on).
    pub fn summary(&self) -> String {
        Role::ALL[..5]
            .iter()
            .map(|r| {
                let refused = self.after_guard.iter().any(|(role, _)| role == r);
                if self.guard.check(*r).is_ok() && !refused {
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

    /// The URL to call, the path's one placeholder filled.
    pub fn url(&self, target: Option<&str>) -> String {
        let span = self.path.find('{').zip(self.path.find('}'));
        let path = match (target, span) {
            (Some(id), Some((a, b))) => format!("{}{id}{}", &self.path[..a], &self.path[b + 1..]),
            _ => self.path.to_owned(),
        };
        format!("/api/v1{path}")
    }
}

/// Every endpoint of the matrix.
pub fn rows() -> Vec<Row> {
    let mut all = super::foundation::rows();
    all.extend(super::tenant_rows::rows());
    all.extend(super::admin_rows::rows());
    all.extend(super::admin_rows::platform_rows());
    all
}
