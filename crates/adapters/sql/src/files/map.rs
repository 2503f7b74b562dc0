//! `files` rows ⇄ [`FileRecord`]s; loading re-parses and reports `Corrupt`.

use crate::entity::files;
use crate::error::corrupt;
use crate::timestamps::{utc, utc_opt};
use harmony_files::model::{FileCategory, FileRecord, FileStatus};
use harmony_kernel::{StoreError, TenantId, UserId};
use sea_orm::ActiveValue::Set;

/// The column text of a category (the serde name).
pub(crate) fn category_text(c: FileCategory) -> &'static str {
    match c {
        FileCategory::TenantLogo => "tenant_logo",
        FileCategory::UserAvatar => "user_avatar",
        FileCategory::Document => "document",
        FileCategory::Attachment => "attachment",
        FileCategory::PaymentProof => "payment_proof",
    }
}

/// The column text of a status.
pub(crate) fn status_text(s: FileStatus) -> &'static str {
    match s {
        FileStatus::Pending => "pending",
        FileStatus::Active => "active",
        FileStatus::Deleted => "deleted",
    }
}

fn parse_category(s: &str) -> Result<FileCategory, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| corrupt("files", "category", e))
}

fn parse_status(s: &str) -> Result<FileStatus, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| corrupt("files", "status", e))
}

/// The row of a record (every column set).
pub(crate) fn file_to_row(f: &FileRecord) -> files::ActiveModel {
    files::ActiveModel {
        id: Set(f.id),
        tenant_id: Set(f.tenant_id.into_uuid()),
        storage_key: Set(f.storage_key.clone()),
        filename: Set(f.filename.clone()),
        content_type: Set(f.content_type.clone()),
        size_bytes: Set(f.size_bytes),
        category: Set(category_text(f.category).to_owned()),
        resource_type: Set(f.resource_type.clone()),
        resource_id: Set(f.resource_id),
        is_public: Set(f.is_public),
        checksum: Set(f.checksum.clone()),
        metadata: Set(serde_json::Value::Object(f.metadata.clone())),
        status: Set(status_text(f.status).to_owned()),
        uploaded_by_id: Set(f.uploaded_by.map(UserId::into_uuid)),
        updated_by_id: Set(f.updated_by.map(UserId::into_uuid)),
        deleted_by_id: Set(f.deleted_by.map(UserId::into_uuid)),
        created_at: Set(utc(f.created_at)),
        updated_at: Set(utc_opt(f.updated_at)),
        deleted_at: Set(utc_opt(f.deleted_at)),
        version: Set(f.version),
    }
}

/// The record of a row.
pub(crate) fn file_from_row(m: files::Model) -> Result<FileRecord, StoreError> {
    let serde_json::Value::Object(metadata) = m.metadata else {
        return Err(corrupt("files", "metadata", "not a JSON object"));
    };
    Ok(FileRecord {
        id: m.id,
        tenant_id: TenantId::from_uuid(m.tenant_id),
        storage_key: m.storage_key,
        filename: m.filename,
        content_type: m.content_type,
        size_bytes: m.size_bytes,
        category: parse_category(&m.category)?,
        resource_type: m.resource_type,
        resource_id: m.resource_id,
        is_public: m.is_public,
        checksum: m.checksum,
        metadata,
        status: parse_status(&m.status)?,
        uploaded_by: m.uploaded_by_id.map(UserId::from_uuid),
        updated_by: m.updated_by_id.map(UserId::from_uuid),
        deleted_by: m.deleted_by_id.map(UserId::from_uuid),
        created_at: utc(m.created_at),
        updated_at: utc_opt(m.updated_at),
        deleted_at: utc_opt(m.deleted_at),
        version: m.version,
    })
}

/// Rows to records, failing on the first corrupt one.
pub(crate) fn files_from_rows(rows: Vec<files::Model>) -> Result<Vec<FileRecord>, StoreError> {
    rows.into_iter().map(file_from_row).collect()
}
