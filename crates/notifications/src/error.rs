//! The notifications context's error enum; `Display` texts are the
//! contract's (§3.10) where it has one.

use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError};

/// The admin send `target` grammar's refusal (§3.10 A1).
pub const INVALID_TARGET: &str =
    "Invalid target format. Use 'all', 'all_tenants', 'tenant:<id>', or 'user:<id>'";

/// Why a notifications use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// The caller may not do this (admin endpoints are G-SUPER).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No active notification with that id in the caller's inbox.
    #[error("Notification not found")]
    NotFound,
    /// `user:<id>` names no user (the original answered 500, defect 39).
    #[error("User not found")]
    UserNotFound,
    /// `tenant:<x>` where x is not a UUID.
    #[error("Invalid tenant ID format")]
    InvalidTenantId,
    /// `user:<x>` where x is not a UUID.
    #[error("Invalid user ID format")]
    InvalidUserId,
    /// A target outside the grammar.
    #[error("{INVALID_TARGET}")]
    InvalidTarget,
    /// A preference for a type that does not exist (defect 39: the original
    /// stored any string).
    #[error("Unknown notification type '{0}'")]
    UnknownType(String),
    /// A field outside its bounds (title, message, ids, paging); the text
    /// names the field and the rule.
    #[error("{0}")]
    Invalid(&'static str),
    /// Storage failed.
    #[error("notification storage failed")]
    Store(#[from] StoreError),
}

impl DomainError for NotificationError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Access(e) => e.kind(),
            Self::NotFound | Self::UserNotFound => ErrorKind::NotFound,
            Self::InvalidTenantId | Self::InvalidUserId | Self::InvalidTarget => {
                ErrorKind::BadRequest
            }
            Self::UnknownType(_) | Self::Invalid(_) => ErrorKind::Validation,
            Self::Store(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::NotFound => "notification_not_found",
            Self::UserNotFound => "user_not_found",
            Self::InvalidTenantId => "invalid_tenant_id",
            Self::InvalidUserId => "invalid_user_id",
            Self::InvalidTarget => "invalid_target",
            Self::UnknownType(_) => "unknown_notification_type",
            Self::Invalid(_) => "validation_error",
            Self::Store(_) => "internal_error",
        }
    }
}
