//! `ObjectStorage` in memory: objects are `(bytes, content type)` under
//! their key; presigned URLs are fake `memory://` URLs nobody can call, so
//! tests "upload" with [`InMemoryObjectStorage::put`].

use harmony_files::ports::{
    Disposition, ObjectMeta, ObjectStorage, ObjectStoreError, PresignedUrl,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use time::{Duration, OffsetDateTime};

/// Stored objects: key → (bytes, content type recorded at upload).
type Objects = HashMap<String, (Vec<u8>, Option<String>)>;

/// In-memory object storage for tests and examples.
#[derive(Debug, Default)]
pub struct InMemoryObjectStorage {
    objects: Mutex<Objects>,
    unavailable: Mutex<bool>,
}

impl InMemoryObjectStorage {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Objects> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check(&self) -> Result<(), ObjectStoreError> {
        if *self
            .unavailable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Err(ObjectStoreError::Unavailable(
                "memory storage switched off".to_owned(),
            ))
        } else {
            Ok(())
        }
    }

    /// Stores `bytes` under `key` as a client's `PUT` would (tests).
    pub fn put(&self, key: &str, bytes: &[u8], content_type: Option<&str>) {
        self.lock().insert(
            key.to_owned(),
            (bytes.to_vec(), content_type.map(str::to_owned)),
        );
    }

    /// Whether `key` exists (tests).
    pub fn contains(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    /// Every stored key, sorted (tests).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// Makes every call fail with `Unavailable` (or work again), to test 503s.
    pub fn set_unavailable(&self, down: bool) {
        *self
            .unavailable
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = down;
    }

    fn presigned(
        url: String,
        method: &str,
        headers: BTreeMap<String, String>,
        ttl: Duration,
    ) -> PresignedUrl {
        PresignedUrl {
            url,
            method: method.to_owned(),
            headers,
            expires_at: OffsetDateTime::now_utc() + ttl,
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
        self.check()?;
        let mut headers = BTreeMap::new();
        headers.insert("Content-Type".to_owned(), content_type.to_owned());
        Ok(Self::presigned(
            format!("memory://upload/{key}"),
            "PUT",
            headers,
            ttl,
        ))
    }

    async fn presign_download(
        &self,
        key: &str,
        disposition: &Disposition,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        self.check()?;
        let mode = match disposition {
            Disposition::Inline(_) => "inline",
            Disposition::Attachment(_) => "attachment",
        };
        Ok(Self::presigned(
            format!("memory://download/{key}?disposition={mode}"),
            "GET",
            BTreeMap::new(),
            ttl,
        ))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, ObjectStoreError> {
        self.check()?;
        Ok(self.lock().get(key).map(|(bytes, ct)| ObjectMeta {
            size_bytes: bytes.len() as u64,
            content_type: ct.clone(),
        }))
    }

    async fn read_head_bytes(
        &self,
        key: &str,
        len: usize,
    ) -> Result<Option<Vec<u8>>, ObjectStoreError> {
        self.check()?;
        Ok(self
            .lock()
            .get(key)
            .map(|(bytes, _)| bytes.iter().take(len).copied().collect()))
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        self.check()?;
        self.lock().remove(key);
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, ObjectStoreError> {
        self.check()?;
        let mut objects = self.lock();
        let before = objects.len();
        objects.retain(|k, _| !k.starts_with(prefix));
        Ok((before - objects.len()) as u64)
    }

    fn public_url(&self, key: &str) -> String {
        format!("memory://public/{key}")
    }
}
