//! Self-registration of a tenant with its owner, and system user creation.

use super::{IdentityService, TokenPair, about_user};
use crate::error::IdentityError;
use crate::model::{
    Email, Password, PersonName, Subdomain, User, UserKind, company_name, split_admin_name,
    subdomain_base, subdomain_candidates,
};
use crate::ports::Change;
use harmony_kernel::mail::MailTemplate;
use harmony_kernel::{AuditEntry, Origin, StoreError, SystemRole, TenantRole};
use harmony_tenancy::{Branch, Tenant};
use secrecy::SecretString;

/// Input of `POST /auth/register`, already parsed into value objects.
#[derive(Debug)]
pub struct RegisterCommand {
    /// The owner's address (parsed with `Email::parse_for_signup`).
    pub admin_email: Email,
    /// The owner's password.
    pub admin_password: Password,
    /// The owner's full name.
    pub admin_name: PersonName,
    /// Tenant name; derived from `admin_name` when absent.
    pub company_name: Option<PersonName>,
    /// Subdomain; generated from the e-mail when absent.
    pub subdomain: Option<Subdomain>,
}

/// A system admin created at first start, with the password generated for
/// it (to be shown once) when none was configured.
#[derive(Debug)]
pub struct BootstrappedAdmin {
    /// The new admin.
    pub user: User,
    /// The generated password, if one was generated.
    pub generated_password: Option<SecretString>,
}

/// Translates a unique violation at commit into the contract's message
/// (a registration race, defect 25).
fn registration_conflict(e: StoreError) -> IdentityError {
    match e {
        StoreError::Conflict(what) if what.contains("subdomain") => IdentityError::SubdomainTaken,
        StoreError::Conflict(_) => IdentityError::EmailAlreadyRegistered,
        other => other.into(),
    }
}

impl IdentityService {
    /// Registers a tenant with its head office and owner, signs the owner in
    /// and queues the welcome e-mail, all in one commit (§10.1).
    pub async fn register(
        &self,
        cmd: RegisterCommand,
        origin: &Origin,
    ) -> Result<(Tenant, User, TokenPair), IdentityError> {
        if self.store.user_by_email(&cmd.admin_email).await?.is_some() {
            return Err(IdentityError::EmailAlreadyRegistered);
        }
        let name = company_name(cmd.company_name.as_ref(), &cmd.admin_name)
            .map_err(|m| IdentityError::validation("company_name", m))?;
        let subdomain = match &cmd.subdomain {
            Some(s) if self.store.tenant_by_subdomain(s.as_str()).await?.is_some() => {
                return Err(IdentityError::SubdomainTaken);
            }
            Some(s) => s.as_str().to_owned(),
            None => {
                self.generate_subdomain(&cmd.admin_email, &cmd.admin_name)
                    .await?
            }
        };
        let hash = self.hasher.hash(&cmd.admin_password).await?;
        let now = self.clock.now();
        let tenant = Tenant::for_registration(name, subdomain, now);
        let hq = Branch::headquarters(tenant.id, now);
        let kind = UserKind::Tenant {
            tenant_id: tenant.id,
            role: TenantRole::Owner,
        };
        let mut owner = User::new(kind, cmd.admin_email, hash, now);
        let (first, last) = split_admin_name(&cmd.admin_name);
        owner.first_name = Some(first);
        owner.last_name = Some(last);
        owner.full_name = Some(cmd.admin_name.into_string());
        owner.default_branch_id = Some(hq.id);
        owner.is_verified = true;
        owner.email_verified_at = Some(now);
        let (session, pair) = self.start_session(&owner, now);
        let base = self.config.frontend_url.trim_end_matches('/');
        let vars = serde_json::json!({
            "user_name": owner.display_name(), "tenant_name": tenant.name,
            "frontend_url": base, "login_url": format!("{base}/login"),
        });
        let mut changes = vec![
            Change::InsertTenant(tenant.clone()),
            Change::InsertBranch(hq),
            Change::InsertUser(owner.clone()),
        ];
        changes.extend(session);
        changes.push(Self::mail(&owner, MailTemplate::Welcome, vars, now));
        let by_owner = |action, resource| {
            AuditEntry::anonymous(origin, action, resource, now)
                .user(Some(owner.id))
                .tenant(Some(tenant.id))
        };
        changes.push(Change::Audit(
            by_owner("tenant.created", "tenant")
                .resource_id(tenant.id)
                .detail("tenant_name", tenant.name.as_str())
                .detail("subdomain", tenant.subdomain.as_str())
                .detail("tier", tenant.tier.as_str()),
        ));
        changes.push(Change::Audit(
            about_user(by_owner("user.created", "user"), &owner)
                .detail("tenant_role", TenantRole::Owner.as_str())
                .detail("via", "registration"),
        ));
        self.store
            .commit(&changes)
            .await
            .map_err(registration_conflict)?;
        Ok((tenant, owner, pair))
    }

    /// The first free generated subdomain (§10.1 step 3, reserved names
    /// skipped), else the base plus six random hex characters.
    async fn generate_subdomain(
        &self,
        email: &Email,
        admin: &PersonName,
    ) -> Result<String, IdentityError> {
        let base = subdomain_base(email, admin);
        for candidate in subdomain_candidates(&base) {
            if self.store.tenant_by_subdomain(&candidate).await?.is_none() {
                return Ok(candidate);
            }
        }
        let random = self.secrets.digest(&self.secrets.token());
        Ok(format!("{base}{}", &random[..6.min(random.len())]))
    }

    /// Creates a system admin unless one exists (first start). Without a
    /// configured password one is generated and returned once.
    pub async fn bootstrap_system_admin(
        &self,
        email: Email,
        password: Option<Password>,
    ) -> Result<Option<BootstrappedAdmin>, IdentityError> {
        if self.store.system_admin_exists().await? {
            return Ok(None);
        }
        let (password, generated_password) = if let Some(p) = password {
            (p, None)
        } else {
            let raw = SecretString::from(self.secrets.password());
            let p = Password::parse(raw.clone())
                .map_err(|_| IdentityError::Internal("generated password breaks the policy"))?;
            (p, Some(raw))
        };
        let user = self.create_system_admin(email, password).await?;
        Ok(Some(BootstrappedAdmin {
            user,
            generated_password,
        }))
    }

    /// Creates a verified system admin (CLI `create-admin`).
    pub async fn create_system_admin(
        &self,
        email: Email,
        password: Password,
    ) -> Result<User, IdentityError> {
        self.create_system_user(email, password, SystemRole::Admin)
            .await
    }

    /// Creates a verified system user with `role`, e.g. a read-only operator
    /// (CLI `create-admin --role operator`; no HTTP endpoint creates system
    /// users, §4).
    pub async fn create_system_user(
        &self,
        email: Email,
        password: Password,
        role: SystemRole,
    ) -> Result<User, IdentityError> {
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(IdentityError::EmailAlreadyRegistered);
        }
        let hash = self.hasher.hash(&password).await?;
        let now = self.clock.now();
        let mut user = User::new(UserKind::System(role), email, hash, now);
        user.is_verified = true;
        user.email_verified_at = Some(now);
        self.store
            .commit(&[Change::InsertUser(user.clone())])
            .await
            .map_err(registration_conflict)?;
        Ok(user)
    }
}
