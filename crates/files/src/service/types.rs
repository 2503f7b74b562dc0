//! Commands and results of the files use cases (transport-neutral; the API
//! maps its DTOs onto these).

use crate::model::{FileCategory, FileRecord};
use crate::ports::PresignedUrl;
use crate::rules::{GB, MB};
use harmony_kernel::TenantId;
use uuid::Uuid;

/// FileUploadRequest (§3.9 #1): what the client declares before uploading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// Display/download name (1–255, no `..` `/` `\` NUL).
    pub filename: String,
    /// Declared MIME type (must contain `/`; lower-cased).
    pub content_type: String,
    /// Declared size (> 0); only used for the early checks, confirm takes
    /// the stored size.
    pub size_bytes: i64,
    /// Category (decides the rules).
    pub category: FileCategory,
    /// What the file belongs to (≤ 50 chars).
    pub resource_type: Option<String>,
    /// Id of what it belongs to.
    pub resource_id: Option<Uuid>,
    /// Informational flag (public access is by category prefix).
    pub is_public: bool,
}

/// TenantLogoUpload / UserAvatarUpload: an image declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUpload {
    /// Display name (1–255, no `..` `/` `\` NUL).
    pub filename: String,
    /// Must start with `image/`.
    pub content_type: String,
    /// Declared size (> 0).
    pub size_bytes: i64,
}

/// FileUploadConfirm: what the client adds at confirmation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UploadConfirm {
    /// Client checksum (≤ 64 chars).
    pub checksum: Option<String>,
    /// Free-form metadata (`{}` when absent).
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// PresignedUploadResponse plus the pending record's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedUpload {
    /// The pending record.
    pub file_id: Uuid,
    /// Where the client uploads (and what it confirms).
    pub storage_key: String,
    /// The signed `PUT`.
    pub upload: PresignedUrl,
    /// The category's limit (`max MB × 1048576`).
    pub max_size_bytes: i64,
}

/// FileDownloadResponse: the file and a signed `GET`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDownload {
    /// The file.
    pub file: FileRecord,
    /// The signed URL with its disposition.
    pub download: PresignedUrl,
}

/// PATCH `/files/{id}`: each field replaces (metadata: shallow merge).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilePatch {
    /// New display name.
    pub filename: Option<String>,
    /// Keys merged into the existing metadata.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// New public flag.
    pub is_public: Option<bool>,
}

/// StorageUsageResponse's inputs; the derived numbers are methods so the
/// API and the admin views compute them one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUsage {
    /// The tenant.
    pub tenant_id: TenantId,
    /// `tenants.storage_used_bytes`.
    pub used_bytes: i64,
    /// `max_storage_gb` (−1 unlimited).
    pub limit_gb: i64,
    /// Active files.
    pub file_count: u64,
}

#[expect(
    clippy::cast_precision_loss,
    reason = "display values with few decimals"
)]
fn ratio(a: i64, b: i64) -> f64 {
    a as f64 / b as f64
}

fn round(x: f64, dp: i32) -> f64 {
    let f = 10f64.powi(dp);
    (x * f).round() / f
}

impl StorageUsage {
    /// Whether the tenant has no quota.
    pub const fn is_unlimited(&self) -> bool {
        self.limit_gb < 0
    }
    /// `storage_used_mb` (2 dp).
    pub fn used_mb(&self) -> f64 {
        round(ratio(self.used_bytes, MB), 2)
    }
    /// `storage_used_gb` (3 dp).
    pub fn used_gb(&self) -> f64 {
        round(ratio(self.used_bytes, GB), 3)
    }
    /// `storage_available_gb`: max(0, limit − used) (3 dp); −1 when unlimited.
    #[expect(clippy::cast_precision_loss, reason = "display value")]
    pub fn available_gb(&self) -> f64 {
        if self.is_unlimited() {
            -1.0
        } else {
            round(
                (self.limit_gb as f64 - ratio(self.used_bytes, GB)).max(0.0),
                3,
            )
        }
    }
    /// `usage_percent` (1 dp); 0 when unlimited or the limit is 0.
    pub fn usage_percent(&self) -> f64 {
        if self.is_unlimited() || self.limit_gb == 0 {
            0.0
        } else {
            round(
                ratio(self.used_bytes, self.limit_gb.saturating_mul(GB)) * 100.0,
                1,
            )
        }
    }
    /// `is_limit_reached`: used ≥ limit; false when unlimited.
    pub const fn is_limit_reached(&self) -> bool {
        !self.is_unlimited() && self.used_bytes >= self.limit_gb.saturating_mul(GB)
    }
}
