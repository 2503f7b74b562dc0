//! Error envelopes (contract §1.3).

use serde_json::{Value, json};

use crate::support::spawn_app;

async fn json(res: reqwest::Response) -> Value {
    res.json().await.expect("JSON body")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn assert_timestamp(ts: &str) {
    // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
    assert!(ts.ends_with('Z'), "{ts}");
    assert_eq!(&ts[4..5], "-");
    assert_eq!(&ts[10..11], "T");
    assert!(ts.len() == 20 || ts.len() == 27, "{ts}");
}

#[tokio::test]
async fn malformed_json_is_422_json_invalid() {
    let app = spawn_app().await;
    let res = app.post_raw("/api/v1/widgets", "{\"name\": ").await;
    assert_eq!(res.status(), 422);
    let rid = header(&res, "x-request-id");
    let body = json(res).await;
    assert_eq!(body["error"]["code"], "validation_error");
    assert_eq!(
        body["error"]["message"],
        "The request data failed validation"
    );
    assert_timestamp(body["error"]["timestamp"].as_str().unwrap());
    assert_eq!(body["error"]["details"][0]["field"], "body");
    assert_eq!(body["error"]["details"][0]["type"], "json_invalid");
    assert_eq!(body["request_id"], rid.as_str());
}

#[tokio::test]
async fn dto_pattern_reports_every_field_at_once() {
    let app = spawn_app().await;
    let res = app
        .post_raw("/api/v1/widgets", r#"{"name":"ab","role":"owner"}"#)
        .await;
    assert_eq!(res.status(), 422);
    let body = json(res).await;
    assert_eq!(
        body["error"]["details"],
        json!([
            {"field": "body -> name", "message": "String should have at least 3 characters", "type": "string_too_short"},
            {"field": "body -> role", "message": "Input should be 'admin' or 'member'", "type": "literal_error"},
            {"field": "body -> size", "message": "Field required", "type": "missing"},
        ])
    );
    let ok = app
        .post_raw(
            "/api/v1/widgets",
            r#"{"name":"abc","role":"admin","size":"5"}"#,
        )
        .await;
    assert_eq!(ok.status(), 201);
    assert_eq!(
        json(ok).await,
        json!({"name": "abc", "role": "admin", "size": 5})
    );
}

#[tokio::test]
async fn wrong_content_type_and_oversized_bodies() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/widgets"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        json(res).await["error"]["details"][0]["type"],
        "content_type"
    );

    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let res = app.post_raw("/api/v1/widgets", &big).await;
    assert_eq!(res.status(), 413);
    let body = json(res).await;
    assert_eq!(body["code"], "payload_too_large");
    assert!(body["detail"].as_str().unwrap().contains("1048576"));
}

#[tokio::test]
async fn bad_uuid_in_path_is_422_path_id() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/widgets/not-a-uuid").await;
    assert_eq!(res.status(), 422);
    let d = &json(res).await["error"]["details"][0];
    assert_eq!(d["field"], "path -> id");
    assert_eq!(d["type"], "uuid_parsing");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("Input should be a valid UUID, ")
    );
}

#[tokio::test]
async fn bad_query_is_422() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/widgets?limit=abc").await;
    assert_eq!(res.status(), 422);
    let d = &json(res).await["error"]["details"][0];
    assert!(d["field"].as_str().unwrap().starts_with("query"));
    assert_eq!(d["type"], "int_parsing");
}

#[tokio::test]
async fn domain_errors_use_detail_code_and_request_id() {
    let app = spawn_app().await;
    let res = app
        .get("/api/v1/widgets/6f1c2d3e-0000-4000-8000-000000000001")
        .await;
    assert_eq!(res.status(), 404);
    let rid = header(&res, "x-request-id");
    assert!(uuid::Uuid::parse_str(&rid).is_ok());
    let body = json(res).await;
    assert_eq!(
        body,
        json!({"detail": "Widget not found", "code": "widget_not_found", "request_id": rid})
    );
}

#[tokio::test]
async fn unauthenticated_carries_www_authenticate() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/widgets/locked").await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "www-authenticate"), "Bearer");
    assert_eq!(json(res).await["detail"], "Could not validate credentials");
}

#[tokio::test]
async fn internal_errors_hide_their_text() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/widgets/boom").await;
    assert_eq!(res.status(), 500);
    let rid = header(&res, "x-request-id");
    assert!(!header(&res, "x-process-time").is_empty());
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("10.0.0.7"),
        "{text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], "internal_server_error");
    assert_eq!(
        body["error"]["message"],
        "An unexpected error occurred. Please try again later."
    );
    assert!(body["error"].get("details").is_none());
    assert_eq!(body["request_id"], rid.as_str());
}

#[tokio::test]
async fn rate_limited_body_and_headers() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/widgets/limited").await;
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "42");
    assert_eq!(header(&res, "x-ratelimit-limit"), "3");
    let body = json(res).await;
    assert_eq!(
        body["detail"],
        json!({"error": "rate_limit_exceeded",
               "message": "Too many requests. Please try again in 42 seconds.",
               "limit": 3, "reset": 1_900_000_000, "retry_after": 42})
    );
}

#[tokio::test]
async fn unknown_path_and_wrong_method_are_json() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/nope").await;
    assert_eq!(res.status(), 404);
    let rid = header(&res, "x-request-id");
    let body = json(res).await;
    assert_eq!(body["detail"], "Not Found");
    assert_eq!(body["request_id"], rid.as_str());

    let res = app
        .client
        .delete(app.url("/api/v1/widgets"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(!header(&res, "x-request-id").is_empty());
    assert_eq!(json(res).await["detail"], "Method Not Allowed");

    let res = app.client.post(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(json(res).await["detail"], "Method Not Allowed");
}
