//! Deterministic fakes of the hasher, token codec and secret generator, and
//! a harness wiring them to the in-memory store.

use harmony_adapters_memory::{InMemoryStore, ManualClock};
use harmony_identity::model::{Email, Password, PasswordHash, PersonName, User, UserKind};
use harmony_identity::ports::{
    Claims, IdentityStore, PasswordHasher, SecretGenerator, TokenCodec, TokenError, TokenKind,
    Verification,
};
use harmony_identity::service::RegisterCommand;
use harmony_identity::{IdentityConfig, IdentityService, TokenPair};
use harmony_kernel::Origin;
use harmony_kernel::mail::{EmailJob, MailTemplate};
use harmony_kernel::{Principal, SessionId, SystemRole, TenantId, TenantRole, UserId};
use harmony_tenancy::Tenant;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

/// `argon$<pw>` is current, `bcrypt$<pw>` needs a re-hash.
#[derive(Default)]
pub struct FakeHasher {
    pub dummy_calls: AtomicU64,
}

#[async_trait::async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, harmony_kernel::StoreError> {
        Ok(PasswordHash::new(format!("argon${}", password.expose())))
    }
    async fn verify(&self, candidate: &SecretString, hash: &PasswordHash) -> Verification {
        let c = candidate.expose_secret();
        if hash.as_str() == format!("argon${c}") {
            Verification::Match
        } else if hash.as_str() == format!("bcrypt${c}") {
            Verification::MatchNeedsRehash
        } else {
            Verification::Mismatch
        }
    }
    async fn verify_dummy(&self, _candidate: &SecretString) {
        self.dummy_calls.fetch_add(1, Ordering::SeqCst);
    }
}

/// `fake.<json claims>.sig`; checks the signature suffix, kind and expiry.
pub struct FakeCodec;

fn kind_str(k: TokenKind) -> &'static str {
    match k {
        TokenKind::Access => "access",
        TokenKind::Refresh => "refresh",
    }
}

impl TokenCodec for FakeCodec {
    fn encode(&self, c: &Claims) -> String {
        let json = serde_json::json!({
            "sub": c.user_id, "tenant": c.tenant.map(|(t, r)| (t, r.as_str())),
            "system_role": c.system_role.map(SystemRole::as_str), "role": c.legacy_role,
            "type": kind_str(c.kind), "jti": c.jti, "sid": c.session_id, "act": c.actor,
            "iat": c.issued_at.unix_timestamp_nanos().to_string(),
            "exp": c.expires_at.unix_timestamp_nanos().to_string(),
        });
        format!("fake.{json}.sig")
    }

    fn decode(
        &self,
        token: &str,
        expected: TokenKind,
        now: OffsetDateTime,
    ) -> Result<Claims, TokenError> {
        let body = token
            .strip_prefix("fake.")
            .and_then(|t| t.strip_suffix(".sig"))
            .ok_or(TokenError::Invalid)?;
        let v: serde_json::Value = serde_json::from_str(body).map_err(|_| TokenError::Invalid)?;
        if v["type"] != kind_str(expected) {
            return Err(TokenError::Invalid);
        }
        let time = |k: &str| {
            let n: i128 = v[k]
                .as_str()
                .and_then(|s| s.parse().ok())
                .ok_or(TokenError::Invalid)?;
            OffsetDateTime::from_unix_timestamp_nanos(n).map_err(|_| TokenError::Invalid)
        };
        let uuid = |k: &str| {
            v[k].as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or(TokenError::Invalid)
        };
        let claims = Claims {
            user_id: UserId::from_uuid(uuid("sub")?),
            tenant: v["tenant"].as_array().and_then(|a| {
                let t = Uuid::parse_str(a[0].as_str()?).ok()?;
                Some((TenantId::from_uuid(t), TenantRole::parse(a[1].as_str()?)?))
            }),
            system_role: v["system_role"].as_str().and_then(SystemRole::parse),
            legacy_role: v["role"].as_str().unwrap_or_default().to_owned(),
            kind: expected,
            jti: uuid("jti")?,
            session_id: SessionId::from_uuid(uuid("sid")?),
            issued_at: time("iat")?,
            expires_at: time("exp")?,
            actor: v["act"]
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .map(UserId::from_uuid),
        };
        if now >= claims.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

/// Counting tokens `tok-<n>`, digests `d:<token>`.
#[derive(Default)]
pub struct FakeSecrets(AtomicU64);

impl SecretGenerator for FakeSecrets {
    fn token(&self) -> String {
        format!("tok-{:039}", self.0.fetch_add(1, Ordering::SeqCst))
    }
    fn digest(&self, token: &str) -> String {
        format!("d:{token}")
    }
    fn password(&self) -> String {
        "Generated1Password".to_owned()
    }
}

pub const T0: OffsetDateTime = datetime!(2026-03-01 10:00 UTC);
pub const PASSWORD: &str = "Secret123";

pub struct Harness {
    pub svc: IdentityService,
    pub store: Arc<InMemoryStore>,
    pub clock: Arc<ManualClock>,
    pub hasher: Arc<FakeHasher>,
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}
pub fn password(s: &str) -> Password {
    Password::parse(secret(s)).unwrap()
}
pub fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}
pub fn name(s: &str) -> PersonName {
    PersonName::parse(s).unwrap()
}

pub fn principal(user: &User, session: Option<SessionId>) -> Principal {
    match user.kind {
        UserKind::System(role) => Principal::verified_system_user(user.id, session, role),
        UserKind::Tenant { tenant_id, role } => {
            Principal::verified_tenant_user(user.id, session, tenant_id, role)
        }
    }
}

impl Harness {
    pub fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let clock = Arc::new(ManualClock::new(T0));
        let hasher = Arc::new(FakeHasher::default());
        let svc = IdentityService::new(
            store.clone(),
            hasher.clone(),
            Arc::new(FakeCodec),
            Arc::new(FakeSecrets::default()),
            clock.clone(),
            IdentityConfig {
                frontend_url: "https://app.test".to_owned(),
                ..IdentityConfig::default()
            },
        );
        Self {
            svc,
            store,
            clock,
            hasher,
        }
    }

    pub async fn register(&self, address: &str) -> (Tenant, User, TokenPair) {
        self.svc
            .register(
                RegisterCommand {
                    admin_email: email(address),
                    admin_password: password(PASSWORD),
                    admin_name: name("Ada Lovelace"),
                    company_name: None,
                    subdomain: None,
                },
                &Origin::default(),
            )
            .await
            .unwrap()
    }

    /// The principal of a fresh login.
    pub async fn login(&self, address: &str) -> (Principal, TokenPair) {
        self.login_with(address, PASSWORD).await
    }

    /// The principal of a fresh login with `pw`.
    pub async fn login_with(&self, address: &str, pw: &str) -> (Principal, TokenPair) {
        let (_, _, pair) = self
            .svc
            .login(&email(address), &secret(pw), None, &Origin::default())
            .await
            .unwrap();
        let (p, _) = self.svc.authenticate(&pair.access_token).await.unwrap();
        (p, pair)
    }

    pub async fn user(&self, id: UserId) -> User {
        self.store.user(id).await.unwrap().unwrap()
    }

    pub fn mails(&self, template: MailTemplate) -> Vec<EmailJob> {
        self.store
            .email_jobs()
            .into_iter()
            .filter(|j| j.template == template)
            .collect()
    }

    /// The token of the last link e-mail of `template`, from its `var`.
    pub fn last_link_token(&self, template: MailTemplate, var: &str) -> String {
        let job = self.mails(template).pop().unwrap();
        let url = job.vars[var].as_str().unwrap().to_owned();
        url.split_once("token=").unwrap().1.to_owned()
    }
}
