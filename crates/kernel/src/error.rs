//! Error kinds shared by every context, so the API has exactly one
//! kind→status table and every domain error carries a stable code.

/// What kind of failure a domain error is; the API maps each to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input breaks a rule of the domain (422).
    Validation,
    /// The input is well-formed but the request cannot be done (400, as the contract wants).
    BadRequest,
    /// No or bad credentials (401).
    Unauthenticated,
    /// Authenticated but not allowed (403).
    Forbidden,
    /// The thing does not exist, or not for this caller (404).
    NotFound,
    /// The change conflicts with the current state (409).
    Conflict,
    /// Too many requests (429).
    LimitExceeded,
    /// A dependency is down (503).
    Unavailable,
    /// A bug or an infrastructure failure (500); never shown in detail.
    Internal,
}

/// Implemented by every domain crate's error enum.
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    /// How the API should answer.
    fn kind(&self) -> ErrorKind;
    /// Stable snake_case code; public API once released.
    fn code(&self) -> &'static str;
}

/// What storage ports report; adapters translate driver errors into this.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint rejected the write; the text names the constraint.
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    /// Optimistic locking: the row changed since it was read.
    #[error("row changed since it was read")]
    StaleVersion,
    /// Stored data no longer satisfies the domain's invariants.
    #[error("stored data breaks invariants: {0}")]
    Corrupt(String),
    /// Anything else from the backend (connection, SQL, I/O).
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Wraps any backend error.
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(e))
    }
}

/// Why a principal may not do something. Messages are the contract's texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// A system user called a tenant endpoint.
    #[error("Tenant access required. System users should use admin endpoints.")]
    TenantRequired,
    /// A tenant user called a system endpoint.
    #[error("System access required")]
    SystemRequired,
    /// The role lacks the permission.
    #[error("Permission '{0}' required")]
    MissingPermission(&'static str),
    /// Only the tenant owner may do this.
    #[error("Tenant owner access required")]
    OwnerRequired,
    /// Only a tenant owner or admin may do this.
    #[error("Tenant admin access required")]
    TenantAdminRequired,
    /// Only a system admin may do this.
    #[error("Super Admin access required for this operation")]
    SuperAdminRequired,
    /// Legacy admin guard (system admin, tenant owner or admin).
    #[error("Admin access required for this operation")]
    AdminRequired,
}

impl DomainError for AccessError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Forbidden
    }
    fn code(&self) -> &'static str {
        match self {
            Self::TenantRequired => "tenant_access_required",
            Self::SystemRequired => "system_access_required",
            Self::MissingPermission(_) => "permission_required",
            Self::OwnerRequired => "owner_required",
            Self::TenantAdminRequired => "tenant_admin_required",
            Self::SuperAdminRequired => "super_admin_required",
            Self::AdminRequired => "admin_required",
        }
    }
}
