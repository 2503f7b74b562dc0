//! The executable contract of [`ObjectStorage`], run on every
//! implementation of this crate (and reusable by others).
//!
//! Presigned URLs are executed by a [`Transport`]: real HTTP for S3
//! ([`HttpTransport`]), the blob handler's calls for the local store
//! ([`LocalTransport`]), [`InMemoryObjectStorage::fulfil`] for memory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a contract suite: a broken MUST is a panic"
)]

use crate::local::{BlobMethod, LocalObjectStorage};
use crate::memory::{Fulfilled, InMemoryObjectStorage};
use harmony_files::ports::{Disposition, ObjectStorage, PresignedUrl};
use time::Duration;

/// What executing a presigned URL gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status (or its equivalent).
    pub status: u16,
    /// Response body.
    pub body: Vec<u8>,
    /// The `Content-Disposition` answered, if the transport sees it.
    pub content_disposition: Option<String>,
}

/// Executes a presigned URL the way a browser would.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// Sends `body` with header `Content-Type: content_type` (uploads) or
    /// fetches the object (downloads).
    async fn execute(
        &self,
        url: &PresignedUrl,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response;
}

/// Real HTTP with reqwest (S3 and S3-compatible servers).
#[derive(Default)]
pub struct HttpTransport(pub reqwest::Client);

#[async_trait::async_trait]
impl Transport for HttpTransport {
    async fn execute(
        &self,
        url: &PresignedUrl,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        let method = reqwest::Method::from_bytes(url.method.as_bytes()).expect("method");
        let mut request = self.0.request(method, &url.url);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        if url.method == "PUT" {
            request = request.body(body);
        }
        let response = request.send().await.expect("S3 server reachable");
        let status = response.status().as_u16();
        let content_disposition = response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.expect("body").to_vec();
        Response {
            status,
            body,
            content_disposition,
        }
    }
}

/// What the API's blob handler does, without HTTP.
pub struct LocalTransport<'a>(pub &'a LocalObjectStorage);

#[async_trait::async_trait]
impl Transport for LocalTransport<'_> {
    async fn execute(
        &self,
        url: &PresignedUrl,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        let refused = |status| Response {
            status,
            body: Vec::new(),
            content_disposition: None,
        };
        let rest = url
            .url
            .split_once("/api/v1/files/blob/")
            .expect("blob URL")
            .1;
        let (key, query) = rest.split_once('?').unwrap_or((rest, ""));
        let key = crate::local::percent_decode(key);
        let grant = match self.0.verify(&url.method, &key, query) {
            Ok(g) => g,
            Err(e) => return refused(e.status()),
        };
        if grant.method == BlobMethod::Put {
            let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(body)]);
            return match self.0.write_stream(&grant, content_type, stream).await {
                Ok(_) => refused(200),
                Err(e) => refused(e.status()),
            };
        }
        match self.0.read_file(&grant).await {
            Ok(mut blob) => {
                use tokio::io::AsyncReadExt;
                let mut bytes = Vec::new();
                blob.file.read_to_end(&mut bytes).await.expect("read");
                Response {
                    status: 200,
                    body: bytes,
                    content_disposition: blob.content_disposition,
                }
            }
            Err(e) => refused(e.status()),
        }
    }
}

/// [`InMemoryObjectStorage::fulfil`] as a transport.
pub struct MemoryTransport<'a>(pub &'a InMemoryObjectStorage);

#[async_trait::async_trait]
impl Transport for MemoryTransport<'_> {
    async fn execute(
        &self,
        url: &PresignedUrl,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        match self.0.fulfil(url, content_type, body).await {
            Ok(Some(Fulfilled::Stored)) => Response {
                status: 200,
                body: Vec::new(),
                content_disposition: None,
            },
            Ok(Some(Fulfilled::Body(bytes, disp))) => Response {
                status: 200,
                body: bytes,
                content_disposition: disp,
            },
            Ok(None) => Response {
                status: 404,
                body: Vec::new(),
                content_disposition: None,
            },
            Err(_) => Response {
                status: 403,
                body: Vec::new(),
                content_disposition: None,
            },
        }
    }
}

/// What a store is known to enforce beyond the port's MUSTs.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    /// A PUT with another content type than the signed one is refused
    /// (moto does not check signatures; `confirm`'s `head` check covers it).
    pub enforces_signed_content_type: bool,
}

const TTL: Duration = Duration::minutes(10);

/// Runs every case; `prefix` isolates keys (e.g. a fresh UUID per run).
pub async fn object_storage_contract(
    storage: &dyn ObjectStorage,
    transport: &dyn Transport,
    caps: Capabilities,
    prefix: &str,
) {
    upload_then_head_reports_stored_size_and_type(storage, transport, prefix).await;
    read_head_bytes_returns_a_prefix(storage, transport, prefix).await;
    download_returns_bytes_with_disposition(storage, transport, prefix).await;
    absent_objects_are_none(storage, prefix).await;
    delete_is_idempotent(storage, transport, prefix).await;
    delete_prefix_removes_only_that_prefix(storage, transport, prefix).await;
    public_url_names_the_key(storage, prefix);
    if caps.enforces_signed_content_type {
        other_content_type_is_refused(storage, transport, prefix).await;
    }
}

async fn put(storage: &dyn ObjectStorage, t: &dyn Transport, key: &str, ct: &str, body: &[u8]) {
    let url = storage
        .presign_upload(key, ct, TTL)
        .await
        .expect("presign upload");
    assert_eq!(url.method, "PUT");
    assert_eq!(
        url.headers.get("Content-Type").map(String::as_str),
        Some(ct)
    );
    let sent = url.headers.get("Content-Type").map(String::as_str);
    let response = t.execute(&url, sent, body.to_vec()).await;
    assert!(
        (200..300).contains(&response.status),
        "upload of {key} refused: {response:?}"
    );
}

async fn upload_then_head_reports_stored_size_and_type(
    s: &dyn ObjectStorage,
    t: &dyn Transport,
    p: &str,
) {
    let key = format!("{p}/documents/a.txt");
    put(s, t, &key, "text/plain", b"hello world").await;
    let meta = s.head(&key).await.expect("head").expect("object exists");
    assert_eq!(meta.size_bytes, 11);
    assert_eq!(meta.content_type.as_deref(), Some("text/plain"));
}

async fn read_head_bytes_returns_a_prefix(s: &dyn ObjectStorage, t: &dyn Transport, p: &str) {
    let key = format!("{p}/documents/b.bin");
    put(
        s,
        t,
        &key,
        "application/octet-stream",
        b"\x89PNG rest of it",
    )
    .await;
    assert_eq!(
        s.read_head_bytes(&key, 4).await.unwrap().unwrap(),
        b"\x89PNG"
    );
    assert_eq!(
        s.read_head_bytes(&key, 1000).await.unwrap().unwrap(),
        b"\x89PNG rest of it"
    );
}

async fn download_returns_bytes_with_disposition(
    s: &dyn ObjectStorage,
    t: &dyn Transport,
    p: &str,
) {
    let key = format!("{p}/documents/c.pdf");
    put(s, t, &key, "application/pdf", b"%PDF-1.7").await;
    let disposition = Disposition::Attachment("Quarterly report.pdf".into());
    let url = s
        .presign_download(&key, &disposition, TTL)
        .await
        .expect("presign download");
    assert_eq!(url.method, "GET");
    let response = t.execute(&url, None, Vec::new()).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, b"%PDF-1.7");
    if let Some(d) = response.content_disposition {
        assert_eq!(d, "attachment; filename=\"Quarterly report.pdf\"");
    }
}

async fn absent_objects_are_none(s: &dyn ObjectStorage, p: &str) {
    let key = format!("{p}/documents/missing.txt");
    assert_eq!(s.head(&key).await.unwrap(), None);
    assert_eq!(s.read_head_bytes(&key, 4).await.unwrap(), None);
}

async fn delete_is_idempotent(s: &dyn ObjectStorage, t: &dyn Transport, p: &str) {
    let key = format!("{p}/documents/d.txt");
    put(s, t, &key, "text/plain", b"bye").await;
    s.delete(&key).await.expect("delete");
    assert_eq!(s.head(&key).await.unwrap(), None);
    s.delete(&key).await.expect("second delete is not an error");
}

async fn delete_prefix_removes_only_that_prefix(s: &dyn ObjectStorage, t: &dyn Transport, p: &str) {
    for key in ["x/t1/a.txt", "x/t1/b.txt", "x/t10/c.txt", "y/t1/d.txt"] {
        put(s, t, &format!("{p}/{key}"), "text/plain", b"1").await;
    }
    assert_eq!(s.delete_prefix(&format!("{p}/x/t1/")).await.unwrap(), 2);
    assert_eq!(s.head(&format!("{p}/x/t1/a.txt")).await.unwrap(), None);
    assert!(s.head(&format!("{p}/x/t10/c.txt")).await.unwrap().is_some());
    assert!(s.head(&format!("{p}/y/t1/d.txt")).await.unwrap().is_some());
    assert_eq!(s.delete_prefix(&format!("{p}/nothing/")).await.unwrap(), 0);
}

fn public_url_names_the_key(s: &dyn ObjectStorage, p: &str) {
    let key = format!("{p}/avatars/e.png");
    assert!(s.public_url(&key).ends_with(&key), "{}", s.public_url(&key));
}

async fn other_content_type_is_refused(s: &dyn ObjectStorage, t: &dyn Transport, p: &str) {
    let key = format!("{p}/documents/f.txt");
    let url = s.presign_upload(&key, "text/plain", TTL).await.unwrap();
    let response = t
        .execute(&url, Some("text/html"), b"<script>".to_vec())
        .await;
    assert!(
        response.status >= 400,
        "a different content type was accepted: {response:?}"
    );
    assert_eq!(s.head(&key).await.unwrap(), None);
}
