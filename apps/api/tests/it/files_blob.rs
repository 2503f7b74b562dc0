//! The local store's byte endpoints (`/files/blob/…`, `/files/public/…`):
//! signatures, expiry, content type, keys that try to leave the root, HEAD;
//! and, with `HARMONY_TEST_S3_URL`, the upload flow against S3.

use std::io::{Read, Write};

use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status};
use crate::files::{FILES, confirm_at, doc, png, presign_at, put_bytes, upload};
use crate::spawn::{Options, TestApp, spawn_app, spawn_app_with, spawn_app_with_clock};

/// A raw HTTP/1.1 request, for paths an HTTP client would normalise.
fn raw_get(app: &TestApp, path: &str) -> String {
    let host = app.address.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, query) = url.split_once('?').unwrap();
    let params: Vec<String> = query
        .split('&')
        .map(|p| {
            if p.starts_with(&format!("{name}=")) {
                format!("{name}={value}")
            } else {
                p.to_owned()
            }
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

#[tokio::test]
async fn signed_urls_refuse_tampering_expiry_and_the_wrong_method() {
    let app = spawn_app_with_clock().await;
    let owner = app.register_owner().await;
    let p = presign_at(
        &app,
        &format!("{FILES}/upload/presign"),
        &owner.access,
        &doc("a.txt", 3),
    )
    .await;
    let url = p["upload_url"].as_str().unwrap();
    let tampered = with_param(url, "ct", "text%2Fhtml");
    let res = put_bytes(&app, &tampered, "text/html", b"<b>".to_vec()).await;
    expect_detail(res, 403, "Invalid signature").await;
    let res = put_bytes(
        &app,
        &with_param(url, "sig", "00"),
        "text/plain",
        b"abc".to_vec(),
    )
    .await;
    expect_detail(res, 403, "Invalid signature").await;
    let res = put_bytes(&app, url, "text/html", b"abc".to_vec()).await;
    assert_eq!(res.status(), 415);
    // An upload URL is no download URL.
    let res = app.client.get(url).send().await.unwrap();
    expect_detail(res, 403, "Invalid signature").await;
    expect_status(
        put_bytes(&app, url, "text/plain", b"abc".to_vec()).await,
        200,
    )
    .await;
    let key = p["storage_key"].as_str().unwrap();
    let path = format!("{FILES}/upload/confirm");
    let file = expect_status(
        confirm_at(&app, &path, &owner.access, key, &doc("a.txt", 3)).await,
        201,
    )
    .await;
    let dl = format!("{FILES}/{}/download", file["id"].as_str().unwrap());
    let d = expect_status(app.get(&dl, &owner.access).await, 200).await;
    let download = d["download_url"].as_str().unwrap();
    let res = app.client.head(download).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(crate::expect::header(&res, "content-length"), "3");
    let res = app
        .client
        .get(with_param(download, "disp", "inline"))
        .send()
        .await
        .unwrap();
    expect_detail(res, 403, "Invalid signature").await;
    // Uploading with a download URL.
    let res = put_bytes(&app, download, "text/plain", b"zzz".to_vec()).await;
    expect_detail(res, 403, "Invalid signature").await;
    // Past `exp`, both URLs are refused.
    app.advance(time::Duration::hours(2));
    let res = app.client.get(download).send().await.unwrap();
    expect_detail(res, 403, "The link has expired").await;
    let res = put_bytes(&app, url, "text/plain", b"abc".to_vec()).await;
    expect_detail(res, 403, "The link has expired").await;
}

#[tokio::test]
async fn keys_cannot_leave_the_root_and_only_logos_and_avatars_are_public() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let file = upload(&app, &owner.access, &doc("a.txt", 1), b"a".to_vec()).await;
    let key = file["storage_key"].as_str().unwrap();
    for path in [
        "/api/v1/files/public/avatars/../../etc/passwd",
        "/api/v1/files/public/tenant-logos/.meta/x.json",
        "/api/v1/files/blob/documents/../.meta/x.json?exp=1&sig=00",
        "/api/v1/files/blob/..%2F..%2Fetc%2Fpasswd?exp=1&sig=00",
    ] {
        let answer = raw_get(&app, path);
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        assert!(
            answer.contains("\"code\":\"invalid_key\""),
            "{path}: {answer}"
        );
    }
    let res = app
        .client
        .get(app.url(&format!("{FILES}/public/{key}")))
        .send()
        .await
        .unwrap();
    expect_detail(res, 403, "Not public").await;
    let res = app
        .client
        .get(app.url(&format!("{FILES}/public/avatars/none.png")))
        .send()
        .await
        .unwrap();
    expect_detail(res, 404, "Not Found").await;
    let res = app
        .client
        .get(app.url(&format!("{FILES}/blob/{key}")))
        .send()
        .await
        .unwrap();
    expect_detail(res, 403, "Invalid signature").await;
    // An oversized body stops at `storage.max_upload_bytes` (413).
    let small = spawn_app_with(Options {
        settings: vec![("storage.max_upload_bytes", "4")],
        ..Options::default()
    })
    .await;
    let o = small.register_owner().await;
    let p = presign_at(
        &small,
        &format!("{FILES}/upload/presign"),
        &o.access,
        &json!({"filename": "b.bin", "content_type": "application/octet-stream", "size_bytes": 3, "category": "attachment"}),
    )
    .await;
    let res = put_bytes(
        &small,
        p["upload_url"].as_str().unwrap(),
        "application/octet-stream",
        vec![b'x'; 10],
    )
    .await;
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn the_upload_flow_runs_against_s3_when_configured() {
    let Ok(endpoint) = std::env::var("HARMONY_TEST_S3_URL") else {
        return;
    };
    let endpoint: &'static str = Box::leak(endpoint.trim().to_owned().into_boxed_str());
    let bucket: &'static str =
        Box::leak(format!("harmony-it-{}", uuid::Uuid::new_v4().simple()).into_boxed_str());
    let app = spawn_app_with(Options {
        settings: vec![
            ("storage.backend", "s3"),
            ("storage.s3_endpoint", endpoint),
            ("storage.s3_bucket", bucket),
            ("storage.s3_access_key_id", "testing"),
            ("storage.s3_secret_access_key", "testing"),
            ("storage.s3_path_style", "true"),
        ],
        ..Options::default()
    })
    .await;
    let owner = app.register_owner().await;
    let file = upload(
        &app,
        &owner.access,
        &doc("s3.txt", 100),
        b"hello s3".to_vec(),
    )
    .await;
    assert_eq!(file["size_bytes"], 8);
    let id = file["id"].as_str().unwrap();
    let d = expect_status(
        app.get(&format!("{FILES}/{id}/download"), &owner.access)
            .await,
        200,
    )
    .await;
    let url = d["download_url"].as_str().unwrap();
    assert!(url.starts_with(endpoint), "{url}");
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"hello s3");
    // A logo: its public URL is under the bucket.
    let req = json!({"filename": "l.png", "content_type": "image/png", "size_bytes": 50});
    let p = presign_at(
        &app,
        &format!("{FILES}/tenant/logo/presign"),
        &owner.access,
        &req,
    )
    .await;
    let res = put_bytes(&app, p["upload_url"].as_str().unwrap(), "image/png", png()).await;
    assert!(res.status().is_success(), "{}", res.status());
    let key = p["storage_key"].as_str().unwrap();
    let logo = format!("{FILES}/tenant/logo");
    expect_status(confirm_at(&app, &logo, &owner.access, key, &req).await, 201).await;
    let tenant = expect_status(
        app.get("/api/v1/tenant-settings/", &owner.access).await,
        200,
    )
    .await;
    let logo_url = tenant["logo_url"].as_str().unwrap();
    assert!(
        logo_url.ends_with(key) && logo_url.contains(bucket),
        "{logo_url}"
    );
    // The local blob endpoints do not exist with S3.
    let res = app
        .client
        .get(app.url(&format!("{FILES}/public/{key}")))
        .send()
        .await
        .unwrap();
    expect_detail(res, 404, "Not Found").await;
    let list = expect_status(app.get(FILES, &owner.access).await, 200).await;
    assert_eq!(list["total"], Value::from(2));
}

#[tokio::test]
async fn large_objects_stream_both_ways() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let bytes: Vec<u8> = (0..3 * 1_048_576 + 17_u32)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect();
    let req = json!({"filename": "big.bin", "content_type": "application/octet-stream",
        "size_bytes": 1, "category": "attachment"});
    let file = upload(&app, &owner.access, &req, bytes.clone()).await;
    assert_eq!(file["size_bytes"], bytes.len());
    let dl = format!("{FILES}/{}/download", file["id"].as_str().unwrap());
    let d = expect_status(app.get(&dl, &owner.access).await, 200).await;
    let res = app
        .client
        .get(d["download_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::expect::header(&res, "content-length"),
        bytes.len().to_string()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
