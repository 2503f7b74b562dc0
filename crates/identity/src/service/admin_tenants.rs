//! `POST /admin/tenants` (§3.5 #1): a system admin creates a tenant with its
//! head office and owner in one commit, reusing registration's building
//! blocks. Unlike the original, the owner's password passes the full policy
//! (defect 4) and the subdomain the reserved-name rules (defect 26): both
//! arrive as the parsed [`Password`] and [`Subdomain`] value objects.

use super::IdentityService;
use crate::error::IdentityError;
use crate::model::{Email, Password, PersonName, Subdomain, User, UserKind};
use crate::ports::Change;
use harmony_kernel::{
    AccessError, AuditEntry, DomainError, ErrorKind, Principal, StoreError, SystemPermission,
    TenantRole,
};
use harmony_tenancy::{Branch, Limit, Tenant};

/// Input of `POST /admin/tenants`, already parsed into value objects.
#[derive(Debug)]
pub struct TenantCreateCommand {
    /// Tenant name, 2–255 characters.
    pub name: String,
    /// Unique subdomain (reserved names refused by [`Subdomain::parse`]).
    pub subdomain: Subdomain,
    /// Custom domain; empty means none.
    pub domain: Option<String>,
    /// Logo URL; empty means none.
    pub logo_url: Option<String>,
    /// Tier code, one of the four the contract knows.
    pub tier: String,
    /// User cap (`-1` unlimited).
    pub max_users: i64,
    /// Branch cap (`-1` unlimited).
    pub max_branches: i64,
    /// Storage cap in GB (`-1` unlimited).
    pub max_storage_gb: i64,
    /// The owner's address.
    pub admin_email: Email,
    /// The owner's password, policy-checked.
    pub admin_password: Password,
    /// The owner's first name.
    pub admin_first_name: PersonName,
    /// The owner's last name.
    pub admin_last_name: PersonName,
}

/// Why [`IdentityService::create_tenant_with_owner`] refused.
#[derive(Debug, thiserror::Error)]
pub enum TenantCreateError {
    /// The subdomain is in use (409).
    #[error("Subdomain '{0}' already taken")]
    SubdomainTaken(String),
    /// An account already uses the owner's e-mail (409).
    #[error("Email '{0}' already exists")]
    EmailExists(String),
    /// Another tenant already uses the custom domain (409).
    #[error("Domain '{0}' already in use")]
    DomainTaken(String),
    /// Any other identity failure.
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

impl From<StoreError> for TenantCreateError {
    fn from(e: StoreError) -> Self {
        Self::Identity(e.into())
    }
}

impl From<AccessError> for TenantCreateError {
    fn from(e: AccessError) -> Self {
        Self::Identity(e.into())
    }
}

impl DomainError for TenantCreateError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::SubdomainTaken(_) | Self::EmailExists(_) | Self::DomainTaken(_) => {
                ErrorKind::Conflict
            }
            Self::Identity(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::SubdomainTaken(_) => "subdomain_taken",
            Self::EmailExists(_) => "email_already_registered",
            Self::DomainTaken(_) => "domain_taken",
            Self::Identity(e) => e.code(),
        }
    }
}

impl IdentityService {
    /// Creates a tenant (status `active`, empty features/settings/meta
    /// data), its head office and its verified owner in one commit; no
    /// e-mail is sent. Requires `system.tenants.create`.
    ///
    /// # Errors
    /// `Identity(Access)`; `SubdomainTaken`, `EmailExists` (checked in that
    /// order, and again by the store's unique keys); `DomainTaken`.
    pub async fn create_tenant_with_owner(
        &self,
        who: &Principal,
        cmd: TenantCreateCommand,
    ) -> Result<(Tenant, User), TenantCreateError> {
        who.require_system(SystemPermission::TenantsCreate)?;
        let sub = cmd.subdomain.as_str().to_owned();
        let email = cmd.admin_email.as_str().to_owned();
        if self
            .store
            .tenant_by_subdomain(&sub)
            .await
            .map_err(IdentityError::from)?
            .is_some()
        {
            return Err(TenantCreateError::SubdomainTaken(sub));
        }
        if self
            .store
            .user_by_email(&cmd.admin_email)
            .await
            .map_err(IdentityError::from)?
            .is_some()
        {
            return Err(TenantCreateError::EmailExists(email));
        }
        let hash = self.hasher.hash(&cmd.admin_password).await?;
        let now = self.clock.now();
        let non_empty =
            |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut tenant = Tenant::for_registration(cmd.name.trim().to_owned(), sub.clone(), now);
        let domain = non_empty(cmd.domain).map(|d| d.to_lowercase());
        (tenant.domain, tenant.logo_url) = (domain.clone(), non_empty(cmd.logo_url));
        tenant.tier = cmd.tier;
        (tenant.max_users, tenant.max_branches, tenant.max_storage_gb) = (
            Limit::new(cmd.max_users),
            Limit::new(cmd.max_branches),
            Limit::new(cmd.max_storage_gb),
        );
        let hq = Branch::headquarters(tenant.id, now);
        let kind = UserKind::Tenant {
            tenant_id: tenant.id,
            role: TenantRole::Owner,
        };
        let mut owner = User::new(kind, cmd.admin_email, hash, now);
        let (first, last) = (
            cmd.admin_first_name.into_string(),
            cmd.admin_last_name.into_string(),
        );
        owner.full_name = Some(format!("{first} {last}"));
        (owner.first_name, owner.last_name) = (Some(first), Some(last));
        owner.default_branch_id = Some(hq.id);
        owner.is_verified = true;
        let audit = AuditEntry::by(who, "tenant.created", "tenant", now)
            .tenant(Some(tenant.id))
            .resource_id(tenant.id)
            .detail("tenant_name", tenant.name.as_str())
            .detail("subdomain", tenant.subdomain.as_str())
            .detail("tier", tenant.tier.as_str())
            .detail("admin_email", owner.email.as_str())
            .detail("created_by", "super_admin");
        let changes = [
            Change::InsertTenant(tenant.clone()),
            Change::InsertBranch(hq),
            Change::InsertUser(owner.clone()),
            Change::Audit(audit),
        ];
        self.store.commit(&changes).await.map_err(|e| match e {
            StoreError::Conflict(what) if what.contains("subdomain") => {
                TenantCreateError::SubdomainTaken(sub)
            }
            StoreError::Conflict(what) if what.contains("domain") => {
                TenantCreateError::DomainTaken(domain.unwrap_or_default())
            }
            StoreError::Conflict(_) => TenantCreateError::EmailExists(email),
            other => IdentityError::from(other).into(),
        })?;
        Ok((tenant, owner))
    }
}
