//! `[storage]`: where file bytes live — the local file system (embedded
//! default; the API signs and serves the URLs) or S3 / an S3-compatible
//! server (see `docs/storage.md`).

use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;

/// Which object store holds file bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageBackend {
    /// Files under `local_root`, served by the API through signed URLs.
    Local,
    /// An S3 bucket (AWS, MinIO, moto, …).
    S3,
}

/// `[storage]`.
#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    /// `local` or `s3`.
    pub backend: StorageBackend,
    /// Public base URL of this API (local URLs point at it), no trailing `/`.
    pub public_api_url: String,
    /// Directory of the local store.
    pub local_root: PathBuf,
    /// Key of the local URL signatures; empty derives one from the JWT
    /// secret (production refuses a weak explicit key like a weak JWT secret).
    pub local_secret: SecretString,
    /// Largest accepted upload through the local blob endpoint, in bytes.
    pub max_upload_bytes: u64,
    /// Lifetime of presigned upload and download URLs, in seconds.
    pub presigned_url_expiry_secs: u64,
    /// Unconfirmed uploads older than this many hours are deleted, bytes and
    /// row, by the worker's sweep.
    pub pending_max_age_hours: u32,
    /// How often the worker sweeps unconfirmed uploads, in seconds.
    pub sweep_interval_secs: u64,
    /// S3 endpoint for S3-compatible servers; empty for AWS.
    pub s3_endpoint: String,
    /// S3 region.
    pub s3_region: String,
    /// Bucket, created on first use with public-read logos/avatars and CORS.
    pub s3_bucket: String,
    /// Access key id.
    pub s3_access_key_id: String,
    /// Secret access key.
    pub s3_secret_access_key: SecretString,
    /// Path-style URLs (`<endpoint>/<bucket>/<key>`), as MinIO needs.
    pub s3_path_style: bool,
    /// Base of public object URLs (a CDN); empty for `<bucket URL>`.
    pub s3_public_url: String,
}
