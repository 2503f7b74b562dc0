//! The files context's error enum: every refusal of §3.9 as a variant whose
//! `Display` is the contract's exact message, and its kind (status).

use crate::ports::ObjectStoreError;
use crate::rules::RuleViolation;
use harmony_kernel::{AccessError, DomainError, ErrorKind, StoreError, TenantId};

/// What an avatar request tried to do for another user (the 403 message
/// names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarAction {
    /// Presign.
    Upload,
    /// Confirm (set).
    Set,
    /// Delete.
    Delete,
}

impl std::fmt::Display for AvatarAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Upload => "upload",
            Self::Set => "set",
            Self::Delete => "delete",
        })
    }
}

/// Why a files use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The caller's role or kind does not allow the operation (403).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A request field breaks its rule; the API answers 422 with
    /// `body -> <field>` (custom rules get the `Value error, ` prefix there).
    #[error("{message}")]
    Validation {
        /// The request body field, e.g. `filename`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The category's size/type/extension rules (400, message as `detail`).
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    /// A system user called without `X-Tenant-ID` (G-CTX, 400).
    #[error("X-Tenant-ID header required for system users")]
    TenantHeaderRequired,
    /// The context tenant does not exist (G-CTX, 404).
    #[error("Tenant {0} not found")]
    TenantNotFound(TenantId),
    /// The tenant was deactivated: no file access (defect 10, 403).
    #[error("Tenant is inactive")]
    TenantInactive,
    /// The upload would exceed the tenant's storage (defect 15: 403, not 500).
    #[error("{0}")]
    QuotaExceeded(String),
    /// No such (active) file in the tenant (404).
    #[error("File not found")]
    FileNotFound,
    /// The storage key is not a pending upload of this tenant and category
    /// (defect 16: a key of another tenant is indistinguishable, 404).
    #[error("Upload not found")]
    UploadNotFound,
    /// Confirm of a key whose file is already active (409).
    #[error("File already confirmed")]
    AlreadyConfirmed,
    /// A confirm without `original_request` (400; the API detects it).
    #[error("Original upload request required")]
    OriginalRequestRequired,
    /// Confirm before the object was uploaded (400).
    #[error("Uploaded file not found in storage")]
    ObjectMissing,
    /// The first bytes contradict the declared image/PDF type (400).
    #[error("File content does not match its content type '{0}'")]
    ContentMismatch(String),
    /// The avatar rule: self, tenant owner/admin or system admin (403).
    #[error("Cannot {0} avatar for other users")]
    AvatarForOthers(AvatarAction),
    /// The avatar's target is not a user of the tenant (defect 20, 404).
    #[error("User not found")]
    UserNotFound,
    /// A member changing a file uploaded by someone else (defect 19, 403).
    #[error("You can only modify files you uploaded")]
    NotYourFile,
    /// The record changed while the use case ran (optimistic locking, 409).
    #[error("The record was changed by someone else. Please reload and retry.")]
    Conflict,
    /// Object storage is down (503).
    #[error("Storage service unavailable. Please ensure MinIO/S3 is running.")]
    StorageUnavailable,
    /// Object storage failed otherwise (500).
    #[error("object storage failed")]
    StorageFailed(#[source] ObjectStoreError),
    /// The database failed (500).
    #[error("files storage failed")]
    Store(#[source] StoreError),
}

impl FilesError {
    /// A validation failure of one body field.
    pub fn validation(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Validation {
            field,
            message: message.to_string(),
        }
    }
}

impl From<StoreError> for FilesError {
    /// Lost optimistic-locking races and unclassified unique violations are
    /// conflicts (409); everything else is internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StaleVersion | StoreError::Conflict(_) => Self::Conflict,
            other => Self::Store(other),
        }
    }
}

impl From<ObjectStoreError> for FilesError {
    fn from(e: ObjectStoreError) -> Self {
        match e {
            ObjectStoreError::Unavailable(_) => Self::StorageUnavailable,
            other @ ObjectStoreError::Failed(_) => Self::StorageFailed(other),
        }
    }
}

impl DomainError for FilesError {
    fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::Access(e) => e.kind(),
            Self::Validation { .. } => K::Validation,
            Self::Rule(_)
            | Self::TenantHeaderRequired
            | Self::OriginalRequestRequired
            | Self::ObjectMissing
            | Self::ContentMismatch(_) => K::BadRequest,
            Self::TenantInactive
            | Self::QuotaExceeded(_)
            | Self::AvatarForOthers(_)
            | Self::NotYourFile => K::Forbidden,
            Self::TenantNotFound(_)
            | Self::FileNotFound
            | Self::UploadNotFound
            | Self::UserNotFound => K::NotFound,
            Self::AlreadyConfirmed | Self::Conflict => K::Conflict,
            Self::StorageUnavailable => K::Unavailable,
            Self::StorageFailed(_) | Self::Store(_) => K::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(e) => e.code(),
            Self::Validation { .. } => "validation_error",
            Self::Rule(RuleViolation::TooLarge(_)) => "file_too_large",
            Self::Rule(RuleViolation::ContentType { .. }) => "content_type_not_allowed",
            Self::Rule(_) => "extension_not_allowed",
            Self::TenantHeaderRequired => "tenant_header_required",
            Self::TenantNotFound(_) => "tenant_not_found",
            Self::TenantInactive => "tenant_inactive",
            Self::QuotaExceeded(_) => "storage_quota_exceeded",
            Self::FileNotFound => "file_not_found",
            Self::UploadNotFound => "upload_not_found",
            Self::AlreadyConfirmed => "file_already_confirmed",
            Self::OriginalRequestRequired => "original_request_required",
            Self::ObjectMissing => "object_missing",
            Self::ContentMismatch(_) => "content_mismatch",
            Self::AvatarForOthers(_) => "avatar_for_other_user",
            Self::UserNotFound => "user_not_found",
            Self::NotYourFile => "not_your_file",
            Self::Conflict => "concurrent_modification",
            Self::StorageUnavailable => "storage_unavailable",
            Self::StorageFailed(_) | Self::Store(_) => "internal_error",
        }
    }
}
