//! Identity's error enum: every business refusal of the contract (§3.1, §3.2,
//! §10) as a variant whose `Display` is the contract's exact message.

use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError};

/// Why an identity use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The caller's role or kind does not allow the operation.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A value object or derived value breaks a rule; the API answers 422
    /// with `body -> <field>`.
    #[error("{message}")]
    Validation {
        /// The request body field the value came from, e.g. `admin_password`.
        field: &'static str,
        /// The validator's message.
        message: String,
    },
    /// A live account already uses the address.
    #[error("Email already registered")]
    EmailAlreadyRegistered,
    /// A tenant already uses the subdomain.
    #[error("Subdomain already taken")]
    SubdomainTaken,
    /// Login failed; also for unknown accounts and tenants (no enumeration).
    #[error("Incorrect email or password")]
    InvalidCredentials,
    /// Any refresh failure, including reuse of a rotated token.
    #[error("Invalid or expired refresh token")]
    InvalidRefreshToken,
    /// Bad, expired or revoked access token, or its user is gone.
    #[error("Could not validate credentials")]
    InvalidAccessToken,
    /// The account is deactivated.
    #[error("Inactive user")]
    InactiveUser,
    /// The account's tenant was deactivated by the platform.
    #[error("Tenant is inactive")]
    TenantInactive,
    /// The tenant does not exist.
    #[error("Tenant not found")]
    TenantNotFound,
    /// No such account (for this caller).
    #[error("User not found")]
    UserNotFound,
    /// The tenant reached `max_users` (POST /users wording).
    #[error("User limit reached ({0}). Upgrade your plan to add more users.")]
    UserLimitReached(i64),
    /// The tenant reached `max_users` (invite wording).
    #[error("User limit reached ({0}). Upgrade your plan.")]
    InviteUserLimitReached(i64),
    /// The subscription does not allow growth (POST /users wording).
    #[error("Your subscription is not active. Please contact your administrator.")]
    SubscriptionInactive,
    /// The subscription does not allow growth (invite wording).
    #[error("Your subscription is not active.")]
    InviteSubscriptionInactive,
    /// The branch is not one of the caller's tenant.
    #[error("Invalid branch")]
    InvalidBranch,
    /// Owner role changes go through ownership transfer.
    #[error("Cannot change owner's role. Use ownership transfer instead.")]
    CannotChangeOwnerRole,
    /// Nobody becomes owner by an update.
    #[error("Cannot promote to owner. Use ownership transfer instead.")]
    CannotPromoteToOwner,
    /// An owner or admin tried to lower their own role.
    #[error("Cannot demote yourself")]
    CannotDemoteSelf,
    /// An admin tried to change the owner or another admin (defect 7).
    #[error("Admins cannot modify the owner or other admins")]
    CannotManagePeer,
    /// Self-deletion goes through `DELETE /users/me`.
    #[error("Cannot delete your own account")]
    CannotDeleteSelf,
    /// The owner is removed only by account closure.
    #[error("Cannot delete tenant owner. Use account closure instead.")]
    CannotDeleteOwner,
    /// Change-password for someone else.
    #[error("Can only change your own password")]
    NotOwnPassword,
    /// Change-password with a wrong current password.
    #[error("Current password is incorrect")]
    CurrentPasswordIncorrect,
    /// Unknown or used reset token.
    #[error("Invalid or expired reset token")]
    InvalidResetToken,
    /// Reset token past its expiry.
    #[error("Reset token has expired. Please request a new one.")]
    ResetTokenExpired,
    /// Unknown, used or expired verification token.
    #[error("Invalid verification token")]
    InvalidVerificationToken,
    /// Resend-verification for a verified address.
    #[error("Email already verified")]
    EmailAlreadyVerified,
    /// Unknown or used invitation token.
    #[error("Invalid invitation token")]
    InvalidInvitationToken,
    /// Invitation past its expiry.
    #[error("Invitation has expired. Please request a new one.")]
    InvitationExpired,
    /// Password confirmation failed (transfer, delete-me).
    #[error("Incorrect password")]
    IncorrectPassword,
    /// Ownership transfer to the owner.
    #[error("Cannot transfer ownership to yourself")]
    TransferToSelf,
    /// Ownership transfer to a deactivated or pending account.
    #[error("Cannot transfer ownership to inactive user")]
    TransferToInactive,
    /// Owners close the tenant instead.
    #[error("Owners cannot delete their account. Use account closure to delete the entire tenant.")]
    OwnerCannotDeleteSelf,
    /// An impersonation token may not do this (change passwords, close or
    /// delete accounts, transfer ownership, start another impersonation).
    #[error("Not allowed while impersonating a user")]
    ImpersonationForbidden,
    /// Only active tenant users of active tenants can be impersonated.
    #[error("Only active users of active tenants can be impersonated")]
    NotImpersonable,
    /// Ending an impersonation with an ordinary token.
    #[error("This session is not an impersonation")]
    NotImpersonating,
    /// The records changed while the use case ran (optimistic locking).
    #[error("The record was changed by someone else. Please reload and retry.")]
    Conflict,
    /// A bug: an invariant the service relies on does not hold.
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// Storage failed.
    #[error("identity storage failed")]
    Store(#[source] StoreError),
}

impl IdentityError {
    /// A validation failure of one body field.
    pub fn validation(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Validation {
            field,
            message: message.to_string(),
        }
    }
}

impl From<StoreError> for IdentityError {
    /// Decides what storage failures mean when the caller did not: lost
    /// optimistic-locking races and unique violations at commit time are
    /// conflicts (409), everything else is internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StaleVersion | StoreError::Conflict(_) => Self::Conflict,
            other => Self::Store(other),
        }
    }
}

impl DomainError for IdentityError {
    fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::Access(e) => e.kind(),
            Self::Validation { .. } => K::Validation,
            Self::EmailAlreadyRegistered
            | Self::SubdomainTaken
            | Self::InvalidBranch
            | Self::CannotChangeOwnerRole
            | Self::CannotPromoteToOwner
            | Self::CannotDemoteSelf
            | Self::CannotDeleteSelf
            | Self::CannotDeleteOwner
            | Self::CurrentPasswordIncorrect
            | Self::InvalidResetToken
            | Self::ResetTokenExpired
            | Self::InvalidVerificationToken
            | Self::EmailAlreadyVerified
            | Self::InvalidInvitationToken
            | Self::InvitationExpired
            | Self::IncorrectPassword
            | Self::TransferToSelf
            | Self::TransferToInactive
            | Self::NotImpersonating
            | Self::OwnerCannotDeleteSelf => K::BadRequest,
            Self::InvalidCredentials | Self::InvalidRefreshToken | Self::InvalidAccessToken => {
                K::Unauthenticated
            }
            Self::InactiveUser
            | Self::TenantInactive
            | Self::UserLimitReached(_)
            | Self::InviteUserLimitReached(_)
            | Self::SubscriptionInactive
            | Self::InviteSubscriptionInactive
            | Self::CannotManagePeer
            | Self::ImpersonationForbidden
            | Self::NotOwnPassword => K::Forbidden,
            Self::TenantNotFound | Self::UserNotFound => K::NotFound,
            Self::Conflict | Self::NotImpersonable => K::Conflict,
            Self::Internal(_) | Self::Store(_) => K::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::Validation { .. } => "validation_error",
            Self::EmailAlreadyRegistered => "email_already_registered",
            Self::SubdomainTaken => "subdomain_taken",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::InvalidAccessToken => "invalid_access_token",
            Self::InactiveUser => "inactive_user",
            Self::TenantInactive => "tenant_inactive",
            Self::TenantNotFound => "tenant_not_found",
            Self::UserNotFound => "user_not_found",
            Self::UserLimitReached(_) | Self::InviteUserLimitReached(_) => "user_limit_reached",
            Self::SubscriptionInactive | Self::InviteSubscriptionInactive => {
                "subscription_inactive"
            }
            Self::InvalidBranch => "invalid_branch",
            Self::CannotChangeOwnerRole => "cannot_change_owner_role",
            Self::CannotPromoteToOwner => "cannot_promote_to_owner",
            Self::CannotDemoteSelf => "cannot_demote_self",
            Self::CannotManagePeer => "cannot_manage_peer",
            Self::CannotDeleteSelf => "cannot_delete_self",
            Self::CannotDeleteOwner => "cannot_delete_owner",
            Self::NotOwnPassword => "not_own_password",
            Self::CurrentPasswordIncorrect => "current_password_incorrect",
            Self::InvalidResetToken => "invalid_reset_token",
            Self::ResetTokenExpired => "reset_token_expired",
            Self::InvalidVerificationToken => "invalid_verification_token",
            Self::EmailAlreadyVerified => "email_already_verified",
            Self::InvalidInvitationToken => "invalid_invitation_token",
            Self::InvitationExpired => "invitation_expired",
            Self::IncorrectPassword => "incorrect_password",
            Self::TransferToSelf => "transfer_to_self",
            Self::TransferToInactive => "transfer_to_inactive",
            Self::OwnerCannotDeleteSelf => "owner_cannot_delete_self",
            Self::ImpersonationForbidden => "impersonation_forbidden",
            Self::NotImpersonable => "not_impersonable",
            Self::NotImpersonating => "not_impersonating",
            Self::Conflict => "concurrent_modification",
            Self::Internal(_) | Self::Store(_) => "internal_error",
        }
    }
}
