//! The audit context's error enum; `Display` texts are the contract's (§3.8).

use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError};

/// Why an audit use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The caller's role or kind does not allow the operation.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// No visible record with that id (other tenants' ids included).
    #[error("Audit log not found")]
    NotFound,
    /// An archive name with `/`, `\` or `..`.
    #[error("Invalid filename")]
    InvalidFilename,
    /// No archive file with that name in the caller's archive directory.
    #[error("Archive file not found")]
    ArchiveNotFound,
    /// Clearing needs `dev.tools` on.
    #[error("Clearing audit logs is only allowed in DEV_MODE")]
    ClearNeedsDevTools,
    /// Deleting an archive needs `dev.tools` on.
    #[error("Deleting archive files is only allowed in DEV_MODE")]
    DeleteArchiveNeedsDevTools,
    /// The archive file read back does not hold exactly the selected
    /// records; nothing was deleted.
    #[error("archive could not be verified: {0}")]
    ArchiveUnverified(String),
    /// Storage failed.
    #[error("audit storage failed")]
    Store(#[from] StoreError),
}

impl DomainError for AuditError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Access(e) => e.kind(),
            Self::NotFound | Self::ArchiveNotFound => ErrorKind::NotFound,
            Self::InvalidFilename => ErrorKind::BadRequest,
            Self::ClearNeedsDevTools | Self::DeleteArchiveNeedsDevTools => ErrorKind::Forbidden,
            Self::ArchiveUnverified(_) | Self::Store(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::NotFound => "audit_log_not_found",
            Self::InvalidFilename => "invalid_filename",
            Self::ArchiveNotFound => "archive_not_found",
            Self::ClearNeedsDevTools | Self::DeleteArchiveNeedsDevTools => "dev_tools_required",
            Self::ArchiveUnverified(_) => "archive_unverified",
            Self::Store(_) => "internal_error",
        }
    }
}
