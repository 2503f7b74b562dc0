//! `harmony-api seed`: demo tenants with an owner, an admin and a member
//! each, so a new developer has data to click through.
//!
//! The original seeded `owner123`-style passwords and the reserved subdomain
//! `demo`, even in production (defects 21, 26). Here the passwords satisfy
//! the policy, the subdomains are not reserved, and production refuses.

use harmony_identity::IdentityService;
use harmony_identity::model::{Email, Password, PersonName, Subdomain};
use harmony_identity::service::{NewUser, RegisterCommand};
use harmony_kernel::TenantRole;
use secrecy::SecretString;

/// One demo tenant: subdomain and display name.
const TENANTS: [(&str, &str); 3] = [
    ("acme", "Acme Corporation"),
    ("techstart", "TechStart Inc"),
    ("globex", "Globex Company"),
];

/// A seeded account, for the operator's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededAccount {
    /// Tenant subdomain.
    pub tenant: String,
    /// E-mail.
    pub email: String,
    /// Password (demo data only).
    pub password: &'static str,
    /// Tenant role.
    pub role: &'static str,
}

fn password(raw: &str) -> anyhow::Result<Password> {
    Ok(Password::parse(SecretString::from(raw.to_owned()))?)
}

/// Seeds the demo tenants that do not exist yet; returns the accounts created.
///
/// # Errors
/// When a write fails (an existing e-mail is skipped, not an error).
pub async fn seed(identity: &IdentityService) -> anyhow::Result<Vec<SeededAccount>> {
    let mut created = Vec::new();
    for (sub, name) in TENANTS {
        let owner_email = format!("owner@{sub}.com");
        let cmd = RegisterCommand {
            admin_email: Email::parse(&owner_email)?,
            admin_password: password("Owner1234")?,
            admin_name: PersonName::parse(&format!("{name} Owner"))?,
            company_name: Some(PersonName::parse(name)?),
            subdomain: Some(Subdomain::parse(sub)?),
        };
        // the CLI seeds: no request, so the trail records no address
        let origin = harmony_kernel::Origin::default();
        let tokens = match identity.register(cmd, &origin).await {
            Ok((_, _, tokens)) => tokens,
            Err(
                harmony_identity::IdentityError::EmailAlreadyRegistered
                | harmony_identity::IdentityError::SubdomainTaken,
            ) => continue,
            Err(e) => return Err(e.into()),
        };
        created.push(SeededAccount {
            tenant: sub.into(),
            email: owner_email,
            password: "Owner1234",
            role: "owner",
        });
        let (owner, _) = identity.authenticate(&tokens.access_token).await?;
        for (role, label, pw) in [
            (TenantRole::Admin, "Admin", "Admin1234"),
            (TenantRole::Member, "Member", "Member1234"),
        ] {
            let email = format!("{}@{sub}.com", role.as_str());
            let user = NewUser {
                email: Email::parse(&email)?,
                password: password(pw)?,
                first_name: Some(PersonName::parse(name)?),
                last_name: Some(PersonName::parse(label)?),
                phone: None,
                tenant_role: role,
                business_role: None,
                default_branch_id: None,
            };
            identity.create_user(&owner, user).await?;
            created.push(SeededAccount {
                tenant: sub.into(),
                email,
                password: pw,
                role: role.as_str(),
            });
        }
    }
    Ok(created)
}

/// One seeded tenant, as `POST /admin/tools/seed-data` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeededTenant {
    /// Display name.
    pub name: &'static str,
    /// Subdomain.
    pub subdomain: String,
    /// Tier (registration's default).
    pub tier: &'static str,
}

/// A demo owner's sign-in, for the seed report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SampleCredential {
    /// Tenant subdomain.
    pub tenant: String,
    /// E-mail.
    pub email: String,
    /// Password (demo data only).
    pub password: &'static str,
    /// Always `owner`.
    pub role: &'static str,
}

/// The tenants and owner sign-ins of one seeding run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Tenants created.
    pub tenants: Vec<SeededTenant>,
    /// Their owners.
    pub owners: Vec<SampleCredential>,
}

impl SeedReport {
    /// The report of the accounts [`seed`] created.
    pub fn of(accounts: &[SeededAccount]) -> Self {
        let mut report = Self::default();
        for a in accounts.iter().filter(|a| a.role == "owner") {
            let name = TENANTS
                .iter()
                .find(|(sub, _)| *sub == a.tenant)
                .map_or("", |(_, name)| name);
            report.tenants.push(SeededTenant {
                name,
                subdomain: a.tenant.clone(),
                tier: "free",
            });
            report.owners.push(SampleCredential {
                tenant: a.tenant.clone(),
                email: a.email.clone(),
                password: a.password,
                role: "owner",
            });
        }
        report
    }

    /// The names of the tenants created (audit details).
    pub fn names(&self) -> Vec<&'static str> {
        self.tenants.iter().map(|t| t.name).collect()
    }
}
