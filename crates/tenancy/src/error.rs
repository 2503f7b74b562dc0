//! Tenancy's error enum: every business refusal of the branch contract
//! (§3.3, §10.5) as a variant whose `Display` is the contract's exact message.

use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError};

/// Why a tenancy use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    /// The caller's role or kind does not allow the operation.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A command value breaks a rule; the API answers 422 with `body -> <field>`.
    #[error("{message}")]
    Validation {
        /// The request body field, e.g. `name`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The caller's tenant record is gone.
    #[error("Tenant not found")]
    TenantNotFound,
    /// The tenant was deactivated by the platform (guard G-TENANT).
    #[error("Tenant is inactive")]
    TenantInactive,
    /// No live branch with that id in the caller's tenant.
    #[error("Branch not found")]
    BranchNotFound,
    /// The subscription does not allow growth (§10.5).
    #[error("Your subscription is not active. Please contact your administrator.")]
    SubscriptionInactive,
    /// The tenant reached `max_branches` (§10.5).
    #[error("Branch limit reached ({0}). Upgrade your plan to add more branches.")]
    BranchLimitReached(i64),
    /// The code is used by another branch of the tenant, deleted ones included.
    #[error("Branch with code '{0}' already exists")]
    CodeExists(String),
    /// The headquarters cannot be deleted.
    #[error("Cannot delete headquarters branch")]
    CannotDeleteHeadquarters,
    /// Active users still have the branch as their default.
    #[error("Cannot delete branch with {0} active user(s). Please reassign users first.")]
    BranchHasUsers(u64),
    /// `PUT is_active=false` on the headquarters (defect 8).
    #[error("Cannot deactivate headquarters branch")]
    CannotDeactivateHeadquarters,
    /// `PUT is_active=false` while active users have it as default (defect 8).
    #[error("Cannot deactivate branch with {0} active user(s). Please reassign users first.")]
    DeactivateBranchHasUsers(u64),
    /// `PUT is_hq=false` on the headquarters: a tenant keeps exactly one.
    #[error(
        "A tenant must keep one headquarters branch. Set another branch as headquarters instead."
    )]
    HeadquartersRequired,
    /// An inactive branch cannot become the headquarters.
    #[error("Cannot set an inactive branch as headquarters")]
    InactiveHeadquarters,
    /// The records changed while the use case ran (optimistic locking).
    #[error("The record was changed by someone else. Please reload and retry.")]
    Conflict,
    /// Cancel-scheduled without a pending tier change (§3.4).
    #[error("No scheduled tier change to cancel")]
    NoScheduledChange,
    /// Storage failed.
    #[error("tenancy storage failed")]
    Store(#[source] StoreError),
}

impl TenancyError {
    /// A validation failure of one body field.
    pub fn validation(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Validation {
            field,
            message: message.to_string(),
        }
    }
}

impl From<StoreError> for TenancyError {
    /// Lost optimistic-locking races and unclassified unique violations at
    /// commit time are conflicts (409); everything else is internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StaleVersion | StoreError::Conflict(_) => Self::Conflict,
            other => Self::Store(other),
        }
    }
}

impl DomainError for TenancyError {
    fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::Access(e) => e.kind(),
            Self::Validation { .. } => K::Validation,
            Self::TenantInactive | Self::SubscriptionInactive | Self::BranchLimitReached(_) => {
                K::Forbidden
            }
            Self::TenantNotFound | Self::BranchNotFound => K::NotFound,
            Self::CodeExists(_)
            | Self::CannotDeleteHeadquarters
            | Self::BranchHasUsers(_)
            | Self::CannotDeactivateHeadquarters
            | Self::DeactivateBranchHasUsers(_)
            | Self::HeadquartersRequired
            | Self::InactiveHeadquarters
            | Self::NoScheduledChange => K::BadRequest,
            Self::Conflict => K::Conflict,
            Self::Store(_) => K::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::Validation { .. } => "validation_error",
            Self::TenantNotFound => "tenant_not_found",
            Self::TenantInactive => "tenant_inactive",
            Self::BranchNotFound => "branch_not_found",
            Self::SubscriptionInactive => "subscription_inactive",
            Self::BranchLimitReached(_) => "branch_limit_reached",
            Self::CodeExists(_) => "branch_code_exists",
            Self::CannotDeleteHeadquarters => "cannot_delete_headquarters",
            Self::BranchHasUsers(_) | Self::DeactivateBranchHasUsers(_) => "branch_has_users",
            Self::CannotDeactivateHeadquarters => "cannot_deactivate_headquarters",
            Self::HeadquartersRequired => "headquarters_required",
            Self::InactiveHeadquarters => "inactive_headquarters",
            Self::NoScheduledChange => "no_scheduled_change",
            Self::Conflict => "concurrent_modification",
            Self::Store(_) => "internal_error",
        }
    }
}
