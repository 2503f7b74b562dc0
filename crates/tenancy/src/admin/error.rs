//! Why a platform-administration read refused or failed.

use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError, TenantId};

/// Refusals of [`super::TenantAdminService`], with the contract's messages.
#[derive(Debug, thiserror::Error)]
pub enum TenantAdminError {
    /// The caller is no system user, or lacks the permission.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No tenant with that id (§3.5: `Tenant with ID <id> not found`).
    #[error("Tenant with ID {0} not found")]
    TenantNotFound(TenantId),
    /// No tenant with that subdomain.
    #[error("Tenant with subdomain '{0}' not found")]
    SubdomainNotFound(String),
    /// The tenant was deleted (soft); no write revives it (defect 43).
    #[error("Tenant with ID {0} is deleted")]
    TenantDeleted(TenantId),
    /// Another tenant already uses that custom domain.
    #[error("Domain '{0}' already in use")]
    DomainTaken(String),
    /// A write's input breaks a rule the HTTP schema cannot express.
    #[error("{0}")]
    Invalid(String),
    /// The tenant changed since it was read (optimistic locking).
    #[error("The tenant was changed concurrently; reload and retry")]
    Stale,
    /// Storage failed.
    #[error("tenant directory storage failed")]
    Store(#[from] StoreError),
}

impl DomainError for TenantAdminError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Access(e) => e.kind(),
            Self::TenantNotFound(_) | Self::SubdomainNotFound(_) => ErrorKind::NotFound,
            Self::TenantDeleted(_) | Self::DomainTaken(_) | Self::Stale => ErrorKind::Conflict,
            Self::Invalid(_) => ErrorKind::Validation,
            Self::Store(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::TenantNotFound(_) | Self::SubdomainNotFound(_) => "tenant_not_found",
            Self::TenantDeleted(_) => "tenant_deleted",
            Self::DomainTaken(_) => "domain_taken",
            Self::Invalid(_) => "validation_error",
            Self::Stale => "concurrent_modification",
            Self::Store(_) => "internal_error",
        }
    }
}
