//! Filesystem adapters.
//!
//! [`FsArchiveStore`] keeps audit archive files under `<root>/audit/` (the
//! platform's) and `<root>/audit/tenant_<uuid>/` (each tenant's). Files are
//! written to a temporary name and renamed into place, so a reader never
//! sees half an archive, and names are checked so nothing is read or written
//! outside the root.

use harmony_audit::{ArchiveDir, ArchiveFileInfo, ArchiveStore};
use harmony_kernel::StoreError;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// Archive files in a directory tree (see the crate docs).
#[derive(Debug, Clone)]
pub struct FsArchiveStore {
    root: PathBuf,
}

/// Whether `name` is one plain file name (no separators, no `..`, not hidden).
fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && !name.contains("..")
        && Path::new(name).file_name().is_some_and(|f| f == name)
}

fn bad_name(name: &str) -> StoreError {
    StoreError::backend(std::io::Error::new(
        ErrorKind::InvalidInput,
        format!("refused archive file name {name:?}"),
    ))
}

impl FsArchiveStore {
    /// Archives under `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory of `dir`.
    pub fn dir_path(&self, dir: &ArchiveDir) -> PathBuf {
        let audit = self.root.join("audit");
        match dir {
            ArchiveDir::Platform => audit,
            ArchiveDir::Tenant(t) => audit.join(format!("tenant_{t}")),
        }
    }

    fn file_path(&self, dir: &ArchiveDir, name: &str) -> Result<PathBuf, StoreError> {
        if plain(name) {
            Ok(self.dir_path(dir).join(name))
        } else {
            Err(bad_name(name))
        }
    }
}

#[async_trait::async_trait]
impl ArchiveStore for FsArchiveStore {
    async fn put(&self, dir: &ArchiveDir, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.file_path(dir, name)?;
        let folder = self.dir_path(dir);
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(StoreError::backend)?;
        let tmp = folder.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(StoreError::backend)?;
        // Hard-linking refuses an existing target atomically (never overwrite).
        let linked = tokio::fs::hard_link(&tmp, &path).await;
        let _ = tokio::fs::remove_file(&tmp).await;
        match linked {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                Err(StoreError::Conflict(format!("archive {name} exists")))
            }
            Err(e) => Err(StoreError::backend(e)),
        }
    }

    async fn list(&self, dir: &ArchiveDir) -> Result<Vec<ArchiveFileInfo>, StoreError> {
        let mut entries = match tokio::fs::read_dir(self.dir_path(dir)).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::backend(e)),
        };
        let mut out = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(StoreError::backend)? {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if !plain(&name) || Path::new(&name).extension().is_none_or(|x| x != "json") {
                continue;
            }
            let meta = entry.metadata().await.map_err(StoreError::backend)?;
            if !meta.is_file() {
                continue;
            }
            let modified_at = meta
                .modified()
                .map_or(OffsetDateTime::UNIX_EPOCH, OffsetDateTime::from);
            out.push(ArchiveFileInfo {
                name,
                size_bytes: meta.len(),
                modified_at,
            });
        }
        Ok(out)
    }

    async fn get(&self, dir: &ArchiveDir, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Ok(path) = self.file_path(dir, name) else {
            return Ok(None);
        };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::backend(e)),
        }
    }

    async fn delete(&self, dir: &ArchiveDir, name: &str) -> Result<bool, StoreError> {
        let Ok(path) = self.file_path(dir, name) else {
            return Ok(false);
        };
        match tokio::fs::remove_file(path).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::backend(e)),
        }
    }
}
