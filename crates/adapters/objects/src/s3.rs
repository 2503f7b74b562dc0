//! [`S3ObjectStorage`]: AWS S3 or an S3-compatible server (MinIO, moto).
//!
//! object_store's `AmazonS3` does the object calls and presigns the URLs:
//! uploads bind `Content-Type` into the signature (a client sending another
//! type gets 403 from a server that checks signatures; `confirm` re-checks
//! the stored type with [`ObjectStorage::head`] either way), downloads sign a
//! `response-content-disposition` query parameter. The bucket bootstrap is in
//! [`bootstrap`].

use crate::convert;
use harmony_files::ports::{
    Disposition, ObjectMeta, ObjectStorage, ObjectStoreError, PresignedUrl,
};
use harmony_kernel::Clock;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::signer::{HeaderName, HeaderValue, Method, SignedUrlOptions, Signer};
use object_store::{BackoffConfig, ClientOptions, RetryConfig};
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::Duration;
use tokio::sync::OnceCell;

mod bootstrap;

/// Settings of an S3 or S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    /// Server URL for S3-compatible servers, e.g. `http://127.0.0.1:9000`;
    /// `None` for AWS (`https://s3.<region>.amazonaws.com`).
    pub endpoint: Option<String>,
    /// Region, e.g. `us-east-1` (any value for MinIO/moto).
    pub region: String,
    /// Bucket; created on first use if missing.
    pub bucket: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: SecretString,
    /// `<endpoint>/<bucket>/<key>` URLs instead of `<bucket>.<host>/<key>`;
    /// what MinIO and moto need.
    pub path_style: bool,
    /// Base of public URLs (a CDN, or the bucket's public address); else
    /// the bucket URL.
    pub public_base_url: Option<String>,
}

impl S3Config {
    fn endpoint(&self) -> String {
        self.endpoint.as_deref().map_or_else(
            || format!("https://s3.{}.amazonaws.com", self.region),
            |e| e.trim_end_matches('/').to_owned(),
        )
    }

    /// The bucket's URL, path-style or virtual-hosted.
    pub fn bucket_url(&self) -> String {
        let endpoint = self.endpoint();
        if self.path_style {
            return format!("{endpoint}/{}", self.bucket);
        }
        match endpoint.split_once("://") {
            Some((scheme, host)) => format!("{scheme}://{}.{host}", self.bucket),
            None => format!("{}.{endpoint}", self.bucket),
        }
    }
}

/// Objects in an S3 bucket.
pub struct S3ObjectStorage {
    config: S3Config,
    store: AmazonS3,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    bootstrapped: OnceCell<()>,
}

impl S3ObjectStorage {
    /// Audit archives in the same bucket, under `archives/audit/`.
    pub fn archive(self: &Arc<Self>) -> crate::ObjectStoreArchive {
        crate::ObjectStoreArchive::in_bucket(self.clone(), Arc::new(self.store.clone()))
    }

    /// Builds the client; no network until the first call.
    pub fn new(config: S3Config, clock: Arc<dyn Clock>) -> Result<Self, ObjectStoreError> {
        use secrecy::ExposeSecret;
        let endpoint = config.endpoint();
        let client_options = ClientOptions::new()
            .with_connect_timeout(std::time::Duration::from_secs(5))
            .with_timeout(std::time::Duration::from_mins(1))
            .with_allow_http(endpoint.starts_with("http://"));
        // Few, short retries: an unreachable server must surface as 503 soon.
        let retry = RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: 2,
            retry_timeout: std::time::Duration::from_secs(10),
        };
        let mut builder = AmazonS3Builder::new()
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(config.secret_access_key.expose_secret())
            .with_virtual_hosted_style_request(!config.path_style)
            .with_client_options(client_options)
            .with_retry(retry);
        if config.endpoint.is_some() {
            let endpoint = if config.path_style {
                endpoint
            } else {
                config.bucket_url()
            };
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| ObjectStoreError::Failed(e.to_string()))?;
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| ObjectStoreError::Failed(e.to_string()))?;
        Ok(Self {
            config,
            store,
            http,
            clock,
            bootstrapped: OnceCell::new(),
        })
    }

    /// Creates the bucket if missing (public-read for logos and avatars,
    /// permissive CORS); runs once per process, retried after a failure.
    pub async fn ensure_bucket(&self) -> Result<(), ObjectStoreError> {
        self.bootstrapped
            .get_or_try_init(|| bootstrap::run(&self.config, &self.http, self.clock.as_ref()))
            .await
            .copied()
    }

    async fn sign(
        &self,
        method: Method,
        key: &str,
        ttl: Duration,
        options: &SignedUrlOptions,
    ) -> Result<String, ObjectStoreError> {
        let path = convert::path(key)?;
        let url = self
            .store
            .signed_url_opts(method, &path, convert::std_ttl(ttl)?, options)
            .await
            .map_err(|e| convert::map_err(&e))?;
        Ok(url.to_string())
    }
}

#[async_trait::async_trait]
impl ObjectStorage for S3ObjectStorage {
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        self.ensure_bucket().await?;
        let ct = content_type.to_ascii_lowercase();
        let value = HeaderValue::from_str(&ct)
            .map_err(|_| ObjectStoreError::Failed("invalid content type".into()))?;
        let options = SignedUrlOptions::new()
            .with_signed_header(HeaderName::from_static("content-type"), value);
        let url = self.sign(Method::PUT, key, ttl, &options).await?;
        Ok(PresignedUrl {
            url,
            method: "PUT".into(),
            headers: BTreeMap::from([("Content-Type".to_owned(), ct)]),
            expires_at: self.clock.now() + ttl,
        })
    }

    async fn presign_download(
        &self,
        key: &str,
        disposition: &Disposition,
        ttl: Duration,
    ) -> Result<PresignedUrl, ObjectStoreError> {
        let options = SignedUrlOptions::new().with_query([(
            "response-content-disposition",
            convert::disposition_value(disposition),
        )]);
        let url = self.sign(Method::GET, key, ttl, &options).await?;
        Ok(PresignedUrl {
            url,
            method: "GET".into(),
            headers: BTreeMap::new(),
            expires_at: self.clock.now() + ttl,
        })
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, ObjectStoreError> {
        convert::head(&self.store, key).await
    }

    async fn read_head_bytes(
        &self,
        key: &str,
        len: usize,
    ) -> Result<Option<Vec<u8>>, ObjectStoreError> {
        convert::read_head_bytes(&self.store, key, len).await
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        convert::delete(&self.store, key).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<u64, ObjectStoreError> {
        convert::delete_prefix(&self.store, prefix).await
    }

    fn public_url(&self, key: &str) -> String {
        let base = self
            .config
            .public_base_url
            .as_deref()
            .filter(|b| !b.is_empty())
            .map_or_else(
                || self.config.bucket_url(),
                |b| b.trim_end_matches('/').to_owned(),
            );
        format!("{base}/{}", crate::sigv4::uri_encode(key, true))
    }
}
