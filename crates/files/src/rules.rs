//! The rules of api-core §3.9 as pure functions: the category table, the
//! exact messages, filename and content-type checks, storage keys and the
//! storage quota. Every use case (presign, confirm, logo, avatar) goes
//! through these so the limits cannot drift between entry points.

use crate::model::FileCategory;
use harmony_kernel::TenantId;
use uuid::Uuid;

/// One megabyte as the contract counts it (`N × 1048576`).
pub const MB: i64 = 1024 * 1024;
/// One gigabyte as the quota counts it (`max_storage_gb × 1024³`).
pub const GB: i64 = 1024 * 1024 * 1024;
/// Default `MAX_UPLOAD_SIZE_MB` (documents).
pub const DEFAULT_DOCUMENT_MAX_MB: i64 = 50;

/// `ALLOWED_IMAGE_EXTENSIONS` of the contract's settings.
pub const ALLOWED_IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "svg"];
/// `ALLOWED_DOCUMENT_EXTENSIONS` of the contract's settings.
pub const ALLOWED_DOCUMENT_EXTENSIONS: &[&str] =
    &["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "zip"];

const LOGO_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/svg+xml",
];
const AVATAR_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
const DOCUMENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "text/plain",
    "application/zip",
];
const PAYMENT_PROOF_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
];

/// Which extension allow-list a category checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRule {
    /// [`ALLOWED_IMAGE_EXTENSIONS`]; message "… not allowed for images".
    Images,
    /// [`ALLOWED_DOCUMENT_EXTENSIONS`]; message "… not allowed for documents".
    Documents,
}

/// One row of the §3.9 category table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryRule {
    /// Maximum size in MB (`size > N × 1048576` is refused).
    pub max_size_mb: i64,
    /// Allowed content types; `None` = any.
    pub content_types: Option<&'static [&'static str]>,
    /// Extension allow-list; `None` = no check.
    pub extensions: Option<ExtensionRule>,
    /// First segment of the storage key.
    pub prefix: &'static str,
    /// Served from the public bucket path (logos, avatars).
    pub public: bool,
}

/// The category's row; documents use the configured `MAX_UPLOAD_SIZE_MB`.
pub const fn category_rule(category: FileCategory, document_max_mb: i64) -> CategoryRule {
    match category {
        FileCategory::TenantLogo => CategoryRule {
            max_size_mb: 5,
            content_types: Some(LOGO_TYPES),
            extensions: Some(ExtensionRule::Images),
            prefix: "tenant-logos",
            public: true,
        },
        FileCategory::UserAvatar => CategoryRule {
            max_size_mb: 2,
            content_types: Some(AVATAR_TYPES),
            extensions: Some(ExtensionRule::Images),
            prefix: "avatars",
            public: true,
        },
        FileCategory::Document => CategoryRule {
            max_size_mb: document_max_mb,
            content_types: Some(DOCUMENT_TYPES),
            extensions: Some(ExtensionRule::Documents),
            prefix: "documents",
            public: false,
        },
        FileCategory::Attachment => CategoryRule {
            max_size_mb: 50,
            content_types: None,
            extensions: None,
            prefix: "attachments",
            public: false,
        },
        FileCategory::PaymentProof => CategoryRule {
            max_size_mb: 10,
            content_types: Some(PAYMENT_PROOF_TYPES),
            extensions: None,
            prefix: "payment-proofs",
            public: false,
        },
    }
}

/// The key prefix of a category (`tenant-logos`, `avatars`, …).
pub const fn key_prefix(category: FileCategory) -> &'static str {
    category_rule(category, DEFAULT_DOCUMENT_MAX_MB).prefix
}

/// Why a file breaks its category's rules; `Display` is the contract's
/// message (the API answers 400 with it as `detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    /// Larger than the category allows.
    #[error("File exceeds maximum size of {0}MB")]
    TooLarge(i64),
    /// Content type not in the category's list.
    #[error("Content type '{content_type}' not allowed for category '{category}'")]
    ContentType {
        /// The declared (or stored) type.
        content_type: String,
        /// The category's wire name.
        category: &'static str,
    },
    /// Image extension not allowed.
    #[error("Extension '.{0}' not allowed for images")]
    ImageExtension(String),
    /// Document extension not allowed.
    #[error("Extension '.{0}' not allowed for documents")]
    DocumentExtension(String),
}

/// The text after the last dot, lower-cased; `""` without a dot.
pub fn extension(filename: &str) -> String {
    filename
        .rsplit_once('.')
        .map_or_else(String::new, |(_, ext)| ext.to_lowercase())
}

/// Checks size, content type and extension against the category table, in
/// the contract's order.
///
/// # Errors
/// The first [`RuleViolation`].
pub fn check_category(
    category: FileCategory,
    filename: &str,
    content_type: &str,
    size_bytes: i64,
    document_max_mb: i64,
) -> Result<(), RuleViolation> {
    let rule = category_rule(category, document_max_mb);
    if size_bytes > rule.max_size_mb.saturating_mul(MB) {
        return Err(RuleViolation::TooLarge(rule.max_size_mb));
    }
    if let Some(types) = rule.content_types
        && !types.contains(&content_type)
    {
        return Err(RuleViolation::ContentType {
            content_type: content_type.to_owned(),
            category: category.as_str(),
        });
    }
    let ext = extension(filename);
    match rule.extensions {
        Some(ExtensionRule::Images) if !ALLOWED_IMAGE_EXTENSIONS.contains(&ext.as_str()) => {
            Err(RuleViolation::ImageExtension(ext))
        }
        Some(ExtensionRule::Documents) if !ALLOWED_DOCUMENT_EXTENSIONS.contains(&ext.as_str()) => {
            Err(RuleViolation::DocumentExtension(ext))
        }
        _ => Ok(()),
    }
}

/// The filename rule: 1–255 characters without `..`, `/`, `\` or NUL.
///
/// # Errors
/// The contract's 422 message (without the API's `Value error, ` prefix
/// for the custom rule).
pub fn check_filename(filename: &str) -> Result<(), String> {
    let len = filename.chars().count();
    if len == 0 {
        return Err("String should have at least 1 character".to_owned());
    }
    if len > 255 {
        return Err("String should have at most 255 characters".to_owned());
    }
    for bad in ["..", "/", "\\", "\0"] {
        if filename.contains(bad) {
            return Err(format!("Invalid character in filename: '{bad}'"));
        }
    }
    Ok(())
}

/// The content-type rule of FileUploadRequest: must contain `/`; stored
/// lower-cased (trimmed, parameters such as `; charset=` dropped).
///
/// # Errors
/// `Invalid content type format`.
pub fn normalize_content_type(content_type: &str) -> Result<String, String> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    if essence.contains('/') {
        Ok(essence)
    } else {
        Err("Invalid content type format".to_owned())
    }
}

/// The logo/avatar rule: the content type must start with `image/`.
///
/// # Errors
/// `Content type must be an image type (image/*)`.
pub fn normalize_image_content_type(content_type: &str) -> Result<String, String> {
    let ct = normalize_content_type(content_type).map_err(|_| IMAGE_TYPE_REQUIRED.to_owned())?;
    if ct.starts_with("image/") {
        Ok(ct)
    } else {
        Err(IMAGE_TYPE_REQUIRED.to_owned())
    }
}

const IMAGE_TYPE_REQUIRED: &str = "Content type must be an image type (image/*)";

/// A fresh object key: `<prefix>/<tenant_id>/<uuid>.<ext>` (no `.<ext>`
/// when the filename has none). The extension is reduced to ASCII
/// alphanumerics so a key never carries path characters.
pub fn storage_key(category: FileCategory, tenant_id: TenantId, filename: &str) -> String {
    let ext: String = extension(filename)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    let id = Uuid::new_v4();
    let prefix = key_prefix(category);
    if ext.is_empty() {
        format!("{prefix}/{tenant_id}/{id}")
    } else {
        format!("{prefix}/{tenant_id}/{id}.{ext}")
    }
}

/// Whether `key` lies directly inside the tenant's folder of the category
/// (`<prefix>/<tenant_id>/<name>` with no further `/`, no `..`).
pub fn key_in_tenant_prefix(key: &str, category: FileCategory, tenant_id: TenantId) -> bool {
    let folder = format!("{}/{tenant_id}/", key_prefix(category));
    key.strip_prefix(&folder).is_some_and(|name| {
        !name.is_empty() && !name.contains('/') && !name.contains('\\') && !name.contains("..")
    })
}

/// A quota in bytes from `max_storage_gb`; `None` for unlimited (−1, or
/// any negative value).
pub const fn quota_bytes(max_storage_gb: i64) -> Option<i64> {
    if max_storage_gb < 0 {
        None
    } else {
        Some(max_storage_gb.saturating_mul(GB))
    }
}

/// The quota message: `Storage quota exceeded. Used: <x.xx>GB / <N>GB`.
#[expect(clippy::cast_precision_loss, reason = "display with two decimals")]
pub fn quota_message(used_bytes: i64, max_storage_gb: i64) -> String {
    format!(
        "Storage quota exceeded. Used: {:.2}GB / {max_storage_gb}GB",
        used_bytes as f64 / GB as f64
    )
}

/// Whether adding `size_bytes` to `used_bytes` stays within the quota.
pub const fn fits_quota(used_bytes: i64, size_bytes: i64, max_storage_gb: i64) -> bool {
    match quota_bytes(max_storage_gb) {
        None => true,
        Some(limit) => used_bytes.saturating_add(size_bytes) <= limit,
    }
}
