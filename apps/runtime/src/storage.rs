//! The object store chosen by `[storage]`, for the API (presigned URLs, the
//! local blob endpoints) and the worker (deleting a closed tenant's bytes).

use crate::settings::{Settings, StorageBackend};
use harmony_adapters_fs::FsArchiveStore;
use harmony_adapters_objects::{LocalObjectConfig, LocalObjectStorage, S3Config, S3ObjectStorage};
use harmony_audit::ArchiveStore;
use harmony_files::ports::ObjectStorage;
use harmony_kernel::Clock;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The configured object store; `local` is set for the local backend, whose
/// signed URLs the API serves itself.
#[derive(Clone)]
pub struct ObjectStores {
    /// The port every use case talks to.
    pub objects: Arc<dyn ObjectStorage>,
    /// The local store, when it is the backend (blob endpoints).
    pub local: Option<Arc<LocalObjectStorage>>,
    /// Where audit archives go: `audit.archive_dir` with the local backend,
    /// the bucket's `archives/audit/` with S3.
    pub archives: Arc<dyn ArchiveStore>,
}

/// Builds the store `[storage]` names.
///
/// # Errors
/// When the S3 client cannot be built from the settings.
pub fn object_stores(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<ObjectStores> {
    let s = &settings.storage;
    match s.backend {
        StorageBackend::Local => {
            let local = Arc::new(LocalObjectStorage::new(
                LocalObjectConfig {
                    root: s.local_root.clone(),
                    api_base: s.public_api_url.trim_end_matches('/').to_owned(),
                    secret: local_secret(settings),
                    max_upload_bytes: s.max_upload_bytes,
                },
                clock,
            ));
            Ok(ObjectStores {
                objects: local.clone(),
                local: Some(local),
                archives: Arc::new(FsArchiveStore::new(settings.audit.archive_dir.clone())),
            })
        }
        StorageBackend::S3 => {
            let non_empty = |v: &str| Some(v.to_owned()).filter(|v| !v.trim().is_empty());
            let s3 = Arc::new(
                S3ObjectStorage::new(
                    S3Config {
                        endpoint: non_empty(&s.s3_endpoint),
                        region: s.s3_region.clone(),
                        bucket: s.s3_bucket.clone(),
                        access_key_id: s.s3_access_key_id.clone(),
                        secret_access_key: s.s3_secret_access_key.clone(),
                        path_style: s.s3_path_style,
                        public_base_url: non_empty(&s.s3_public_url),
                    },
                    clock,
                )
                .map_err(|e| anyhow::anyhow!("storage.s3_*: {e}"))?,
            );
            Ok(ObjectStores {
                archives: Arc::new(s3.archive()),
                objects: s3,
                local: None,
            })
        }
    }
}

/// The configured key, or one derived from the JWT secret (a distinct key:
/// a leaked URL signature says nothing about tokens, and vice versa).
fn local_secret(settings: &Settings) -> SecretString {
    let configured = settings.storage.local_secret.expose_secret();
    if !configured.is_empty() {
        return settings.storage.local_secret.clone();
    }
    let mut h = Sha256::new();
    h.update(b"harmony-object-urls:");
    h.update(settings.auth.jwt_secret.expose_secret().as_bytes());
    SecretString::from(hex::encode(h.finalize()))
}

/// The files use cases' settings from `[storage]`.
pub fn files_config(settings: &Settings) -> harmony_files::service::FilesConfig {
    let ttl = time::Duration::seconds(
        i64::try_from(settings.storage.presigned_url_expiry_secs).unwrap_or(3600),
    );
    harmony_files::service::FilesConfig {
        upload_ttl: ttl,
        download_ttl: ttl,
        pending_max_age: time::Duration::hours(i64::from(settings.storage.pending_max_age_hours)),
        document_max_mb: i64::try_from(settings.storage.max_upload_bytes / (1024 * 1024))
            .unwrap_or(50),
    }
}
