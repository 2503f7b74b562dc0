//! [`InMemoryObjectStorage`]: object_store's `InMemory` behind the port, for
//! tests of the adapter layer and of anything wired with a real
//! `ObjectStorage` but no server.
//!
//! `InMemory` cannot presign, so URLs are `memory:///<key>?…` descriptions
//! that [`InMemoryObjectStorage::fulfil`] executes, checking expiry and the
//! signed content type like a real server would.

use crate::convert;
use harmony_files::ports::{
    Disposition, ObjectMeta, ObjectStorage, ObjectStoreError, PresignedUrl,
};
use harmony_kernel::Clock;
use object_store::memory::InMemory;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use time::Duration;

/// Objects in process memory; cloning shares them.
#[derive(Clone)]
pub struct InMemoryObjectStorage {
    store: Arc<InMemory>,
    clock: Arc<dyn Clock>,
}

/// What a `memory://` URL asks for, once checked by [`InMemoryObjectStorage::fulfil`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fulfilled {
    /// The upload was stored.
    Stored,
    /// The download's bytes and the disposition it was signed with.
    Body(Vec<u8>, Option<String>),
}

impl InMemoryObjectStorage {
    /// An empty store reading time from `clock` (URL expiry).
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            clock,
        }
    }

    /// Executes a presigned `memory://` URL like an S3 server would: refuses
    /// it once expired, refuses an upload whose `content_type` differs from
    /// the signed one, stores the body with its content type or returns the
    /// object (`Ok(None)` when absent). `Err` carries the refusal reason.
    pub async fn fulfil(
        &self,
        url: &PresignedUrl,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Option<Fulfilled>, String> {
        let rest = url
            .url
            .strip_prefix("memory:///")
            .ok_or("not a memory URL")?;
        let (key, query) = rest.split_once('?').unwrap_or((rest, ""));
        let params: BTreeMap<&str, &str> =
            query.split('&').filter_map(|p| p.split_once('=')).collect();
        let exp: i64 = params
            .get("exp")
            .and_then(|v| v.parse().ok())
            .ok_or("no expiry")?;
        if self.clock.now().unix_timestamp() > exp {
            return Err("expired".into());
        }
        let decode = |k: &str| params.get(k).map(|v| crate::local::percent_decode(v));
        let path = convert::path(key).map_err(|e| e.to_string())?;
        if url.method == "PUT" {
            let signed = decode("ct").ok_or("no content type")?;
            if content_type.map(str::to_ascii_lowercase) != Some(signed.clone()) {
                return Err("content type differs from the signed one".into());
            }
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, signed.into());
            let opts = PutOptions {
                attributes,
                ..PutOptions::default()
            };
            self.store
                .put_opts(&path, PutPayload::from(body), opts)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(Some(Fulfilled::Stored));
        }
        match self.store.get(&path).await {
            Ok(result) => {
                let bytes = result.bytes().await.map_err(|e| e.to_string())?;
                Ok(Some(Fulfilled::Body(bytes.to_vec(), decode("disp"))))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn url(&self, method: &str, key: &str, params: &[(&str, &str)], ttl: Duration) -> PresignedUrl {
        let expires_at = self.clock.now() + ttl;
        let mut url = format!("memory:///{key}?exp={}", expires_at.unix_timestamp());
        for (k, v) in params {
            let _ = write!(url, "&{k}={}", crate::sigv4::uri_encode(v, false));
        }
        PresignedUrl {
            url,
            method: method.to_owned(),
            headers: BTreeMap::new(),
            expires_at,
        }
    }
}

#[async_trait::async_trait]
impl ObjectStorage for InMemoryObjectStorage {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        convert::path(key)?;
        convert::std_ttl(ttl)?;
        let ct = content_type.to_ascii_lowercase();
        let mut url = self.url("PUT", key, &[("ct", &ct)], ttl);
        url.headers.insert("Content-Type".into(), ct);
        Ok(url)
    }

    async fn presign_download(
        &self,
        key: &str,
        disposition: &Disposition,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        convert::path(key)?;
        convert::std_ttl(ttl)?;
        let disp = convert::disposition_value(disposition);
        Ok(self.url("GET", key, &[("disp", &disp)], ttl))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, ObjectStoreError> {
        convert::head(self.store.as_ref(), key).await
    }

    async fn read_head_bytes(
        &self,
        key: &str,
        len: usize,
    ) -> Result<Option<Vec<u8>>, ObjectStoreError> {
        convert::read_head_bytes(self.store.as_ref(), key, len).await
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        convert::delete(self.store.as_ref(), key).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, ObjectStoreError> {
        convert::delete_prefix(self.store.as_ref(), prefix).await
    }

    fn public_url(&self, key: &str) -> String {
        format!("memory:///{key}")
    }
}
