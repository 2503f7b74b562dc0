//! `/api/v1/files` (§3.9 #1–8) over the local object store: the whole
//! upload flow, validation and category rules, quota and the confirm
//! defects (15, 16); shared helpers for the other files modules.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::branches::sql;
use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{Session, TestApp, spawn_app};

/// The files prefix.
pub const FILES: &str = "/api/v1/files";

/// The first bytes of a PNG (what the sniffer checks) plus some payload.
pub fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend_from_slice(&[7u8; 40]);
    b
}

/// The first bytes of a JPEG plus some payload.
pub fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    b.extend_from_slice(&[9u8; 30]);
    b
}

/// A `document` declaration of a text file.
pub fn doc(filename: &str, size: i64) -> Value {
    json!({"filename": filename, "content_type": "text/plain", "size_bytes": size,
        "category": "document"})
}

/// Any request with an optional `X-Tenant-ID`.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    tenant: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(t) = tenant {
        req = req.header("x-tenant-id", t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.expect("request sent")
}

/// `POST path` → 200 presigned upload.
pub async fn presign_at(app: &TestApp, path: &str, token: &str, body: &Value) -> Value {
    expect_status(app.post_json_as(path, token, body).await, 200).await
}

/// `PUT`s `bytes` to an upload URL with `content_type`.
pub async fn put_bytes(app: &TestApp, url: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    app.client
        .put(url)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload sent")
}

/// `POST path?storage_key=…` with the wrapper body.
pub async fn confirm_at(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    original: &Value,
) -> Response {
    let body = json!({"original_request": original});
    app.client
        .post(app.url(&format!("{path}?storage_key={key}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("confirm sent")
}

/// Presign, upload `bytes`, confirm: the `FileResponse`.
pub async fn upload(app: &TestApp, token: &str, req: &Value, bytes: Vec<u8>) -> Value {
    let p = presign_at(app, &format!("{FILES}/upload/presign"), token, req).await;
    let ct = req["content_type"].as_str().unwrap().to_lowercase();
    let res = put_bytes(app, p["upload_url"].as_str().unwrap(), &ct, bytes).await;
    expect_status(res, 200).await;
    let key = p["storage_key"].as_str().unwrap();
    let path = format!("{FILES}/upload/confirm");
    expect_status(confirm_at(app, &path, token, key, req).await, 201).await
}

/// `GET /files/storage` → `storage_used_bytes`.
pub async fn used_bytes(app: &TestApp, token: &str) -> i64 {
    let s = expect_status(app.get(&format!("{FILES}/storage"), token).await, 200).await;
    s["storage_used_bytes"].as_i64().unwrap()
}

/// The tenant id of a session's user.
pub fn tenant_of(s: &Session) -> String {
    s.user["tenant_id"].as_str().unwrap().to_owned()
}

const FILE_KEYS: [&str; 19] = [
    "id",
    "filename",
    "storage_key",
    "content_type",
    "size_bytes",
    "category",
    "resource_type",
    "resource_id",
    "checksum",
    "metadata",
    "is_public",
    "tenant_id",
    "branch_id",
    "uploaded_by_id",
    "is_active",
    "created_at",
    "updated_at",
    "size_mb",
    "is_image",
];

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "one flow from presign to the bytes")]
async fn the_local_flow_presign_put_confirm_get_list_download() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let tenant = tenant_of(&owner);
    let req = json!({"filename": "Notes.txt", "content_type": "Text/Plain", "size_bytes": 5000,
        "category": "document", "resource_type": "invoice",
        "resource_id": "6f1d2c3b-0000-4000-8000-000000000001"});
    let p = presign_at(
        &app,
        &format!("{FILES}/upload/presign"),
        &owner.access,
        &req,
    )
    .await;
    let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "expires_at",
            "fields",
            "max_size_bytes",
            "storage_key",
            "upload_url"
        ]
    );
    assert_eq!(p["fields"], Value::Null);
    assert_eq!(p["max_size_bytes"], 50 * 1_048_576);
    let key = p["storage_key"].as_str().unwrap();
    assert!(key.starts_with(&format!("documents/{tenant}/")), "{key}");
    assert_eq!(key.rsplit('.').next(), Some("txt"), "{key}");
    let url = p["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/api/v1/files/blob/")), "{url}");
    // The size is taken from storage: 11 bytes, although 5000 were declared.
    let res = put_bytes(&app, url, "text/plain", b"hello files".to_vec()).await;
    expect_status(res, 200).await;
    let path = format!("{FILES}/upload/confirm");
    let body = json!({"original_request": req,
        "confirm": {"storage_key": key, "checksum": "abc", "metadata": {"a": 1}}});
    let res = app
        .client
        .post(app.url(&format!("{path}?storage_key={key}")))
        .bearer_auth(&owner.access)
        .json(&body)
        .send()
        .await
        .unwrap();
    let file = expect_status(res, 201).await;
    for k in FILE_KEYS {
        assert!(file.get(k).is_some(), "{k} missing: {file}");
    }
    assert_eq!(file.as_object().unwrap().len(), FILE_KEYS.len(), "{file}");
    assert_eq!(file["size_bytes"], 11);
    assert_eq!(file["content_type"], "text/plain");
    assert_eq!(file["filename"], "Notes.txt");
    assert_eq!(file["checksum"], "abc");
    assert_eq!(file["metadata"], json!({"a": 1}));
    assert_eq!(file["resource_type"], "invoice");
    assert_eq!(file["is_active"], true);
    assert_eq!(file["is_image"], false);
    assert_eq!(file["uploaded_by_id"], owner.id().as_str());
    assert_eq!(file["tenant_id"], tenant.as_str());
    let id = file["id"].as_str().unwrap();

    let got = expect_status(app.get(&format!("{FILES}/{id}"), &owner.access).await, 200).await;
    assert_eq!(got["storage_key"], key);
    let list = expect_status(app.get(FILES, &owner.access).await, 200).await;
    assert_eq!(
        (
            &list["total"],
            &list["page"],
            &list["page_size"],
            &list["total_pages"]
        ),
        (&json!(1), &json!(1), &json!(20), &json!(1))
    );
    assert_eq!(list["items"][0]["id"], id);
    let filtered = format!("{FILES}/?category=attachment");
    let none = expect_status(app.get(&filtered, &owner.access).await, 200).await;
    assert_eq!(
        (&none["total"], &none["total_pages"]),
        (&json!(0), &json!(0))
    );

    let d = expect_status(
        app.get(&format!("{FILES}/{id}/download"), &owner.access)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (&d["filename"], &d["content_type"], &d["size_bytes"]),
        (&json!("Notes.txt"), &json!("text/plain"), &json!(11))
    );
    assert!(d["expires_at"].as_str().unwrap().ends_with('Z'));
    let res = app
        .client
        .get(d["download_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let disposition = crate::expect::header(&res, "content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("Notes.txt"), "{disposition}");
    assert_eq!(crate::expect::header(&res, "content-type"), "text/plain");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"hello files");
    let inline = format!("{FILES}/{id}/download?inline=true");
    let d = expect_status(app.get(&inline, &owner.access).await, 200).await;
    let res = app
        .client
        .get(d["download_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(crate::expect::header(&res, "content-disposition").starts_with("inline"));

    let s = expect_status(
        app.get(&format!("{FILES}/storage"), &owner.access).await,
        200,
    )
    .await;
    assert_eq!(
        (&s["tenant_id"], &s["storage_used_bytes"], &s["file_count"]),
        (&json!(tenant), &json!(11), &json!(1))
    );
    for k in [
        "storage_used_mb",
        "storage_used_gb",
        "storage_limit_gb",
        "storage_available_gb",
        "usage_percent",
        "is_limit_reached",
    ] {
        assert!(s.get(k).is_some(), "{k}: {s}");
    }
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "every 422 of the files endpoints")]
async fn requests_are_validated_with_the_contracts_messages() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let presign = format!("{FILES}/upload/presign");
    let body = json!({"filename": "a/../b.txt", "content_type": "textplain", "size_bytes": 0,
        "category": "bogus", "resource_id": "nope"});
    let d = expect_validation(
        app.post_json_as(&presign, &owner.access, &body).await,
        &[
            ("body -> filename", "value_error"),
            ("body -> content_type", "value_error"),
            ("body -> size_bytes", "greater_than"),
            ("body -> category", "literal_error"),
            ("body -> resource_id", "uuid_parsing"),
        ],
    )
    .await;
    assert_eq!(
        d[0]["message"],
        "Value error, Invalid character in filename: '..'"
    );
    assert_eq!(d[1]["message"], "Value error, Invalid content type format");
    expect_validation(
        app.post_json_as(&presign, &owner.access, &json!({})).await,
        &[
            ("body -> filename", "missing"),
            ("body -> content_type", "missing"),
            ("body -> size_bytes", "missing"),
            ("body -> category", "missing"),
        ],
    )
    .await;
    let long = json!({"filename": "x".repeat(256), "content_type": "text/plain",
        "size_bytes": 1, "category": "document", "resource_type": "r".repeat(51)});
    expect_validation(
        app.post_json_as(&presign, &owner.access, &long).await,
        &[
            ("body -> filename", "string_too_long"),
            ("body -> resource_type", "string_too_long"),
        ],
    )
    .await;
    let q = format!("{FILES}?page=0&page_size=101&category=x&resource_id=nope");
    expect_validation(
        app.get(&q, &owner.access).await,
        &[
            ("query -> category", "literal_error"),
            ("query -> resource_id", "uuid_parsing"),
            ("query -> page", "greater_than_equal"),
            ("query -> page_size", "less_than_equal"),
        ],
    )
    .await;
    expect_validation(
        app.get(&format!("{FILES}/nope"), &owner.access).await,
        &[("path -> file_id", "uuid_parsing")],
    )
    .await;
    let confirm = format!("{FILES}/upload/confirm");
    let res = app
        .post_json_as(
            &confirm,
            &owner.access,
            &json!({"original_request": doc("a.txt", 1)}),
        )
        .await;
    expect_validation(res, &[("query -> storage_key", "missing")]).await;
    let bad = json!({"original_request": {"filename": "a\\b"}});
    let res = app
        .post_json_as(&format!("{confirm}?storage_key=k"), &owner.access, &bad)
        .await;
    let d = expect_validation(
        res,
        &[
            ("body -> original_request -> filename", "value_error"),
            ("body -> original_request -> content_type", "missing"),
            ("body -> original_request -> size_bytes", "missing"),
            ("body -> original_request -> category", "missing"),
        ],
    )
    .await;
    assert_eq!(
        d[0]["message"],
        "Value error, Invalid character in filename: '\\'"
    );
    let res = app
        .post_json_as(
            &format!("{confirm}?storage_key=k"),
            &owner.access,
            &json!({}),
        )
        .await;
    expect_detail(res, 400, "Original upload request required").await;
    let bad_patch = json!({"filename": "", "metadata": 3, "is_public": "yes"});
    let file = upload(&app, &owner.access, &doc("p.txt", 3), b"abc".to_vec()).await;
    let path = format!("{FILES}/{}", file["id"].as_str().unwrap());
    let res = app
        .request(Method::PATCH, &path, Some(&owner.access), Some(&bad_patch))
        .await;
    expect_validation(
        res,
        &[
            ("body -> filename", "string_too_short"),
            ("body -> metadata", "dict_type"),
            ("body -> is_public", "bool_type"),
        ],
    )
    .await;
    let res = app
        .delete(&format!("{path}?hard_delete=maybe"), &owner.access)
        .await;
    expect_validation(res, &[("query -> hard_delete", "bool_parsing")]).await;
}

#[tokio::test]
async fn category_rules_are_400_and_the_quota_403() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let presign = format!("{FILES}/upload/presign");
    let cases = [
        (
            json!({"filename": "a.png", "content_type": "image/png", "size_bytes": 1, "category": "document"}),
            "Content type 'image/png' not allowed for category 'document'",
        ),
        (
            doc("run.exe", 1),
            "Extension '.exe' not allowed for documents",
        ),
        (
            doc("big.txt", 50 * 1_048_576 + 1),
            "File exceeds maximum size of 50MB",
        ),
        (
            json!({"filename": "p.gif", "content_type": "image/gif", "size_bytes": 10 * 1_048_576 + 1, "category": "payment_proof"}),
            "File exceeds maximum size of 10MB",
        ),
    ];
    for (body, detail) in cases {
        let res = app.post_json_as(&presign, &owner.access, &body).await;
        expect_detail(res, 400, detail).await;
    }
    sql(&app, "UPDATE tenants SET max_storage_gb = 0").await;
    let res = app
        .post_json_as(&presign, &owner.access, &doc("a.txt", 1))
        .await;
    expect_detail(res, 403, "Storage quota exceeded. Used: 0.00GB / 0GB").await;
}

#[tokio::test]
async fn confirm_trusts_storage_not_the_client() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    let presign = format!("{FILES}/upload/presign");
    let confirm = format!("{FILES}/upload/confirm");
    let req = doc("a.txt", 100);
    // Confirm without uploading: 400.
    let p = presign_at(&app, &presign, &owner.access, &req).await;
    let key = p["storage_key"].as_str().unwrap();
    let res = confirm_at(&app, &confirm, &owner.access, key, &req).await;
    expect_detail(res, 400, "Uploaded file not found in storage").await;
    // Another tenant confirming this key: 404, as if absent.
    put_bytes(
        &app,
        p["upload_url"].as_str().unwrap(),
        "text/plain",
        b"xyz".to_vec(),
    )
    .await;
    let res = confirm_at(&app, &confirm, &other.access, key, &req).await;
    expect_detail(res, 404, "Upload not found").await;
    let res = confirm_at(&app, &confirm, &owner.access, "documents/x/y.txt", &req).await;
    expect_detail(res, 404, "Upload not found").await;
    // The real confirm, then a second one: 409.
    let file = expect_status(
        confirm_at(&app, &confirm, &owner.access, key, &req).await,
        201,
    )
    .await;
    assert_eq!(file["size_bytes"], 3);
    assert_eq!(file["metadata"], json!({"storage_key": key}));
    let res = confirm_at(&app, &confirm, &owner.access, key, &req).await;
    expect_detail(res, 409, "File already confirmed").await;
    assert_eq!(used_bytes(&app, &owner.access).await, 3);
    assert_eq!(used_bytes(&app, &other.access).await, 0);
    // A type the category refuses, stored under an allowed declaration.
    let p = presign_at(&app, &presign, &owner.access, &doc("b.pdf", 10)).await;
    let url = p["upload_url"].as_str().unwrap();
    // The signed Content-Type is enforced by the blob endpoint (415) ...
    let res = put_bytes(&app, url, "application/pdf", b"%PDF-1.4 x".to_vec()).await;
    assert_eq!(res.status(), 415);
    // ... and a PDF whose bytes are not a PDF is refused at confirm.
    let pdf = json!({"filename": "c.pdf", "content_type": "application/pdf", "size_bytes": 10,
        "category": "document"});
    let p = presign_at(&app, &presign, &owner.access, &pdf).await;
    put_bytes(
        &app,
        p["upload_url"].as_str().unwrap(),
        "application/pdf",
        b"garbage!".to_vec(),
    )
    .await;
    let res = confirm_at(
        &app,
        &confirm,
        &owner.access,
        p["storage_key"].as_str().unwrap(),
        &pdf,
    )
    .await;
    expect_detail(
        res,
        400,
        "File content does not match its content type 'application/pdf'",
    )
    .await;
}
