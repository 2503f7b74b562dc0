//! Impersonation (roadmap P2-3): a system admin signs in as a tenant user to
//! see what they see, for support.
//!
//! The safeguards are structural rather than procedural:
//! - the admin must hold `system.tenants.impersonate` and give a reason;
//! - the session is time-boxed (1–60 minutes, 15 by default) and has no
//!   refresh token, so it cannot be extended;
//! - the access token carries the RFC 8693 `act` claim and the session row
//!   records the admin, and both must agree on every request;
//! - the resulting [`Principal`] names the admin as impersonator, so every
//!   audit entry of the session records both people, and use cases that
//!   would hand the account over (password change, account closure, self
//!   deletion, ownership transfer) refuse it;
//! - starting and ending are audited in the impersonated user's tenant, so
//!   the tenant sees them in its own trail.

use super::IdentityService;
use crate::error::IdentityError;
use crate::model::{Session, User, UserKind};
use crate::ports::{Change, Claims, TokenKind};
use harmony_kernel::{AuditEntry, Principal, SessionId, SystemPermission, TenantId, UserId};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Default length of an impersonation, in minutes.
pub const DEFAULT_IMPERSONATION_MINUTES: u32 = 15;
/// Longest allowed impersonation, in minutes.
pub const MAX_IMPERSONATION_MINUTES: u32 = 60;

/// What an admin asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpersonationRequest {
    /// The tenant user to act as.
    pub user_id: UserId,
    /// Why (3–500 characters after trimming); recorded in the audit trail.
    pub reason: String,
    /// Length in minutes (1–60); `None` for the default.
    pub minutes: Option<u32>,
}

/// A started impersonation: the access token and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impersonation {
    /// The access token (no refresh token exists).
    pub access_token: String,
    /// The session the token belongs to; logging out ends it.
    pub session_id: SessionId,
    /// The impersonated user.
    pub user_id: UserId,
    /// Their tenant.
    pub tenant_id: TenantId,
    /// The admin acting.
    pub actor_id: UserId,
    /// Why.
    pub reason: String,
    /// Start.
    pub started_at: OffsetDateTime,
    /// When the token stops working.
    pub expires_at: OffsetDateTime,
}

impl IdentityService {
    /// Starts an impersonation of a tenant user.
    ///
    /// # Errors
    /// `Access` unless the caller may impersonate (system admins; never an
    /// impersonation itself), `Validation` for the reason or length,
    /// `UserNotFound` for unknown or deleted users, `NotImpersonable` for
    /// system users, inactive users and users of inactive tenants.
    pub async fn start_impersonation(
        &self,
        who: &Principal,
        request: ImpersonationRequest,
    ) -> Result<Impersonation, IdentityError> {
        if who.impersonator().is_some() {
            return Err(IdentityError::ImpersonationForbidden);
        }
        who.require_system(SystemPermission::TenantsImpersonate)?;
        let reason = request.reason.trim().to_owned();
        if !(3..=500).contains(&reason.chars().count()) {
            return Err(IdentityError::validation(
                "reason",
                "Reason must be between 3 and 500 characters",
            ));
        }
        let minutes = request.minutes.unwrap_or(DEFAULT_IMPERSONATION_MINUTES);
        if !(1..=MAX_IMPERSONATION_MINUTES).contains(&minutes) {
            return Err(IdentityError::validation(
                "duration_minutes",
                format!("Duration must be between 1 and {MAX_IMPERSONATION_MINUTES} minutes"),
            ));
        }
        let user = self
            .store
            .user(request.user_id)
            .await?
            .filter(User::is_live)
            .ok_or(IdentityError::UserNotFound)?;
        let UserKind::Tenant { tenant_id, role } = user.kind else {
            return Err(IdentityError::NotImpersonable);
        };
        let tenant_active = self
            .store
            .tenant(tenant_id)
            .await?
            .is_some_and(|t| t.is_active && t.deleted_at.is_none());
        if !user.is_active || !tenant_active {
            return Err(IdentityError::NotImpersonable);
        }
        let now = self.clock.now();
        let expires_at = now + Duration::minutes(i64::from(minutes));
        let session = Session {
            id: SessionId::new(),
            user_id: user.id,
            created_at: now,
            revoked_at: None,
            impersonator_id: Some(who.user_id()),
        };
        let claims = Claims {
            user_id: user.id,
            tenant: Some((tenant_id, role)),
            system_role: None,
            legacy_role: user.legacy_role().to_owned(),
            kind: TokenKind::Access,
            jti: Uuid::now_v7(),
            session_id: session.id,
            issued_at: now,
            expires_at,
            actor: Some(who.user_id()),
        };
        let audit = AuditEntry::by(who, "impersonation.started", "user", now)
            .tenant(Some(tenant_id))
            .resource_id(user.id)
            .detail("email", user.email.as_str())
            .detail("reason", reason.as_str())
            .detail("session_id", session.id.to_string())
            .detail("duration_minutes", minutes);
        let started = Impersonation {
            access_token: self.tokens.encode(&claims),
            session_id: session.id,
            user_id: user.id,
            tenant_id,
            actor_id: who.user_id(),
            reason,
            started_at: now,
            expires_at,
        };
        self.store
            .commit(&[Change::InsertSession(session), Change::Audit(audit)])
            .await?;
        Ok(started)
    }

    /// Ends the caller's impersonation (its token stops working at once).
    ///
    /// # Errors
    /// `NotImpersonating` (400) when the caller's token is an ordinary one.
    pub async fn end_impersonation(&self, who: &Principal) -> Result<(), IdentityError> {
        let (Some(_), Some(session)) = (who.impersonator(), who.session()) else {
            return Err(IdentityError::NotImpersonating);
        };
        let now = self.clock.now();
        let audit = AuditEntry::by(who, "impersonation.ended", "user", now)
            .resource_id(who.user_id())
            .detail("session_id", session.to_string());
        Ok(self
            .store
            .commit(&[
                Change::RevokeSession {
                    id: session,
                    at: now,
                },
                Change::Audit(audit),
            ])
            .await?)
    }

    /// Refuses use cases that would hand an account over during an
    /// impersonation.
    pub(crate) fn refuse_impersonation(who: &Principal) -> Result<(), IdentityError> {
        if who.impersonator().is_some() {
            Err(IdentityError::ImpersonationForbidden)
        } else {
            Ok(())
        }
    }
}
