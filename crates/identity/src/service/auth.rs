//! Sign-in, token verification, refresh-token rotation and logout.

use super::{IdentityService, TokenPair, about_user, updated};
use crate::error::IdentityError;
use crate::model::{Email, Password, RefreshToken, User, UserKind};
use crate::ports::{Change, TokenKind, Verification};
use harmony_kernel::{
    AuditEntry, Origin, Principal, StoreError, SystemPermission, SystemRole, TenantRole, UserId,
};
use harmony_tenancy::Tenant;
use secrecy::SecretString;
use time::OffsetDateTime;
use uuid::Uuid;

impl IdentityService {
    /// Signs in with e-mail and password (§3.1 #2).
    ///
    /// Unknown accounts, wrong passwords, and an unknown or inactive
    /// `tenant_subdomain` (or one the account does not belong to) all answer
    /// the same 401 after the same hashing work, so neither accounts nor
    /// tenants can be enumerated (defect 13; the contract's 404 `Tenant not
    /// found` is deliberately not produced). A correct password for a user of
    /// a deactivated tenant gives 403 `Tenant is inactive` (defect 10). A
    /// hash with old parameters (bcrypt) is upgraded in the same commit when
    /// the password satisfies today's policy.
    pub async fn login(
        &self,
        email: &Email,
        password: &SecretString,
        tenant_subdomain: Option<&str>,
        origin: &Origin,
    ) -> Result<(User, Option<Tenant>, TokenPair), IdentityError> {
        let Some(user) = self.login_candidate(email, tenant_subdomain).await? else {
            self.hasher.verify_dummy(password).await;
            return Err(IdentityError::InvalidCredentials);
        };
        let verification = self.hasher.verify(password, &user.password_hash).await;
        if verification == Verification::Mismatch {
            // §8: no user id on failures (nobody was authenticated)
            let failed = about_user(
                AuditEntry::anonymous(origin, "auth.login_failed", "user", self.clock.now()),
                &user,
            )
            .detail("reason", "incorrect_password")
            .failed();
            self.store.commit(&[Change::Audit(failed)]).await?;
            return Err(IdentityError::InvalidCredentials);
        }
        let tenant = self.user_tenant(&user).await?;
        if tenant.as_ref().is_some_and(|t| !t.is_active) {
            return Err(IdentityError::TenantInactive);
        }
        let new_hash = match (verification, Password::parse(password.clone())) {
            (Verification::MatchNeedsRehash, Ok(p)) => Some(self.hasher.hash(&p).await?),
            _ => None,
        };
        for _ in 0..3 {
            let now = self.clock.now();
            let Some(mut fresh) = self.store.user(user.id).await? else {
                break;
            };
            if !fresh.is_usable() || fresh.password_hash != user.password_hash {
                break; // changed meanwhile: the verified password no longer counts
            }
            fresh.last_login_at = Some(now);
            if let Some(h) = &new_hash {
                fresh.password_hash = h.clone();
            }
            let mut changes = vec![updated(&mut fresh, now)];
            let (session, pair) = self.start_session(&fresh, now);
            changes.extend(session);
            let audit = about_user(
                AuditEntry::anonymous(origin, "auth.login", "user", now),
                &fresh,
            )
            .user(Some(fresh.id))
            .detail("system_role", fresh.system_role().map(SystemRole::as_str))
            .detail("tenant_role", fresh.tenant_role().map(TenantRole::as_str));
            changes.push(Change::Audit(audit));
            match self.store.commit(&changes).await {
                Ok(()) => return Ok((fresh, tenant, pair)),
                Err(StoreError::StaleVersion) => {} // a parallel login won; decide again
                Err(e) => return Err(e.into()),
            }
        }
        Err(IdentityError::InvalidCredentials)
    }

    async fn login_candidate(
        &self,
        email: &Email,
        tenant_subdomain: Option<&str>,
    ) -> Result<Option<User>, IdentityError> {
        let tenant_filter = match tenant_subdomain {
            None => None,
            Some(s) => match self.store.tenant_by_subdomain(s).await? {
                Some(t) if t.is_active => Some(t.id),
                _ => return Ok(None),
            },
        };
        let user = self
            .store
            .user_by_email(email)
            .await?
            .filter(User::is_usable);
        Ok(user.filter(|u| tenant_filter.is_none_or(|t| u.tenant_id() == Some(t))))
    }

    async fn user_tenant(&self, user: &User) -> Result<Option<Tenant>, IdentityError> {
        match user.tenant_id() {
            None => Ok(None),
            Some(id) => Ok(Some(
                self.store
                    .tenant(id)
                    .await?
                    .ok_or(IdentityError::TenantNotFound)?,
            )),
        }
    }

    /// Verifies an access token and loads its caller (guard G-AUTH).
    ///
    /// Refresh tokens, revoked sessions and tokens of missing or deleted
    /// users give 401 `Could not validate credentials`; deactivated users 403
    /// `Inactive user`. Roles come from the stored user, never from claims.
    /// The tenant's active flag is NOT checked here (see the module docs and
    /// [`IdentityService::require_active_tenant`]).
    pub async fn authenticate(
        &self,
        access_token: &str,
    ) -> Result<(Principal, User), IdentityError> {
        let verified = self
            .peek_access_claims(access_token)
            .ok_or(IdentityError::InvalidAccessToken)?;
        self.authenticate_verified(&verified).await
    }

    /// [`Self::authenticate`] for a token this request already verified
    /// with [`Self::peek_access_claims`] (the rate limiter does): the
    /// signature is not checked twice; the session and the account are.
    ///
    /// # Errors
    /// As [`Self::authenticate`].
    pub async fn authenticate_verified(
        &self,
        verified: &VerifiedAccess,
    ) -> Result<(Principal, User), IdentityError> {
        let claims = &verified.0;
        let session = self.store.session(claims.session_id).await?;
        if !session.is_some_and(|s| {
            s.revoked_at.is_none()
                && s.user_id == claims.user_id
                && s.impersonator_id == claims.actor
        }) {
            return Err(IdentityError::InvalidAccessToken);
        }
        if let Some(actor) = claims.actor {
            self.check_impersonator(actor).await?;
        }
        let user = self
            .store
            .user(claims.user_id)
            .await?
            .filter(User::is_live)
            .ok_or(IdentityError::InvalidAccessToken)?;
        if !user.is_active {
            return Err(IdentityError::InactiveUser);
        }
        let sid = Some(claims.session_id);
        let principal = match user.kind {
            UserKind::System(role) => Principal::verified_system_user(user.id, sid, role),
            UserKind::Tenant { tenant_id, role } => {
                Principal::verified_tenant_user(user.id, sid, tenant_id, role)
            }
        };
        Ok(match claims.actor {
            Some(actor) => (principal.impersonated_by(actor), user),
            None => (principal, user),
        })
    }

    /// An impersonation lasts only while its admin is a live, active system
    /// user still allowed to impersonate.
    async fn check_impersonator(&self, actor: UserId) -> Result<(), IdentityError> {
        let allowed = self
            .store
            .user(actor)
            .await?
            .filter(|u| u.is_live() && u.is_active)
            .and_then(|u| u.system_role())
            .is_some_and(|r| r.grants(SystemPermission::TenantsImpersonate));
        if allowed {
            Ok(())
        } else {
            Err(IdentityError::InvalidAccessToken)
        }
    }

    /// Exchanges a refresh token for a new pair, rotating it (§3.1 #9).
    ///
    /// A token presented again within `refresh_grace` of its rotation yields
    /// the identical successor pair (parallel refreshes of one client agree);
    /// later reuse is treated as theft and revokes the whole session. Every
    /// refusal is 401 `Invalid or expired refresh token`.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, IdentityError> {
        let now = self.clock.now();
        let invalid = || IdentityError::InvalidRefreshToken;
        let claims = self
            .tokens
            .decode(refresh_token, TokenKind::Refresh, now)
            .map_err(|_| invalid())?;
        let mut row = self
            .store
            .refresh_token(claims.jti)
            .await?
            .ok_or_else(invalid)?;
        if row.token_digest != self.secrets.digest(refresh_token)
            || row.session_id != claims.session_id
        {
            return Err(invalid());
        }
        let session = self
            .store
            .session(row.session_id)
            .await?
            .ok_or_else(invalid)?;
        let user = self
            .store
            .user(row.user_id)
            .await?
            .filter(User::is_usable)
            .ok_or_else(invalid)?;
        if session.revoked_at.is_some() || row.expires_at <= now {
            return Err(invalid());
        }
        if row.rotated_at.is_none() {
            let (successor, pair) = self.issue(&user, row.session_id, now);
            let changes = [
                Change::RotateRefreshToken {
                    id: row.id,
                    at: now,
                    successor_id: successor.id,
                },
                Change::InsertRefreshToken(successor),
            ];
            match self.store.commit(&changes).await {
                Ok(()) => return Ok(pair),
                Err(StoreError::StaleVersion) => {
                    row = self
                        .store
                        .refresh_token(row.id)
                        .await?
                        .ok_or_else(invalid)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.refresh_rotated(&user, &row, now).await
    }

    /// The rotated branch: re-mint the successor inside the grace window,
    /// otherwise revoke the family.
    async fn refresh_rotated(
        &self,
        user: &User,
        row: &RefreshToken,
        now: OffsetDateTime,
    ) -> Result<TokenPair, IdentityError> {
        let in_grace = row
            .rotated_at
            .is_some_and(|at| now - at <= self.config.refresh_grace);
        if in_grace && let Some(next) = self.successor(row.successor_id).await? {
            return Ok(self.mint(user, &next));
        }
        self.store
            .commit(&[Change::RevokeSession {
                id: row.session_id,
                at: now,
            }])
            .await?;
        Err(IdentityError::InvalidRefreshToken)
    }

    async fn successor(&self, id: Option<Uuid>) -> Result<Option<RefreshToken>, IdentityError> {
        match id {
            Some(id) => Ok(self.store.refresh_token(id).await?),
            None => Ok(None),
        }
    }

    /// Ends the caller's session: its access and refresh tokens stop working.
    pub async fn logout(&self, who: &Principal) -> Result<(), IdentityError> {
        if who.impersonator().is_some() {
            return self.end_impersonation(who).await;
        }
        if let Some(id) = who.session() {
            let now = self.clock.now();
            let mut changes = vec![Change::RevokeSession { id, at: now }];
            if let Some(user) = self.store.user(who.user_id()).await? {
                let audit = about_user(AuditEntry::by(who, "auth.logout", "user", now), &user);
                changes.push(Change::Audit(audit));
            }
            self.store.commit(&changes).await?;
        }
        Ok(())
    }
}

impl IdentityService {
    /// The claims of a well-signed, unexpired access token, without touching
    /// storage: cheap enough for middleware that only needs to know who a
    /// request claims to be (rate-limit keys). Never use it to authorise:
    /// it does not see revoked sessions or deactivated users — pass the
    /// result to [`Self::authenticate_verified`] for that.
    pub fn peek_access_claims(&self, access_token: &str) -> Option<VerifiedAccess> {
        self.tokens
            .decode(access_token, TokenKind::Access, self.clock.now())
            .ok()
            .map(VerifiedAccess)
    }

    /// The subscription tier of a tenant whose id came from verified claims
    /// (per-tier rate limits); `None` when the tenant is gone.
    ///
    /// # Errors
    /// `Store`.
    pub async fn tenant_tier(
        &self,
        tenant_id: harmony_kernel::TenantId,
    ) -> Result<Option<String>, IdentityError> {
        Ok(self.store.tenant(tenant_id).await?.map(|t| t.tier))
    }
}

/// The claims of an access token whose signature, kind and expiry were
/// checked; only [`IdentityService::peek_access_claims`] makes one, so
/// [`IdentityService::authenticate_verified`] cannot be fed forged claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAccess(crate::ports::Claims);

impl VerifiedAccess {
    /// The verified claims.
    pub const fn claims(&self) -> &crate::ports::Claims {
        &self.0
    }
}
