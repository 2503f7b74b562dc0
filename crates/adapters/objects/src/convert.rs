//! Pieces shared by the object_store-backed storages (S3 and in-memory) and
//! the local one: error mapping, dispositions, expiry.

use bytes::Bytes;
use harmony_files::ports::{Disposition, ObjectMeta, ObjectStoreError};
use object_store::path::Path;
use object_store::{Attribute, GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::error::Error as _;

/// The `Content-Disposition` value for a download: ASCII `filename="…"`
/// (quotes and backslashes escaped, other characters kept only if ASCII)
/// plus RFC 6266 `filename*` when the name is not plain ASCII.
pub fn disposition_value(disposition: &Disposition) -> String {
    let (kind, name) = match disposition {
        Disposition::Inline(n) => ("inline", n),
        Disposition::Attachment(n) => ("attachment", n),
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    if name.is_ascii() {
        format!("{kind}; filename=\"{ascii}\"")
    } else {
        let encoded = crate::sigv4::uri_encode(name, false);
        format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
    }
}

/// Whether an object_store error means "the server could not be reached"
/// (connect, timeout, interrupted), which the API reports as 503.
fn is_unreachable(err: &object_store::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = source {
        if let Some(http) = e.downcast_ref::<object_store::client::HttpError>() {
            use object_store::client::HttpErrorKind as K;
            if matches!(http.kind(), K::Connect | K::Timeout | K::Interrupted) {
                return true;
            }
        }
        if let Some(r) = e.downcast_ref::<reqwest::Error>()
            && (r.is_connect() || r.is_timeout())
        {
            return true;
        }
        source = e.source();
    }
    false
}

/// Maps an object_store error onto the port's two kinds.
pub fn map_err(err: &object_store::Error) -> ObjectStoreError {
    if is_unreachable(err) {
        ObjectStoreError::Unavailable(err.to_string())
    } else {
        ObjectStoreError::Failed(err.to_string())
    }
}

/// Parses a key as an object_store path, refusing what it would normalise.
pub fn path(key: &str) -> Result<Path, ObjectStoreError> {
    Path::parse(key).map_err(|e| ObjectStoreError::Failed(format!("invalid key: {e}")))
}

/// `head` via a HEAD-style get, so the stored content type comes back too.
pub async fn head(
    store: &dyn ObjectStore,
    key: &str,
) -> Result<Option<ObjectMeta>, ObjectStoreError> {
    let opts = GetOptions {
        head: true,
        ..GetOptions::default()
    };
    match store.get_opts(&path(key)?, opts).await {
        Ok(result) => Ok(Some(ObjectMeta {
            size_bytes: result.meta.size,
            content_type: result
                .attributes
                .get(&Attribute::ContentType)
                .map(|v| v.as_ref().to_ascii_lowercase()),
        })),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(map_err(&e)),
    }
}

/// The first `len` bytes through a ranged get (no full download).
pub async fn read_head_bytes(
    store: &dyn ObjectStore,
    key: &str,
    len: usize,
) -> Result<Option<Vec<u8>>, ObjectStoreError> {
    if len == 0 {
        return Ok(head(store, key).await?.map(|_| Vec::new()));
    }
    let opts = GetOptions {
        range: Some(GetRange::Bounded(0..len as u64)),
        ..GetOptions::default()
    };
    match store.get_opts(&path(key)?, opts).await {
        Ok(result) => {
            let bytes: Bytes = result.bytes().await.map_err(|e| map_err(&e))?;
            Ok(Some(bytes[..bytes.len().min(len)].to_vec()))
        }
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        // An empty object cannot satisfy a range: it exists, with no bytes.
        Err(e) => match head(store, key).await? {
            None => Ok(None),
            Some(meta) if meta.size_bytes == 0 => Ok(Some(Vec::new())),
            Some(_) => Err(map_err(&e)),
        },
    }
}

/// Idempotent delete.
pub async fn delete(store: &dyn ObjectStore, key: &str) -> Result<(), ObjectStoreError> {
    match store.delete(&path(key)?).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(map_err(&e)),
    }
}

/// A TTL as `std::time::Duration`, refusing negative or zero ones.
pub fn std_ttl(ttl: time::Duration) -> Result<std::time::Duration, ObjectStoreError> {
    std::time::Duration::try_from(ttl)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| ObjectStoreError::Failed("ttl must be positive".into()))
}

/// The directory to list for a key prefix: up to its last `/` (object_store
/// lists whole path segments; partial segments are filtered afterwards).
pub fn prefix_dir(prefix: &str) -> &str {
    prefix.rfind('/').map_or("", |i| &prefix[..i])
}

/// Deletes every object whose key starts with `prefix`; returns the count.
pub async fn delete_prefix(store: &dyn ObjectStore, prefix: &str) -> Result<u64, ObjectStoreError> {
    use futures_util::TryStreamExt;
    let dir = prefix_dir(prefix);
    let listing_root = if dir.is_empty() {
        None
    } else {
        Some(path(dir)?)
    };
    let keys: Vec<Path> = store
        .list(listing_root.as_ref())
        .map_ok(|meta| meta.location)
        .try_filter(|location| std::future::ready(location.as_ref().starts_with(prefix)))
        .try_collect()
        .await
        .map_err(|e| map_err(&e))?;
    let mut removed = 0;
    for key in keys {
        match store.delete(&key).await {
            Ok(()) => removed += 1,
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(map_err(&e)),
        }
    }
    Ok(removed)
}
