//! Identity's use cases, one method per business operation.
//!
//! Every use case follows "decide, then persist atomically": it loads what it
//! needs, decides the full outcome as a list of [`Change`]s (including outbox
//! e-mails — nothing is ever sent inline) and persists it with exactly one
//! [`IdentityStore::commit`].
//!
//! Tenant-active enforcement: [`IdentityService::authenticate`] does not look
//! at the tenant (so `/auth/me` and logout keep working for users of a
//! deactivated tenant); tenant-scoped use cases of this service check it
//! themselves, and other contexts call
//! [`IdentityService::require_active_tenant`] (guard G-TENANT).

mod account;
mod admin_tenants;
mod auth;
mod closure;
mod dev_tools;
mod impersonation;
mod links;
mod profile;
mod registration;
mod users;

pub use admin_tenants::{TenantCreateCommand, TenantCreateError};
pub use auth::VerifiedAccess;
pub use closure::CLOSURE_PHRASE;
pub use impersonation::{
    DEFAULT_IMPERSONATION_MINUTES, Impersonation, ImpersonationRequest, MAX_IMPERSONATION_MINUTES,
};
pub use links::{AcceptInvite, VerifyOutcome};
pub use profile::ProfileUpdate;
pub use registration::{BootstrappedAdmin, RegisterCommand};
pub use users::{InviteCommand, NewUser, UserUpdate};

use crate::error::IdentityError;
use crate::model::{OneTimeToken, RefreshToken, Session, TokenPurpose, User};
use crate::ports::{
    Change, Claims, IdentityStore, PasswordHasher, SecretGenerator, TokenCodec, TokenKind,
};
use harmony_kernel::mail::{EmailJob, MailTemplate};
use harmony_kernel::{AuditEntry, Clock, Principal, SessionId, TenantScope};
use harmony_tenancy::Tenant;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Lifetimes and links; defaults are the contract's (§1.8.1, §7), with a
/// verification lifetime added (defect 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConfig {
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_ttl: Duration,
    /// How long a rotated refresh token still yields its successor pair, so
    /// parallel refreshes from one client do not look like token theft.
    pub refresh_grace: Duration,
    /// Password reset link lifetime.
    pub reset_ttl: Duration,
    /// E-mail verification link lifetime.
    pub verification_ttl: Duration,
    /// Invitation link lifetime.
    pub invitation_ttl: Duration,
    /// Base URL of the web client, for links in e-mails (no trailing slash).
    pub frontend_url: String,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            access_ttl: Duration::minutes(30),
            refresh_ttl: Duration::days(7),
            refresh_grace: Duration::seconds(30),
            reset_ttl: Duration::hours(1),
            verification_ttl: Duration::hours(48),
            invitation_ttl: Duration::days(7),
            frontend_url: "http://localhost:3000".to_owned(),
        }
    }
}

/// The contract's `Token` object minus `token_type`. `Debug` is redacted so
/// tokens never reach logs.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// Short-lived bearer token.
    pub access_token: String,
    /// Long-lived token for `/auth/refresh`.
    pub refresh_token: String,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenPair(..)")
    }
}

/// Identity's use cases over its ports; cheap to clone and share.
#[derive(Clone)]
pub struct IdentityService {
    store: Arc<dyn IdentityStore>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: Arc<dyn TokenCodec>,
    secrets: Arc<dyn SecretGenerator>,
    clock: Arc<dyn Clock>,
    config: IdentityConfig,
}

/// Records an update of `user`: bumps its version and `updated_at` in place
/// and returns the optimistic-locked change.
/// `entry` as an entry about `user`: in their tenant's trail, with the user
/// as resource and their address as the first detail (§8).
fn about_user(entry: AuditEntry, user: &User) -> AuditEntry {
    entry
        .tenant(user.tenant_id())
        .resource_id(user.id)
        .detail("email", user.email.as_str())
}

fn updated(user: &mut User, now: OffsetDateTime) -> Change {
    let expected_version = user.version;
    user.version += 1;
    user.updated_at = Some(now);
    Change::UpdateUser {
        user: user.clone(),
        expected_version,
    }
}

impl IdentityService {
    /// Wires the service to its ports (composition root and tests).
    pub fn new(
        store: Arc<dyn IdentityStore>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: Arc<dyn TokenCodec>,
        secrets: Arc<dyn SecretGenerator>,
        clock: Arc<dyn Clock>,
        config: IdentityConfig,
    ) -> Self {
        Self {
            store,
            hasher,
            tokens,
            secrets,
            clock,
            config,
        }
    }

    /// The configuration, e.g. for `expires_in` fields of responses.
    pub const fn config(&self) -> &IdentityConfig {
        &self.config
    }

    /// Guard G-TENANT: the principal's tenant, which must exist and be active.
    ///
    /// # Errors
    /// `Access(TenantRequired)` for system users, `TenantNotFound`, `TenantInactive`.
    pub async fn require_active_tenant(&self, who: &Principal) -> Result<Tenant, IdentityError> {
        let scope = who.tenant_scope()?;
        self.active_tenant(&scope).await
    }

    async fn active_tenant(&self, scope: &TenantScope) -> Result<Tenant, IdentityError> {
        let tenant = self
            .store
            .tenant(scope.tenant_id())
            .await?
            .ok_or(IdentityError::TenantNotFound)?;
        if tenant.is_active {
            Ok(tenant)
        } else {
            Err(IdentityError::TenantInactive)
        }
    }

    fn claims(&self, user: &User, kind: TokenKind, jti: Uuid, row: &RefreshToken) -> Claims {
        let ttl = match kind {
            TokenKind::Access => self.config.access_ttl,
            TokenKind::Refresh => self.config.refresh_ttl,
        };
        Claims {
            user_id: user.id,
            tenant: user.tenant_id().zip(user.tenant_role()),
            system_role: user.system_role(),
            legacy_role: user.legacy_role().to_owned(),
            kind,
            jti,
            session_id: row.session_id,
            issued_at: row.issued_at,
            expires_at: row.issued_at + ttl,
            actor: None,
        }
    }

    /// Encodes the pair belonging to a refresh-token row. Deterministic, so
    /// the same row always gives the same pair (grace-window re-minting).
    fn mint(&self, user: &User, row: &RefreshToken) -> TokenPair {
        TokenPair {
            access_token: self.tokens.encode(&self.claims(
                user,
                TokenKind::Access,
                row.access_jti,
                row,
            )),
            refresh_token: self
                .tokens
                .encode(&self.claims(user, TokenKind::Refresh, row.id, row)),
        }
    }

    /// A new refresh-token row of `session_id` and its pair.
    fn issue(
        &self,
        user: &User,
        session_id: SessionId,
        now: OffsetDateTime,
    ) -> (RefreshToken, TokenPair) {
        let mut row = RefreshToken {
            id: Uuid::now_v7(),
            session_id,
            user_id: user.id,
            token_digest: String::new(),
            access_jti: Uuid::now_v7(),
            issued_at: now,
            expires_at: now + self.config.refresh_ttl,
            rotated_at: None,
            successor_id: None,
        };
        let pair = self.mint(user, &row);
        row.token_digest = self.secrets.digest(&pair.refresh_token);
        (row, pair)
    }

    /// A new session with its first refresh token, as changes plus the pair.
    fn start_session(&self, user: &User, now: OffsetDateTime) -> (Vec<Change>, TokenPair) {
        let session = Session {
            id: SessionId::new(),
            user_id: user.id,
            created_at: now,
            revoked_at: None,
            impersonator_id: None,
        };
        let (row, pair) = self.issue(user, session.id, now);
        (
            vec![
                Change::InsertSession(session),
                Change::InsertRefreshToken(row),
            ],
            pair,
        )
    }

    /// A fresh one-time token: the record (digest only) and the plaintext for the link.
    fn one_time_token(
        &self,
        user: &User,
        purpose: TokenPurpose,
        ttl: Duration,
        now: OffsetDateTime,
    ) -> (OneTimeToken, String) {
        let token = self.secrets.token();
        let record = OneTimeToken {
            id: Uuid::now_v7(),
            user_id: user.id,
            purpose,
            token_digest: self.secrets.digest(&token),
            expires_at: now + ttl,
            used_at: None,
            created_at: now,
        };
        (record, token)
    }

    /// `<frontend_url>/<path>?token=<token>`.
    fn link(&self, path: &str, token: &str) -> String {
        format!(
            "{}/{path}?token={token}",
            self.config.frontend_url.trim_end_matches('/')
        )
    }

    /// An e-mail for the outbox of the same commit.
    fn mail(
        user: &User,
        template: MailTemplate,
        vars: serde_json::Value,
        now: OffsetDateTime,
    ) -> Change {
        let job = EmailJob {
            to: user.email.as_str().to_owned(),
            template,
            vars,
        };
        Change::Outbox(job.into_outbox(now))
    }
}
