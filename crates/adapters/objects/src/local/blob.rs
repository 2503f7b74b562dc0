//! The byte-moving half of [`LocalObjectStorage`]: what the API's blob
//! handler calls once [`LocalObjectStorage::verify`] granted a request.

use super::{BlobError, BlobGrant, BlobMethod, LocalObjectStorage};
use futures_util::{Stream, StreamExt};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// An object opened for a download response.
#[derive(Debug)]
pub struct BlobFile {
    /// The open file, positioned at the start.
    pub file: tokio::fs::File,
    /// Its size in bytes (`Content-Length`).
    pub size: u64,
    /// The content type stored at upload (`application/octet-stream` if unknown).
    pub content_type: String,
    /// The signed `Content-Disposition`, if the URL carried one.
    pub content_disposition: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Sidecar {
    content_type: String,
    size_bytes: u64,
}

/// The content type recorded beside an object, if any.
pub(super) async fn read_sidecar(path: &Path) -> Option<String> {
    let raw = tokio::fs::read(path).await.ok()?;
    serde_json::from_slice::<Sidecar>(&raw)
        .ok()
        .map(|s| s.content_type)
}

fn io(e: &std::io::Error) -> BlobError {
    BlobError::Io(e.to_string())
}

async fn ensure_parent(path: &Path) -> Result<(), BlobError> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| io(&e))?;
    }
    Ok(())
}

impl LocalObjectStorage {
    /// Stores an upload granted by [`LocalObjectStorage::verify`]:
    /// `content_type` is the request's `Content-Type` header and must equal
    /// the signed one (parameters like `;charset=` aside); the body is streamed to a temporary file, refused past
    /// the maximum size, then renamed into place (readers never see half an
    /// object) with its content type recorded beside it. Returns the size.
    pub async fn write_stream<S, B, E>(
        &self,
        grant: &BlobGrant,
        content_type: Option<&str>,
        mut body: S,
    ) -> Result<u64, BlobError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        if grant.method != BlobMethod::Put {
            return Err(BlobError::WrongMethod);
        }
        // the MIME essence must match; parameters such as `;charset=UTF-8`,
        // which browsers add to string bodies, are allowed
        let essence = |c: &str| {
            c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        };
        let sent = content_type.map(essence);
        if sent.is_none() || sent != grant.content_type.as_deref().map(essence) {
            return Err(BlobError::ContentTypeMismatch);
        }
        let tmp_dir = self.config.root.join(".tmp");
        tokio::fs::create_dir_all(&tmp_dir)
            .await
            .map_err(|e| io(&e))?;
        let tmp = tmp_dir.join(uuid::Uuid::new_v4().to_string());
        let written = self.copy_to(&tmp, &mut body).await;
        let size = match written {
            Ok(size) => size,
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(e);
            }
        };
        ensure_parent(&grant.path).await?;
        tokio::fs::rename(&tmp, &grant.path)
            .await
            .map_err(|e| io(&e))?;
        let sidecar = Sidecar {
            content_type: sent.unwrap_or_default(),
            size_bytes: size,
        };
        let meta_path = self.meta_path(&grant.key);
        ensure_parent(&meta_path).await?;
        let meta_tmp = tmp_dir.join(format!("{}.json", uuid::Uuid::new_v4()));
        let json = serde_json::to_vec(&sidecar).map_err(|e| BlobError::Io(e.to_string()))?;
        tokio::fs::write(&meta_tmp, json)
            .await
            .map_err(|e| io(&e))?;
        tokio::fs::rename(&meta_tmp, &meta_path)
            .await
            .map_err(|e| io(&e))?;
        Ok(size)
    }

    async fn copy_to<S, B, E>(&self, tmp: &Path, body: &mut S) -> Result<u64, BlobError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        let max = self.config.max_upload_bytes;
        let mut file = tokio::fs::File::create(tmp).await.map_err(|e| io(&e))?;
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| BlobError::Io(format!("upload interrupted: {e}")))?;
            let chunk = chunk.as_ref();
            size += chunk.len() as u64;
            if size > max {
                return Err(BlobError::TooLarge(max));
            }
            file.write_all(chunk).await.map_err(|e| io(&e))?;
        }
        file.flush().await.map_err(|e| io(&e))?;
        Ok(size)
    }

    /// Opens the object of a download grant ([`LocalObjectStorage::verify`]
    /// or [`LocalObjectStorage::verify_public`]) for streaming it back.
    pub async fn read_file(&self, grant: &BlobGrant) -> Result<BlobFile, BlobError> {
        if grant.method != BlobMethod::Get {
            return Err(BlobError::WrongMethod);
        }
        let file = match tokio::fs::File::open(&grant.path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::NotFound);
            }
            Err(e) => return Err(io(&e)),
        };
        let meta = file.metadata().await.map_err(|e| io(&e))?;
        if !meta.is_file() {
            return Err(BlobError::NotFound);
        }
        let content_type = read_sidecar(&self.meta_path(&grant.key))
            .await
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok(BlobFile {
            file,
            size: meta.len(),
            content_type,
            content_disposition: grant.disposition.clone(),
        })
    }
}

/// Keys of the objects below `start` (a directory inside `root`), skipping
/// the hidden `.meta`/`.tmp` trees; empty when `start` does not exist.
pub(super) async fn keys_under(root: &Path, start: &Path) -> std::io::Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut dirs = vec![start.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries = match tokio::fs::read_dir(&dir).await {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        while let Some(entry) = entries.next_entry().await? {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().await?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file()
                && let Ok(rel) = entry.path().strip_prefix(root)
            {
                keys.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(keys)
}
