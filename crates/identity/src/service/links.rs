//! The e-mailed links: password reset, e-mail verification, invitations.

use super::{IdentityService, TokenPair, about_user, updated};
use crate::error::IdentityError;
use crate::model::{Email, OneTimeToken, Password, PersonName, TokenPurpose, User};
use crate::ports::Change;
use harmony_kernel::mail::MailTemplate;
use harmony_kernel::{AuditEntry, Origin, Principal, StoreError};
use harmony_tenancy::Tenant;

/// Input of `POST /auth/accept-invite`, already parsed.
#[derive(Debug)]
pub struct AcceptInvite {
    /// The token from the invitation link.
    pub token: String,
    /// The new password (full policy, defect 4).
    pub password: Password,
    /// Given name, replacing the invited one when present.
    pub first_name: Option<PersonName>,
    /// Family name, replacing the invited one when present.
    pub last_name: Option<PersonName>,
}

/// The two successful answers of `POST /auth/verify-email`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The address is now verified.
    Verified,
    /// It already was; nothing changed.
    AlreadyVerified,
}

impl IdentityService {
    /// Starts a password reset (§3.1 #5). Answers the same whether or not
    /// the account exists, and spends comparable work either way (defect 13):
    /// for a usable account it retires older reset tokens, stores the new
    /// token's digest and queues the reset e-mail in one commit.
    pub async fn forgot_password(
        &self,
        email: &Email,
        origin: &Origin,
    ) -> Result<(), IdentityError> {
        let user = self
            .store
            .user_by_email(email)
            .await?
            .filter(User::is_usable);
        let now = self.clock.now();
        let Some(user) = user else {
            let _ = self.secrets.digest(&self.secrets.token());
            return Ok(());
        };
        let ttl = self.config.reset_ttl;
        let (record, token) = self.one_time_token(&user, TokenPurpose::PasswordReset, ttl, now);
        let vars = serde_json::json!({
            "user_name": user.display_name(),
            "reset_url": self.link("reset-password", &token),
            "expires_in_minutes": ttl.whole_minutes(),
            "frontend_url": self.config.frontend_url.trim_end_matches('/'),
        });
        let changes = [
            Change::RetireOneTimeTokens {
                user_id: user.id,
                purpose: TokenPurpose::PasswordReset,
                at: now,
            },
            Change::InsertOneTimeToken(record),
            Self::mail(&user, MailTemplate::PasswordReset, vars, now),
            Change::Audit(about_user(
                AuditEntry::anonymous(origin, "auth.password_reset_request", "user", now)
                    .user(Some(user.id)),
                &user,
            )),
        ];
        Ok(self.store.commit(&changes).await?)
    }

    /// Sets a new password from a reset link (§3.1 #6): the token is used up,
    /// every session of the user is revoked (defect 2) and a notice is queued.
    pub async fn reset_password(
        &self,
        token: &str,
        new: &Password,
        origin: &Origin,
    ) -> Result<(), IdentityError> {
        let now = self.clock.now();
        let (record, mut user) = self
            .redeemable(TokenPurpose::PasswordReset, token)
            .await?
            .ok_or(IdentityError::InvalidResetToken)?;
        if !user.is_usable() {
            return Err(IdentityError::InvalidResetToken);
        }
        if record.expires_at < now {
            return Err(IdentityError::ResetTokenExpired);
        }
        user.password_hash = self.hasher.hash(new).await?;
        let vars = serde_json::json!({ "user_name": user.display_name() });
        let changes = [
            updated(&mut user, now),
            Change::ConsumeOneTimeToken {
                id: record.id,
                at: now,
            },
            Change::RevokeUserSessions {
                user_id: user.id,
                at: now,
            },
            Self::mail(&user, MailTemplate::PasswordChanged, vars, now),
            Change::Audit(about_user(
                AuditEntry::anonymous(origin, "auth.password_reset", "user", now)
                    .user(Some(user.id)),
                &user,
            )),
        ];
        self.store.commit(&changes).await.map_err(|e| match e {
            StoreError::StaleVersion => IdentityError::InvalidResetToken,
            other => other.into(),
        })
    }

    /// An unused token of `purpose` and its (existing) user.
    async fn redeemable(
        &self,
        purpose: TokenPurpose,
        token: &str,
    ) -> Result<Option<(OneTimeToken, User)>, IdentityError> {
        let digest = self.secrets.digest(token);
        let Some(record) = self.store.one_time_token(purpose, &digest).await? else {
            return Ok(None);
        };
        if record.used_at.is_some() {
            return Ok(None);
        }
        Ok(self.store.user(record.user_id).await?.map(|u| (record, u)))
    }

    /// Confirms an address from a verification link (§3.1 #7); links expire
    /// after `verification_ttl` (defect 14).
    pub async fn verify_email(
        &self,
        token: &str,
        origin: &Origin,
    ) -> Result<VerifyOutcome, IdentityError> {
        let now = self.clock.now();
        let (record, mut user) = self
            .redeemable(TokenPurpose::EmailVerification, token)
            .await?
            .filter(|(_, u)| u.is_usable())
            .ok_or(IdentityError::InvalidVerificationToken)?;
        if user.is_verified {
            return Ok(VerifyOutcome::AlreadyVerified);
        }
        if record.expires_at < now {
            return Err(IdentityError::InvalidVerificationToken);
        }
        user.is_verified = true;
        user.email_verified_at = Some(now);
        let changes = [
            updated(&mut user, now),
            Change::ConsumeOneTimeToken {
                id: record.id,
                at: now,
            },
            Change::Audit(about_user(
                AuditEntry::anonymous(origin, "auth.email_verified", "user", now)
                    .user(Some(user.id)),
                &user,
            )),
        ];
        self.store.commit(&changes).await?;
        Ok(VerifyOutcome::Verified)
    }

    /// Sends a new verification link (§3.1 #8). Keeps the contract's answers
    /// (404 unknown, 400 verified), which reveal whether an account exists;
    /// the API caps this with a rate limit (defect 11/13).
    pub async fn resend_verification(&self, raw_email: &str) -> Result<(), IdentityError> {
        let email = Email::parse(raw_email).map_err(|_| IdentityError::UserNotFound)?;
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .filter(User::is_usable)
            .ok_or(IdentityError::UserNotFound)?;
        if user.is_verified {
            return Err(IdentityError::EmailAlreadyVerified);
        }
        let now = self.clock.now();
        let purpose = TokenPurpose::EmailVerification;
        let (record, token) =
            self.one_time_token(&user, purpose, self.config.verification_ttl, now);
        let vars = serde_json::json!({
            "user_name": user.display_name(),
            "verification_url": self.link("verify-email", &token),
        });
        let changes = [
            Change::RetireOneTimeTokens {
                user_id: user.id,
                purpose,
                at: now,
            },
            Change::InsertOneTimeToken(record),
            Self::mail(&user, MailTemplate::EmailVerification, vars, now),
        ];
        Ok(self.store.commit(&changes).await?)
    }

    /// Accepts an invitation (§3.1 #10, intended semantics, defect 3): sets
    /// the password, activates and verifies the account, uses up the token,
    /// re-checks the tenant's user limit and signs the user in.
    pub async fn accept_invite(
        &self,
        cmd: AcceptInvite,
        origin: &Origin,
    ) -> Result<(User, Tenant, TokenPair), IdentityError> {
        let now = self.clock.now();
        let (record, mut user) = self
            .redeemable(TokenPurpose::Invitation, &cmd.token)
            .await?
            .filter(|(_, u)| u.is_live() && u.invitation_pending)
            .ok_or(IdentityError::InvalidInvitationToken)?;
        if record.expires_at < now {
            return Err(IdentityError::InvitationExpired);
        }
        let (tenant_id, role) = user
            .tenant_id()
            .zip(user.tenant_role())
            .ok_or(IdentityError::InvalidInvitationToken)?;
        let scope =
            Principal::verified_tenant_user(user.id, None, tenant_id, role).tenant_scope()?;
        let tenant = self.active_tenant(&scope).await?;
        if tenant
            .max_users
            .is_reached_by(self.store.count_active_users(&scope).await?)
        {
            return Err(IdentityError::UserLimitReached(tenant.max_users.raw()));
        }
        user.password_hash = self.hasher.hash(&cmd.password).await?;
        if cmd.first_name.is_some() || cmd.last_name.is_some() {
            let (first, last) = (
                cmd.first_name.map(PersonName::into_string),
                cmd.last_name.map(PersonName::into_string),
            );
            user.full_name = User::compose_full_name(first.as_deref(), last.as_deref());
            user.first_name = first.or(user.first_name);
            user.last_name = last.or(user.last_name);
        }
        user.is_active = true;
        user.is_verified = true;
        user.email_verified_at = Some(now);
        user.invitation_pending = false;
        user.invited_by = None;
        let mut changes = vec![
            Change::ReserveUserSeat {
                tenant_id,
                limit: tenant.max_users,
            },
            updated(&mut user, now),
            Change::ConsumeOneTimeToken {
                id: record.id,
                at: now,
            },
        ];
        let (session, pair) = self.start_session(&user, now);
        changes.extend(session);
        changes.push(Change::Audit(
            about_user(
                AuditEntry::anonymous(origin, "user.updated", "user", now).user(Some(user.id)),
                &user,
            )
            .detail("action", "invitation_accepted"),
        ));
        self.store.commit(&changes).await.map_err(|e| match e {
            StoreError::StaleVersion => IdentityError::InvalidInvitationToken,
            StoreError::Conflict(what) if what.contains("user_limit") => {
                IdentityError::UserLimitReached(tenant.max_users.raw())
            }
            other => other.into(),
        })?;
        Ok((user, tenant, pair))
    }
}
