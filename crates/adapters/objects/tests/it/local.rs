use crate::TestClock;
use harmony_adapters_objects::testing::{Capabilities, LocalTransport, object_storage_contract};
use harmony_adapters_objects::{BlobError, BlobMethod, LocalObjectConfig, LocalObjectStorage};
use harmony_files::ports::{Disposition, ObjectStorage};
use std::sync::Arc;
use time::Duration;

fn storage(dir: &tempfile::TempDir, clock: Arc<TestClock>) -> LocalObjectStorage {
    LocalObjectStorage::new(
        LocalObjectConfig {
            root: dir.path().join("objects"),
            api_base: "http://api.test".into(),
            secret: "a-test-secret-of-some-length".to_owned().into(),
            max_upload_bytes: 16,
        },
        clock,
    )
}

/// `(key, query)` of a blob URL, as the API's handler would see them.
fn split(url: &str) -> (String, String) {
    let rest = url.split_once("/api/v1/files/blob/").unwrap().1;
    let (key, query) = rest.split_once('?').unwrap();
    (key.to_owned(), query.to_owned())
}

fn body(bytes: &[u8]) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Unpin {
    futures_util::stream::iter([Ok(bytes.to_vec())])
}

#[tokio::test]
async fn local_passes_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    let caps = Capabilities {
        enforces_signed_content_type: true,
    };
    object_storage_contract(&storage, &LocalTransport(&storage), caps, "run").await;
}

#[tokio::test]
async fn expired_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::now();
    let storage = storage(&dir, clock.clone());
    let url = storage
        .presign_upload("documents/t/a.txt", "text/plain", Duration::minutes(5))
        .await
        .unwrap();
    let (key, query) = split(&url.url);
    assert!(storage.verify("PUT", &key, &query).is_ok());
    clock.advance(Duration::minutes(6));
    assert_eq!(storage.verify("PUT", &key, &query), Err(BlobError::Expired));
}

#[tokio::test]
async fn tampered_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    let url = storage
        .presign_upload("documents/t/a.txt", "text/plain", Duration::minutes(5))
        .await
        .unwrap();
    let (key, query) = split(&url.url);
    let other_type = query.replace("ct=text%2Fplain", "ct=text%2Fhtml");
    assert_ne!(other_type, query);
    assert_eq!(
        storage.verify("PUT", &key, &other_type),
        Err(BlobError::BadSignature)
    );
    assert_eq!(
        storage.verify("PUT", "documents/t/b.txt", &query),
        Err(BlobError::BadSignature)
    );
    assert_eq!(
        storage.verify("GET", &key, &query),
        Err(BlobError::BadSignature)
    );
    let later = query.replacen("exp=", "exp=9", 1);
    assert_eq!(
        storage.verify("PUT", &key, &later),
        Err(BlobError::BadSignature)
    );
    let no_sig = query.split("&sig=").next().unwrap().to_owned();
    assert_eq!(
        storage.verify("PUT", &key, &no_sig),
        Err(BlobError::BadSignature)
    );
    let other_secret = LocalObjectStorage::new(
        LocalObjectConfig {
            root: dir.path().into(),
            api_base: "http://api.test".into(),
            secret: "another-secret".to_owned().into(),
            max_upload_bytes: 16,
        },
        TestClock::now(),
    );
    assert_eq!(
        other_secret.verify("PUT", &key, &query),
        Err(BlobError::BadSignature)
    );
}

#[tokio::test]
async fn keys_outside_the_root_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    for key in [
        "../escape.txt",
        "a/../../b",
        "/etc/passwd",
        "a\0b",
        "a\\..\\b",
        "",
        "a//b",
        ".meta/x.json",
        "a/.tmp/x",
        "C:/x",
    ] {
        assert_eq!(
            storage.verify("GET", key, "exp=1&sig=00"),
            Err(BlobError::InvalidKey),
            "{key:?}"
        );
        assert!(
            storage
                .presign_upload(key, "text/plain", Duration::minutes(1))
                .await
                .is_err(),
            "{key:?}"
        );
        assert!(storage.head(key).await.is_err(), "{key:?}");
    }
}

#[tokio::test]
async fn uploads_enforce_content_type_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    let url = storage
        .presign_upload("documents/t/a.txt", "Text/Plain", Duration::minutes(5))
        .await
        .unwrap();
    let (key, query) = split(&url.url);
    let grant = storage.verify("PUT", &key, &query).unwrap();
    assert_eq!(grant.method, BlobMethod::Put);
    assert_eq!(
        storage
            .write_stream(&grant, Some("text/html"), body(b"x"))
            .await,
        Err(BlobError::ContentTypeMismatch)
    );
    assert_eq!(
        storage.write_stream(&grant, None, body(b"x")).await,
        Err(BlobError::ContentTypeMismatch)
    );
    assert_eq!(
        storage
            .write_stream(&grant, Some("text/plain"), body(&[0; 17]))
            .await,
        Err(BlobError::TooLarge(16))
    );
    assert_eq!(
        storage.head(&key).await.unwrap(),
        None,
        "a refused upload leaves nothing"
    );
    assert_eq!(
        storage
            .write_stream(&grant, Some("text/plain"), body(b"0123456789abcdef"))
            .await,
        Ok(16)
    );
    let meta = storage.head(&key).await.unwrap().unwrap();
    assert_eq!(
        (meta.size_bytes, meta.content_type.as_deref()),
        (16, Some("text/plain"))
    );
    assert!(
        storage.read_file(&grant).await.is_err(),
        "an upload grant cannot download"
    );
    let leftovers = std::fs::read_dir(dir.path().join("objects/.tmp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "temporary files are cleaned up");
    // a charset parameter (browsers add one to string bodies) is fine
    assert_eq!(
        storage
            .write_stream(&grant, Some("text/plain; charset=UTF-8"), body(b"x"))
            .await,
        Ok(1)
    );
}

#[tokio::test]
async fn downloads_carry_the_signed_disposition() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    let up = storage
        .presign_upload("documents/t/r.pdf", "application/pdf", Duration::minutes(5))
        .await
        .unwrap();
    let (key, query) = split(&up.url);
    let grant = storage.verify("PUT", &key, &query).unwrap();
    storage
        .write_stream(&grant, Some("application/pdf"), body(b"%PDF"))
        .await
        .unwrap();
    let down = storage
        .presign_download(
            &key,
            &Disposition::Inline("Résumé \"v2\".pdf".into()),
            Duration::minutes(5),
        )
        .await
        .unwrap();
    let (key, query) = split(&down.url);
    let grant = storage.verify("GET", &key, &query).unwrap();
    let file = storage.read_file(&grant).await.unwrap();
    assert_eq!(
        (file.size, file.content_type.as_str()),
        (4, "application/pdf")
    );
    assert_eq!(
        file.content_disposition.as_deref(),
        Some(
            "inline; filename=\"R_sum_ \\\"v2\\\".pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22v2%22.pdf"
        )
    );
}

#[tokio::test]
async fn only_public_categories_are_served_publicly() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(&dir, TestClock::now());
    assert_eq!(
        storage.public_url("avatars/t/u.png"),
        "http://api.test/api/v1/files/public/avatars/t/u.png"
    );
    assert!(storage.verify_public("avatars/t/u.png").is_ok());
    assert!(storage.verify_public("tenant-logos/t/l.png").is_ok());
    assert_eq!(
        storage.verify_public("documents/t/secret.pdf"),
        Err(BlobError::NotPublic)
    );
    assert_eq!(
        storage.verify_public("avatars/../documents/x"),
        Err(BlobError::InvalidKey)
    );
    let missing = storage.verify_public("avatars/t/none.png").unwrap();
    assert_eq!(
        storage.read_file(&missing).await.unwrap_err(),
        BlobError::NotFound
    );
}
