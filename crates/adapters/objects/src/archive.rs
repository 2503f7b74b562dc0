//! [`ObjectStoreArchive`]: audit archive files in object storage (S3 in
//! production), under `archives/audit/` for the platform's archives and
//! `archives/audit/tenant_<uuid>/` for each tenant's — the same layout as the
//! file-system archive of the embedded default.
//!
//! Archives are never overwritten: `put` checks for the key first. The check
//! and the write are two requests, but names carry a timestamp and the audit
//! service picks a free name, so two writers never race for one name.

use harmony_audit::{ArchiveDir, ArchiveFileInfo, ArchiveStore};
use harmony_kernel::StoreError;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
use std::sync::Arc;
use time::OffsetDateTime;

/// Audit archives in any `object_store` store (see the module docs).
#[derive(Clone)]
pub struct ObjectStoreArchive {
    store: Arc<dyn ObjectStore>,
    /// The S3 store whose bucket must exist before the first request.
    bucket: Option<Arc<crate::S3ObjectStorage>>,
}

impl std::fmt::Debug for ObjectStoreArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ObjectStoreArchive")
    }
}

fn backend(e: object_store::Error) -> StoreError {
    StoreError::backend(e)
}

/// One plain file name: no separators, no `..`, not hidden.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && !name.contains("..")
}

impl ObjectStoreArchive {
    /// Archives in `store`.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            bucket: None,
        }
    }

    /// Archives in an S3 store's bucket, created on first use like uploads'.
    pub fn in_bucket(s3: Arc<crate::S3ObjectStorage>, store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            bucket: Some(s3),
        }
    }

    async fn ready(&self) -> Result<(), StoreError> {
        match &self.bucket {
            Some(s3) => s3.ensure_bucket().await.map_err(StoreError::backend),
            None => Ok(()),
        }
    }

    fn dir(dir: &ArchiveDir) -> String {
        match dir {
            ArchiveDir::Platform => "archives/audit".to_owned(),
            ArchiveDir::Tenant(t) => format!("archives/audit/tenant_{t}"),
        }
    }

    fn path(dir: &ArchiveDir, name: &str) -> Result<Path, StoreError> {
        if plain(name) {
            Ok(Path::from(format!("{}/{name}", Self::dir(dir))))
        } else {
            Err(StoreError::Conflict(format!(
                "refused archive file name {name:?}"
            )))
        }
    }

    async fn exists(&self, path: &Path) -> Result<bool, StoreError> {
        match self.store.head(path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }
}

#[async_trait::async_trait]
impl ArchiveStore for ObjectStoreArchive {
    async fn put(&self, dir: &ArchiveDir, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = Self::path(dir, name)?;
        self.ready().await?;
        if self.exists(&path).await? {
            return Err(StoreError::Conflict(format!("archive {name} exists")));
        }
        self.store
            .put(&path, PutPayload::from(bytes.to_vec()))
            .await
            .map(|_| ())
            .map_err(backend)
    }

    async fn list(&self, dir: &ArchiveDir) -> Result<Vec<ArchiveFileInfo>, StoreError> {
        self.ready().await?;
        let prefix = Path::from(Self::dir(dir));
        let listing = self.store.list_with_delimiter(Some(&prefix)).await;
        let listing = match listing {
            Ok(l) => l,
            Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(backend(e)),
        };
        Ok(listing
            .objects
            .into_iter()
            .filter_map(|o| {
                let name = o.location.filename()?.to_owned();
                std::path::Path::new(&name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                    .then(|| ArchiveFileInfo {
                        name,
                        size_bytes: o.size,
                        modified_at: OffsetDateTime::from_unix_timestamp(
                            o.last_modified.timestamp(),
                        )
                        .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                    })
            })
            .collect())
    }

    async fn get(&self, dir: &ArchiveDir, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = Self::path(dir, name)?;
        self.ready().await?;
        match self.store.get(&path).await {
            Ok(got) => Ok(Some(got.bytes().await.map_err(backend)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete(&self, dir: &ArchiveDir, name: &str) -> Result<bool, StoreError> {
        let path = Self::path(dir, name)?;
        self.ready().await?;
        if !self.exists(&path).await? {
            return Ok(false);
        }
        self.store.delete(&path).await.map_err(backend)?;
        Ok(true)
    }
}
