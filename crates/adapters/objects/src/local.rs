//! [`LocalObjectStorage`]: the embedded default. Objects live under a root
//! directory; the API serves their URLs itself:
//!
//! - `PUT|GET <api_base>/api/v1/files/blob/<key>?exp=<unix>[&ct=<type>][&disp=<disposition>]&sig=<hex>`
//!   where `sig` is HMAC-SHA256 (secret key) over
//!   `METHOD\nkey\nexp\nct\ndisp` (missing values empty). The blob handler
//!   calls [`LocalObjectStorage::verify`], then
//!   [`LocalObjectStorage::write_stream`] or [`LocalObjectStorage::read_file`];
//! - `GET <api_base>/api/v1/files/public/<key>` for public categories only
//!   (`tenant-logos/`, `avatars/`): [`LocalObjectStorage::verify_public`].
//!   A stable path rather than a non-expiring signature, because
//!   `tenants.logo_url` / `users.avatar_url` store it and must survive a
//!   rotation of the secret.
//!
//! Layout: `<root>/<key>` holds the bytes, `<root>/.meta/<key>.json` the
//! content type (what `head` reports), `<root>/.tmp/` uploads in flight
//! (renamed into place when complete). Key segments starting with `.` are
//! refused, so no key can reach those two directories.

use crate::convert::disposition_value;
use harmony_files::ports::{
    Disposition, ObjectMeta, ObjectStorage, ObjectStoreError, PresignedUrl,
};
use harmony_kernel::Clock;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use time::Duration;
use tokio::io::AsyncReadExt;

mod blob;

pub use blob::BlobFile;

/// Key prefixes that may be served without a signature (api-core §3.9).
pub const PUBLIC_PREFIXES: [&str; 2] = ["tenant-logos/", "avatars/"];

/// Settings of the local store.
#[derive(Clone)]
pub struct LocalObjectConfig {
    /// Directory holding the objects (default [`LocalObjectConfig::DEFAULT_ROOT`]).
    pub root: PathBuf,
    /// Public base URL of the API, e.g. `http://127.0.0.1:8000` (no trailing `/`).
    pub api_base: String,
    /// Key of the URL signatures; rotating it invalidates outstanding URLs.
    pub secret: SecretString,
    /// Largest upload accepted by [`LocalObjectStorage::write_stream`].
    pub max_upload_bytes: u64,
}

impl LocalObjectConfig {
    /// Where objects go when nothing is configured.
    pub const DEFAULT_ROOT: &'static str = "./data/objects";
}

/// What a signed request may do, as [`LocalObjectStorage::verify`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobMethod {
    /// Upload.
    Put,
    /// Download.
    Get,
}

/// A verified request: which object, where on disk, with which constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobGrant {
    /// Upload or download.
    pub method: BlobMethod,
    /// The object key.
    pub key: String,
    /// Its file, inside the root.
    pub path: PathBuf,
    /// The signed content type the upload must carry (uploads only).
    pub content_type: Option<String>,
    /// The `Content-Disposition` to answer with (downloads only).
    pub disposition: Option<String>,
}

/// Why a blob request is refused; [`BlobError::status`] gives the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// The signature's `exp` has passed.
    #[error("the link has expired")]
    Expired,
    /// Missing or wrong signature (tampered URL).
    #[error("invalid signature")]
    BadSignature,
    /// The key is empty, absolute, has `..`/hidden segments, NUL or `\`.
    #[error("invalid key")]
    InvalidKey,
    /// A download grant used for an upload or the reverse.
    #[error("method not allowed")]
    WrongMethod,
    /// The request's `Content-Type` is not the signed one.
    #[error("content type differs from the signed one")]
    ContentTypeMismatch,
    /// The body exceeds the maximum upload size.
    #[error("upload exceeds {0} bytes")]
    TooLarge(u64),
    /// No such object.
    #[error("not found")]
    NotFound,
    /// The key is not in a public category.
    #[error("not public")]
    NotPublic,
    /// Disk trouble.
    #[error("storage failure: {0}")]
    Io(String),
}

impl BlobError {
    /// The HTTP status the blob handler answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Expired | Self::BadSignature | Self::NotPublic => 403,
            Self::InvalidKey => 400,
            Self::WrongMethod => 405,
            Self::ContentTypeMismatch => 415,
            Self::TooLarge(_) => 413,
            Self::NotFound => 404,
            Self::Io(_) => 500,
        }
    }
}

/// Objects on the local file system with API-served, HMAC-signed URLs.
#[derive(Clone)]
pub struct LocalObjectStorage {
    config: LocalObjectConfig,
    clock: Arc<dyn Clock>,
}

/// Decodes `%XX` escapes (invalid escapes stay as they are).
pub(crate) fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl LocalObjectStorage {
    /// A store over `config.root` (created on first write).
    pub fn new(config: LocalObjectConfig, clock: Arc<dyn Clock>) -> Self {
        Self { config, clock }
    }

    /// The object's file, refusing keys that could leave the root.
    fn object_path(&self, key: &str) -> Result<PathBuf, BlobError> {
        let valid = !key.is_empty()
            && key.len() <= 1024
            && !key.contains(['\0', '\\', ':'])
            && !key.starts_with('/')
            && key
                .split('/')
                .all(|seg| !seg.is_empty() && !seg.starts_with('.'));
        if valid {
            Ok(self.config.root.join(key))
        } else {
            Err(BlobError::InvalidKey)
        }
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.config.root.join(".meta").join(format!("{key}.json"))
    }

    fn signature(&self, method: &str, key: &str, exp: i64, ct: &str, disp: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(
            self.config.secret.expose_secret().as_bytes(),
        )
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(format!("{method}\n{key}\n{exp}\n{ct}\n{disp}").as_bytes());
        mac
    }

    fn signed_url(
        &self,
        method: &str,
        key: &str,
        ct: &str,
        disp: &str,
        ttl: Duration,
    ) -> PresignedUrl {
        let expires_at = self.clock.now() + ttl;
        let exp = expires_at.unix_timestamp();
        let sig = hex::encode(
            self.signature(method, key, exp, ct, disp)
                .finalize()
                .into_bytes(),
        );
        let enc = |v: &str| crate::sigv4::uri_encode(v, false);
        let mut url = format!(
            "{}/api/v1/files/blob/{}?exp={exp}",
            self.config.api_base,
            crate::sigv4::uri_encode(key, true)
        );
        if !ct.is_empty() {
            let _ = write!(url, "&ct={}", enc(ct));
        }
        if !disp.is_empty() {
            let _ = write!(url, "&disp={}", enc(disp));
        }
        let _ = write!(url, "&sig={sig}");
        let mut headers = BTreeMap::new();
        if !ct.is_empty() {
            headers.insert("Content-Type".to_owned(), ct.to_owned());
        }
        PresignedUrl {
            url,
            method: method.to_owned(),
            headers,
            expires_at,
        }
    }

    /// Checks a blob request: `method` (`PUT`/`GET`), the percent-decoded
    /// `key` from the path, and the raw query string. Refuses unsigned,
    /// tampered or expired URLs and keys outside the root.
    pub fn verify(&self, method: &str, key: &str, query: &str) -> Result<BlobGrant, BlobError> {
        let path = self.object_path(key)?;
        let method = method.to_ascii_uppercase();
        let blob_method = match method.as_str() {
            "PUT" => BlobMethod::Put,
            "GET" | "HEAD" => BlobMethod::Get,
            _ => return Err(BlobError::WrongMethod),
        };
        let params: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), percent_decode(v)))
            .collect();
        let get = |k: &str| params.get(k).map_or("", String::as_str);
        let exp: i64 = get("exp").parse().map_err(|_| BlobError::BadSignature)?;
        let sig = hex::decode(get("sig")).map_err(|_| BlobError::BadSignature)?;
        let signed_method = if blob_method == BlobMethod::Put {
            "PUT"
        } else {
            "GET"
        };
        self.signature(signed_method, key, exp, get("ct"), get("disp"))
            .verify_slice(&sig)
            .map_err(|_| BlobError::BadSignature)?;
        if self.clock.now().unix_timestamp() > exp {
            return Err(BlobError::Expired);
        }
        let non_empty = |k: &str| Some(get(k).to_owned()).filter(|v| !v.is_empty());
        Ok(BlobGrant {
            method: blob_method,
            key: key.to_owned(),
            path,
            content_type: non_empty("ct"),
            disposition: non_empty("disp"),
        })
    }

    /// A download grant for `/api/v1/files/public/<key>`: only keys of the
    /// public categories (logos, avatars) qualify.
    pub fn verify_public(&self, key: &str) -> Result<BlobGrant, BlobError> {
        let path = self.object_path(key)?;
        if !PUBLIC_PREFIXES.iter().any(|p| key.starts_with(p)) {
            return Err(BlobError::NotPublic);
        }
        Ok(BlobGrant {
            method: BlobMethod::Get,
            key: key.to_owned(),
            path,
            content_type: None,
            disposition: None,
        })
    }
}

fn io(e: &std::io::Error) -> ObjectStoreError {
    ObjectStoreError::Failed(e.to_string())
}

fn bad_key(_: BlobError) -> ObjectStoreError {
    ObjectStoreError::Failed("invalid key".into())
}

#[async_trait::async_trait]
impl ObjectStorage for LocalObjectStorage {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        self.object_path(key).map_err(bad_key)?;
        crate::convert::std_ttl(ttl)?;
        Ok(self.signed_url("PUT", key, &content_type.to_ascii_lowercase(), "", ttl))
    }

    async fn presign_download(
        &self,
        key: &str,
        disposition: &Disposition,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        self.object_path(key).map_err(bad_key)?;
        crate::convert::std_ttl(ttl)?;
        Ok(self.signed_url("GET", key, "", &disposition_value(disposition), ttl))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, ObjectStoreError> {
        let path = self.object_path(key).map_err(bad_key)?;
        let meta = match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&e)),
        };
        Ok(Some(ObjectMeta {
            size_bytes: meta.len(),
            content_type: blob::read_sidecar(&self.meta_path(key)).await,
        }))
    }

    async fn read_head_bytes(
        &self,
        key: &str,
        len: usize,
    ) -> Result<Option<Vec<u8>>, ObjectStoreError> {
        let path = self.object_path(key).map_err(bad_key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&e)),
        };
        let mut buf = Vec::with_capacity(len.min(1 << 20));
        file.take(len as u64)
            .read_to_end(&mut buf)
            .await
            .map_err(|e| io(&e))?;
        Ok(Some(buf))
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        let path = self.object_path(key).map_err(bad_key)?;
        for p in [path, self.meta_path(key)] {
            match tokio::fs::remove_file(&p).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&e)),
            }
        }
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, ObjectStoreError> {
        let dir = crate::convert::prefix_dir(prefix);
        let start = if dir.is_empty() {
            self.config.root.clone()
        } else {
            self.object_path(dir).map_err(bad_key)?
        };
        let mut removed = 0;
        for key in blob::keys_under(&self.config.root, &start)
            .await
            .map_err(|e| io(&e))?
        {
            if key.starts_with(prefix) {
                self.delete(&key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn public_url(&self, key: &str) -> String {
        format!(
            "{}/api/v1/files/public/{}",
            self.config.api_base,
            crate::sigv4::uri_encode(key, true)
        )
    }
}
