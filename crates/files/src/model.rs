//! File records and the vocabulary of the files context.

use harmony_kernel::{TenantId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a file is for; decides its size and type rules, its key prefix and
/// whether it is publicly readable (api-core §3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileCategory {
    /// A tenant's logo (public).
    TenantLogo,
    /// A user's avatar (public).
    UserAvatar,
    /// Office documents, PDFs, CSV, text, zip.
    Document,
    /// Anything.
    Attachment,
    /// Payment proof images or PDFs (billing).
    PaymentProof,
}

/// Where an upload is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Presigned, bytes maybe uploaded, not confirmed; swept after a while.
    Pending,
    /// Confirmed; counts toward the tenant's storage.
    Active,
    /// Soft-deleted; no longer counts.
    Deleted,
}

/// One stored file of a tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRecord {
    /// Id.
    pub id: Uuid,
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Object key: `<prefix>/<tenant_id>/<uuid>.<ext>`.
    pub storage_key: String,
    /// The name shown and used for downloads.
    pub filename: String,
    /// MIME type as stored in the object store, lower case.
    pub content_type: String,
    /// Size in bytes as stored in the object store.
    pub size_bytes: i64,
    /// Category.
    pub category: FileCategory,
    /// What the file belongs to, e.g. `tenant`, `user`, `upgrade_request`.
    pub resource_type: Option<String>,
    /// Id of what it belongs to.
    pub resource_id: Option<Uuid>,
    /// Readable without signature (logos, avatars).
    pub is_public: bool,
    /// Client-supplied checksum (≤ 64 chars).
    pub checksum: Option<String>,
    /// Free-form metadata object.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Pending, active or deleted.
    pub status: FileStatus,
    /// Who uploaded it.
    pub uploaded_by: Option<UserId>,
    /// Who last changed it.
    pub updated_by: Option<UserId>,
    /// Who deleted it.
    pub deleted_by: Option<UserId>,
    /// Presign time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
    /// Soft deletion time.
    pub deleted_at: Option<OffsetDateTime>,
    /// Optimistic-locking version.
    pub version: i64,
}

impl FileCategory {
    /// Every category, in the contract's order.
    pub const ALL: [Self; 5] = [
        Self::TenantLogo,
        Self::UserAvatar,
        Self::Document,
        Self::Attachment,
        Self::PaymentProof,
    ];

    /// The contract's wire name (also used in error messages).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TenantLogo => "tenant_logo",
            Self::UserAvatar => "user_avatar",
            Self::Document => "document",
            Self::Attachment => "attachment",
            Self::PaymentProof => "payment_proof",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl FileStatus {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Deleted => "deleted",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "active" => Some(Self::Active),
            "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}
