//! Who is calling, and the scopes only a verified caller can produce.
//!
//! Tenant-scoped repository methods take a [`TenantScope`]; it has no public
//! constructor, so a tenant id from a request path or body can never reach a
//! query as a scope.

use crate::audit::Origin;
use crate::error::AccessError;
use crate::ids::{SessionId, TenantId, UserId};
use crate::permission::{SystemPermission, TenantPermission};

/// A platform user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemRole {
    /// Full platform access ("super admin").
    Admin,
    /// Read-only platform access.
    Operator,
}

/// A tenant user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantRole {
    /// The one account that owns the tenant.
    Owner,
    /// Manages users, branches and settings.
    Admin,
    /// Everyone else.
    Member,
}

impl SystemRole {
    /// The contract's wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Operator => "operator",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "operator" => Some(Self::Operator),
            _ => None,
        }
    }
    /// The legacy `role` string (§1.8.1).
    pub const fn legacy_role(self) -> &'static str {
        match self {
            Self::Admin => "super_admin",
            Self::Operator => "system_operator",
        }
    }
}

impl TenantRole {
    /// The contract's wire name (also the legacy `role` string).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrincipalKind {
    System {
        role: SystemRole,
    },
    TenantUser {
        tenant_id: TenantId,
        role: TenantRole,
    },
}

/// The verified caller of a request.
///
/// Besides who calls it carries where the request came from ([`Origin`]) and,
/// during an impersonation, the system admin really acting, so every audit
/// entry written on its behalf names both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    user_id: UserId,
    session: Option<SessionId>,
    kind: PrincipalKind,
    impersonator: Option<UserId>,
    origin: Origin,
}

/// Proof that the caller acts inside exactly one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantScope {
    tenant_id: TenantId,
    actor: UserId,
}

/// Proof that the caller is a platform (system) user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorScope {
    actor: UserId,
    role: SystemRole,
}

impl Principal {
    /// A tenant user whose token and account were verified. Only identity
    /// (token verification), adapters and tests call this.
    pub const fn verified_tenant_user(
        user_id: UserId,
        session: Option<SessionId>,
        tenant_id: TenantId,
        role: TenantRole,
    ) -> Self {
        Self {
            user_id,
            session,
            kind: PrincipalKind::TenantUser { tenant_id, role },
            impersonator: None,
            origin: Origin {
                ip: None,
                user_agent: None,
                request_id: None,
            },
        }
    }

    /// A system user whose token and account were verified.
    pub const fn verified_system_user(
        user_id: UserId,
        session: Option<SessionId>,
        role: SystemRole,
    ) -> Self {
        Self {
            user_id,
            session,
            kind: PrincipalKind::System { role },
            impersonator: None,
            origin: Origin {
                ip: None,
                user_agent: None,
                request_id: None,
            },
        }
    }

    /// The platform itself, for scheduled jobs of the worker (sweeping
    /// unconfirmed uploads): a system admin with the nil user id, so records
    /// it leaves are recognisable. Only composition roots call this.
    pub const fn platform_job() -> Self {
        Self::verified_system_user(
            UserId::from_uuid(uuid::Uuid::nil()),
            None,
            SystemRole::Admin,
        )
    }

    /// The same caller, seen as coming from `origin` (set once per request
    /// by the transport).
    #[must_use]
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// The same caller, acting through an impersonation started by the
    /// system admin `actor`. Only token verification calls this.
    #[must_use]
    pub const fn impersonated_by(mut self, actor: UserId) -> Self {
        self.impersonator = Some(actor);
        self
    }

    /// The system admin really acting, when this is an impersonation.
    pub const fn impersonator(&self) -> Option<UserId> {
        self.impersonator
    }

    /// Where the request came from.
    pub const fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The calling user.
    pub const fn user_id(&self) -> UserId {
        self.user_id
    }

    /// The sign-in session the access token belongs to, if any.
    pub const fn session(&self) -> Option<SessionId> {
        self.session
    }

    /// The caller's tenant, for tenant users.
    pub const fn tenant_id(&self) -> Option<TenantId> {
        match self.kind {
            PrincipalKind::TenantUser { tenant_id, .. } => Some(tenant_id),
            PrincipalKind::System { .. } => None,
        }
    }

    /// The caller's tenant role, for tenant users.
    pub const fn tenant_role(&self) -> Option<TenantRole> {
        match self.kind {
            PrincipalKind::TenantUser { role, .. } => Some(role),
            PrincipalKind::System { .. } => None,
        }
    }

    /// The caller's system role, for system users.
    pub const fn system_role(&self) -> Option<SystemRole> {
        match self.kind {
            PrincipalKind::System { role } => Some(role),
            PrincipalKind::TenantUser { .. } => None,
        }
    }

    /// The scope of the caller's own tenant.
    ///
    /// # Errors
    /// [`AccessError::TenantRequired`] for system users.
    pub fn tenant_scope(&self) -> Result<TenantScope, AccessError> {
        match self.kind {
            PrincipalKind::TenantUser { tenant_id, .. } => Ok(TenantScope {
                tenant_id,
                actor: self.user_id,
            }),
            PrincipalKind::System { .. } => Err(AccessError::TenantRequired),
        }
    }

    /// The platform scope.
    ///
    /// # Errors
    /// [`AccessError::SystemRequired`] for tenant users.
    pub fn operator_scope(&self) -> Result<OperatorScope, AccessError> {
        match self.kind {
            PrincipalKind::System { role } => Ok(OperatorScope {
                actor: self.user_id,
                role,
            }),
            PrincipalKind::TenantUser { .. } => Err(AccessError::SystemRequired),
        }
    }

    /// Checks a tenant permission (guard G-TPERM).
    ///
    /// # Errors
    /// `TenantRequired` for system users, `MissingPermission` when the role lacks it.
    pub fn require_tenant(&self, p: TenantPermission) -> Result<TenantScope, AccessError> {
        let scope = self.tenant_scope()?;
        match self.kind {
            PrincipalKind::TenantUser { role, .. } if role.grants(p) => Ok(scope),
            _ => Err(AccessError::MissingPermission(p.as_str())),
        }
    }

    /// Checks a system permission (guard G-SPERM).
    ///
    /// # Errors
    /// `SystemRequired` for tenant users, `MissingPermission` when the role lacks it.
    pub fn require_system(&self, p: SystemPermission) -> Result<OperatorScope, AccessError> {
        let scope = self.operator_scope()?;
        if scope.role.grants(p) {
            Ok(scope)
        } else {
            Err(AccessError::MissingPermission(p.as_str()))
        }
    }

    /// Requires the tenant owner (guard G-OWNER).
    ///
    /// # Errors
    /// `TenantRequired` for system users, `OwnerRequired` otherwise.
    pub fn require_owner(&self) -> Result<TenantScope, AccessError> {
        let scope = self.tenant_scope()?;
        if self.tenant_role() == Some(TenantRole::Owner) {
            Ok(scope)
        } else {
            Err(AccessError::OwnerRequired)
        }
    }
}

impl TenantScope {
    /// The tenant every query under this scope is confined to.
    pub const fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }
    /// Who acts.
    pub const fn actor(&self) -> UserId {
        self.actor
    }
}

impl OperatorScope {
    /// Who acts.
    pub const fn actor(&self) -> UserId {
        self.actor
    }
    /// The operator's role.
    pub const fn role(&self) -> SystemRole {
        self.role
    }
    /// An operator acting on one tenant; the calling service records why.
    pub const fn on_behalf_of(&self, tenant_id: TenantId) -> TenantScope {
        TenantScope {
            tenant_id,
            actor: self.actor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_users_have_no_tenant_scope() {
        let p = Principal::verified_system_user(UserId::new(), None, SystemRole::Operator);
        assert_eq!(p.tenant_scope(), Err(AccessError::TenantRequired));
        assert!(p.require_system(SystemPermission::UsersView).is_ok());
        assert_eq!(
            p.require_system(SystemPermission::UsersCreate),
            Err(AccessError::MissingPermission("system.users.create"))
        );
    }

    #[test]
    fn tenant_scope_carries_the_principals_tenant() {
        let t = TenantId::new();
        let p = Principal::verified_tenant_user(UserId::new(), None, t, TenantRole::Member);
        assert_eq!(p.tenant_scope().unwrap().tenant_id(), t);
        assert_eq!(p.operator_scope(), Err(AccessError::SystemRequired));
        assert_eq!(
            p.require_tenant(TenantPermission::UsersCreate),
            Err(AccessError::MissingPermission("tenant.users.create"))
        );
        assert_eq!(p.require_owner(), Err(AccessError::OwnerRequired));
    }
}
