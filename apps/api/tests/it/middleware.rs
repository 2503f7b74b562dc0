//! Request id, timing, security headers, CORS and trailing slashes.

use harmony_api::ApiConfig;

use crate::support::{ORIGIN, probes, spawn_app, spawn_with, state};

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `^\d+\.\d{2}ms$`
fn is_process_time(v: &str) -> bool {
    let Some(num) = v.strip_suffix("ms") else {
        return false;
    };
    let Some((int, frac)) = num.split_once('.') else {
        return false;
    };
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.len() == 2
        && frac.chars().all(|c| c.is_ascii_digit())
}

#[tokio::test]
async fn every_response_has_request_id_and_process_time() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/health",
        "/api/v1/nope",
        "/api/v1/widgets/boom",
        "/api/openapi.json",
    ] {
        let res = app.get(path).await;
        let rid = header(&res, "x-request-id");
        let parsed = uuid::Uuid::parse_str(&rid).unwrap_or_else(|_| panic!("{path}: {rid:?}"));
        assert_eq!(parsed.get_version_num(), 4);
        let pt = header(&res, "x-process-time");
        assert!(is_process_time(&pt), "{path}: {pt:?}");
    }
}

#[tokio::test]
async fn client_request_ids_are_ignored() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "abc")
        .send()
        .await
        .unwrap();
    let rid = header(&res, "x-request-id");
    assert_ne!(rid, "abc");
    let a = header(&app.get("/health").await, "x-request-id");
    assert_ne!(rid, a, "fresh per request");
}

#[tokio::test]
async fn security_headers_on_api_and_error_responses() {
    let app = spawn_app().await;
    for path in ["/health", "/api/v1/nope"] {
        let res = app.get(path).await;
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        assert_eq!(header(&res, "x-frame-options"), "DENY");
        assert_eq!(header(&res, "referrer-policy"), "no-referrer");
        assert_eq!(
            header(&res, "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert!(res.headers().get("strict-transport-security").is_none());
    }
    let docs = app.get("/api/docs").await;
    assert!(header(&docs, "content-security-policy").contains("script-src 'self'"));
}

#[tokio::test]
async fn hsts_only_when_configured() {
    let config = ApiConfig {
        hsts: true,
        ..ApiConfig::default()
    };
    let app = spawn_with(state(config, probes(Ok(()), None))).await;
    let res = app.get("/health").await;
    assert_eq!(
        header(&res, "strict-transport-security"),
        "max-age=63072000; includeSubDomains"
    );
}

#[tokio::test]
async fn cors_preflight_from_allowed_origin() {
    let app = spawn_app().await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/widgets"))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,x-tenant-id",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "access-control-allow-origin"), ORIGIN);
    assert_eq!(header(&res, "access-control-allow-credentials"), "true");
    assert_eq!(header(&res, "access-control-max-age"), "600");
    assert!(header(&res, "access-control-allow-methods").contains("POST"));
    assert!(
        header(&res, "access-control-allow-headers")
            .to_lowercase()
            .contains("x-tenant-id")
    );
    assert!(!header(&res, "x-request-id").is_empty());
}

#[tokio::test]
async fn error_responses_carry_cors_headers() {
    let app = spawn_app().await;
    for (path, status) in [
        ("/api/v1/widgets/boom", 500),
        ("/api/v1/widgets/x", 422),
        ("/api/v1/nope", 404),
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(
            header(&res, "access-control-allow-origin"),
            ORIGIN,
            "{path}"
        );
        assert_eq!(
            header(&res, "access-control-allow-credentials"),
            "true",
            "{path}"
        );
        let exposed = header(&res, "access-control-expose-headers").to_lowercase();
        assert!(
            exposed.contains("x-request-id") && exposed.contains("x-process-time"),
            "{exposed}"
        );
    }
    let res = app
        .client
        .delete(app.url("/api/v1/widgets"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(header(&res, "access-control-allow-origin"), ORIGIN);
}

#[tokio::test]
async fn unknown_origins_get_no_cors_headers() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn both_trailing_slash_forms_are_served_directly() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/widgets",
        "/api/v1/widgets/",
        "/health",
        "/health/",
        "/",
        "/health/detailed/",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
    }
    let res = app.get("/api/v1/widgets/?skip=5").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["skip"], 5);
    assert_eq!(
        body["greeting"], "hello",
        "service data registered via AppState::with_data"
    );
    let res = app
        .post_raw(
            "/api/v1/widgets/",
            r#"{"name":"abc","role":"member","size":2}"#,
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn process_time_format_checker() {
    assert!(is_process_time("12.34ms"));
    assert!(!is_process_time("12.3ms"));
    assert!(!is_process_time(".34ms"));
    assert!(!is_process_time("12.34"));
}
