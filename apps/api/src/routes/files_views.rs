//! DTO views of the files endpoints (contract §2 / §3.9): `FileResponse`,
//! `PresignedUploadResponse`, `FileDownloadResponse`, `StorageUsageResponse`
//! and the files page envelope, with every key always present.

use crate::error::format_utc;
use harmony_files::FileRecord;
use harmony_files::model::FileStatus;
use harmony_files::service::{FileDownload, PresignedUpload, StorageUsage};
use harmony_kernel::Page;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `FileResponse` (§2).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    id: String,
    filename: String,
    storage_key: String,
    content_type: String,
    size_bytes: i64,
    category: String,
    resource_type: Option<String>,
    resource_id: Option<String>,
    checksum: Option<String>,
    /// `files.file_metadata`, `{}` when empty.
    #[schema(value_type = Object)]
    metadata: Map<String, Value>,
    is_public: bool,
    tenant_id: String,
    /// Always `null`: files are not tied to branches.
    branch_id: Option<String>,
    uploaded_by_id: Option<String>,
    is_active: bool,
    created_at: String,
    updated_at: Option<String>,
    /// `size_bytes / 1048576`, 2 decimals.
    size_mb: f64,
    /// Whether `content_type` starts with `image/`.
    is_image: bool,
}

#[expect(clippy::cast_precision_loss, reason = "display value, 2 decimals")]
fn size_mb(bytes: i64) -> f64 {
    (bytes as f64 / 1_048_576.0 * 100.0).round() / 100.0
}

impl From<&FileRecord> for FileView {
    fn from(f: &FileRecord) -> Self {
        Self {
            id: f.id.to_string(),
            filename: f.filename.clone(),
            storage_key: f.storage_key.clone(),
            content_type: f.content_type.clone(),
            size_bytes: f.size_bytes,
            category: f.category.as_str().to_owned(),
            resource_type: f.resource_type.clone(),
            resource_id: f.resource_id.map(|id| id.to_string()),
            checksum: f.checksum.clone(),
            metadata: f.metadata.clone(),
            is_public: f.is_public,
            tenant_id: f.tenant_id.to_string(),
            branch_id: None,
            uploaded_by_id: f.uploaded_by.map(|u| u.to_string()),
            is_active: f.status == FileStatus::Active,
            created_at: format_utc(f.created_at),
            updated_at: f.updated_at.map(format_utc),
            size_mb: size_mb(f.size_bytes),
            is_image: f.content_type.starts_with("image/"),
        }
    }
}

/// `PresignedUploadResponse` (§2). The client `PUT`s the bytes to
/// `upload_url` with `Content-Type` equal to the declared (lower-cased)
/// content type, which is part of the signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresignedUploadView {
    upload_url: String,
    storage_key: String,
    expires_at: String,
    max_size_bytes: i64,
    /// Always `null` (no POST-policy form fields).
    #[schema(value_type = Option<Object>)]
    fields: Option<Value>,
}

impl From<&PresignedUpload> for PresignedUploadView {
    fn from(p: &PresignedUpload) -> Self {
        Self {
            upload_url: p.upload.url.clone(),
            storage_key: p.storage_key.clone(),
            expires_at: format_utc(p.upload.expires_at),
            max_size_bytes: p.max_size_bytes,
            fields: None,
        }
    }
}

/// `FileDownloadResponse` (§2).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileDownloadView {
    download_url: String,
    filename: String,
    content_type: String,
    size_bytes: i64,
    expires_at: String,
}

impl From<&FileDownload> for FileDownloadView {
    fn from(d: &FileDownload) -> Self {
        Self {
            download_url: d.download.url.clone(),
            filename: d.file.filename.clone(),
            content_type: d.file.content_type.clone(),
            size_bytes: d.file.size_bytes,
            expires_at: format_utc(d.download.expires_at),
        }
    }
}

/// `StorageUsageResponse` (§3.9).
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageUsageView {
    tenant_id: String,
    storage_used_bytes: i64,
    storage_used_mb: f64,
    storage_used_gb: f64,
    storage_limit_gb: i64,
    /// −1 when unlimited.
    storage_available_gb: f64,
    /// 0 when unlimited.
    usage_percent: f64,
    /// Never true when unlimited.
    is_limit_reached: bool,
    file_count: u64,
}

impl From<&StorageUsage> for StorageUsageView {
    fn from(u: &StorageUsage) -> Self {
        Self {
            tenant_id: u.tenant_id.to_string(),
            storage_used_bytes: u.used_bytes,
            storage_used_mb: u.used_mb(),
            storage_used_gb: u.used_gb(),
            storage_limit_gb: u.limit_gb,
            storage_available_gb: u.available_gb(),
            usage_percent: u.usage_percent(),
            is_limit_reached: u.is_limit_reached(),
            file_count: u.file_count,
        }
    }
}

/// `{"items", "total", "page", "page_size", "total_pages"}` (§1.9).
#[derive(Debug, Serialize, ToSchema)]
pub struct FilesPageView {
    items: Vec<FileView>,
    total: u64,
    page: u64,
    page_size: u64,
    /// `ceil(total / page_size)`, 0 when empty.
    total_pages: u64,
}

impl FilesPageView {
    /// The envelope of one page of files.
    pub fn new(found: &Page<FileRecord>, page: u64, page_size: u64) -> Self {
        Self {
            items: found.items.iter().map(FileView::from).collect(),
            total: found.total,
            page,
            page_size,
            total_pages: found.total.div_ceil(page_size.max(1)),
        }
    }
}
