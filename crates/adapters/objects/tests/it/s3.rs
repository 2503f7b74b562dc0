//! Runs only when `HARMONY_TEST_S3_URL` is set (CI: `.ci/s3/start.sh`, moto).

use crate::TestClock;
use harmony_adapters_objects::testing::{Capabilities, HttpTransport, object_storage_contract};
use harmony_adapters_objects::{S3Config, S3ObjectStorage};
use harmony_files::ports::{ObjectStorage, ObjectStoreError};

fn config(endpoint: &str) -> S3Config {
    S3Config {
        endpoint: Some(endpoint.to_owned()),
        region: "us-east-1".into(),
        bucket: format!("harmony-test-{}", uuid::Uuid::new_v4().simple()),
        access_key_id: "test-key".into(),
        secret_access_key: "test-secret".to_owned().into(),
        path_style: true,
        public_base_url: None,
    }
}

#[tokio::test]
async fn s3_passes_the_contract() {
    let Ok(endpoint) = std::env::var("HARMONY_TEST_S3_URL") else {
        eprintln!("HARMONY_TEST_S3_URL not set; skipping the S3 contract");
        return;
    };
    let config = config(&endpoint);
    let bucket_url = config.bucket_url();
    let storage = S3ObjectStorage::new(config, TestClock::now()).unwrap();
    // moto accepts any signature, so the signed content type is not enforced there.
    let caps = Capabilities {
        enforces_signed_content_type: false,
    };
    object_storage_contract(&storage, &HttpTransport::default(), caps, "run").await;

    // The bootstrap created the bucket with a public-read policy for avatars.
    let key = "avatars/t1/public.png";
    let url = storage
        .presign_upload(key, "image/png", time::Duration::minutes(5))
        .await
        .unwrap();
    let put = reqwest::Client::new()
        .put(&url.url)
        .header("content-type", "image/png")
        .body(b"\x89PNG".to_vec())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{put:?}");
    assert_eq!(storage.public_url(key), format!("{bucket_url}/{key}"));
    let public = reqwest::get(storage.public_url(key)).await.unwrap();
    assert_eq!(public.status(), 200);
    assert_eq!(public.bytes().await.unwrap().as_ref(), b"\x89PNG");

    // The bootstrap ran once; a second storage on the same bucket finds it.
    storage.ensure_bucket().await.unwrap();
}

#[tokio::test]
async fn unreachable_server_is_unavailable() {
    let storage = S3ObjectStorage::new(config("http://127.0.0.1:9"), TestClock::now()).unwrap();
    let err = storage
        .presign_upload(
            "documents/t/a.pdf",
            "application/pdf",
            time::Duration::minutes(5),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ObjectStoreError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn presigned_urls_sign_content_type_and_disposition_without_network() {
    let storage = S3ObjectStorage::new(config("http://127.0.0.1:9"), TestClock::now()).unwrap();
    let download = storage
        .presign_download(
            "documents/t/a.pdf",
            &harmony_files::ports::Disposition::Inline("a b.pdf".into()),
            time::Duration::minutes(5),
        )
        .await
        .unwrap();
    assert!(
        download.url.contains("X-Amz-Signature="),
        "{}",
        download.url
    );
    assert!(
        download.url.contains("response-content-disposition=inline"),
        "{}",
        download.url
    );
    assert!(
        download.url.starts_with("http://127.0.0.1:9/harmony-test-"),
        "{}",
        download.url
    );
}
