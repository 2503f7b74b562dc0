//! Rate limiting of the auth endpoints (contract §1.7, defects 11–12): stub
//! handlers mounted at the real paths, so no database is needed and the
//! handler-call counter proves rejected requests never reach a handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{HttpResponse, web};
use harmony_api::rate_limit::RateLimitConfig;
use harmony_api::routes::RouteModule;
use harmony_api::{ApiConfig, AppState};
use harmony_kernel::rate_limit::RateLimiter;
use harmony_runtime::settings::Settings;
use serde_json::Value;

use crate::support::{ORIGIN, TestApp, probes, spawn_with};

const FORGOT: &str = "/api/v1/auth/forgot-password";

#[derive(Default)]
struct Calls(AtomicUsize);

async fn stub(calls: web::Data<Calls>) -> HttpResponse {
    calls.0.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().json(serde_json::json!({"message": "ok"}))
}

fn stub_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/auth")
            .route("/forgot-password", web::post().to(stub))
            .route("/login", web::post().to(stub))
            .route("/logout", web::post().to(stub)),
    );
}

fn state(config: ApiConfig, calls: &Arc<Calls>) -> AppState {
    let mut state = AppState::new(config, probes(Ok(()), None)).with_data(calls.clone());
    state.routes = vec![RouteModule::new(
        "stub_auth",
        stub_routes,
        harmony_api::openapi::openapi,
    )];
    state
}

async fn spawn(config: ApiConfig) -> (TestApp, Arc<Calls>) {
    let calls = Arc::new(Calls::default());
    (spawn_with(state(config, &calls)).await, calls)
}

fn trusting() -> ApiConfig {
    ApiConfig {
        trust_forwarded_for: true,
        ..ApiConfig::default()
    }
}

async fn post(app: &TestApp, path: &str, xff: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(path))
        .header("origin", ORIGIN)
        .json(&serde_json::json!({"email": "a@example.com"}));
    if let Some(v) = xff {
        req = req.header("x-forwarded-for", v);
    }
    req.send().await.expect("request failed")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test]
async fn forgot_password_is_limited_to_three_per_hour_with_the_contract_body() {
    let (app, calls) = spawn(ApiConfig::default()).await;
    for remaining in ["2", "1", "0"] {
        let res = post(&app, FORGOT, None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "x-ratelimit-limit"), "3");
        assert_eq!(header(&res, "x-ratelimit-remaining"), remaining);
        let reset: i64 = header(&res, "x-ratelimit-reset").parse().unwrap();
        assert!((now() + 3590..=now() + 3601).contains(&reset), "{reset}");
        assert!(res.headers().get("retry-after").is_none());
    }
    let res = post(&app, FORGOT, None).await;
    assert_eq!(res.status(), 429);
    let retry: i64 = header(&res, "retry-after").parse().unwrap();
    assert!((3590..=3600).contains(&retry), "{retry}");
    assert_eq!(header(&res, "x-ratelimit-limit"), "3");
    assert_eq!(header(&res, "x-ratelimit-remaining"), "0");
    let reset: i64 = header(&res, "x-ratelimit-reset").parse().unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), ORIGIN);
    let request_id = header(&res, "x-request-id");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "detail": {
                "error": "rate_limit_exceeded",
                "message": format!("Too many requests. Please try again in {retry} seconds."),
                "limit": 3,
                "reset": reset,
                "retry_after": retry,
            },
            "code": "rate_limit_exceeded",
            "request_id": request_id,
        })
    );
    assert_eq!(
        calls.0.load(Ordering::SeqCst),
        3,
        "the handler never saw the 4th"
    );
}

#[tokio::test]
async fn path_variants_share_the_counter() {
    let (app, calls) = spawn(ApiConfig::default()).await;
    for path in [
        FORGOT,
        "/api/v1/auth/forgot-password/",
        "/api/v1/auth/forgot%2Dpassword",
    ] {
        assert_eq!(post(&app, path, None).await.status(), 200, "{path}");
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 3);
    let res = post(&app, "/api/v1//auth/forgot-password//", None).await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn login_is_limited_and_unlisted_routes_are_not() {
    let mut config = ApiConfig::default();
    assert!(config.rate_limit.set("login", 2, 60));
    let (app, _) = spawn(config).await;
    assert_eq!(post(&app, "/api/v1/auth/login", None).await.status(), 200);
    assert_eq!(post(&app, "/api/v1/auth/login", None).await.status(), 200);
    assert_eq!(post(&app, "/api/v1/auth/login", None).await.status(), 429);
    for _ in 0..5 {
        let res = post(&app, "/api/v1/auth/logout", None).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("x-ratelimit-limit").is_none());
    }
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_trusted() {
    let (app, _) = spawn(ApiConfig::default()).await;
    for i in 0..3 {
        let spoof = format!("198.51.100.{i}");
        assert_eq!(post(&app, FORGOT, Some(&spoof)).await.status(), 200);
    }
    let res = post(&app, FORGOT, Some("203.0.113.99")).await;
    assert_eq!(
        res.status(),
        429,
        "a forged header must not buy a fresh budget"
    );
}

#[tokio::test]
async fn trusted_forwarded_for_keys_by_the_right_most_hop() {
    let (app, _) = spawn(trusting()).await;
    for i in 0..3 {
        // The client controls everything left of the proxy's entry.
        let xff = format!("10.9.9.{i}, 203.0.113.1");
        assert_eq!(post(&app, FORGOT, Some(&xff)).await.status(), 200);
    }
    let res = post(&app, FORGOT, Some("10.9.9.200, 203.0.113.1")).await;
    assert_eq!(res.status(), 429);
    let other = post(&app, FORGOT, Some("203.0.113.1, 203.0.113.2")).await;
    assert_eq!(other.status(), 200, "another client has its own budget");
    assert_eq!(header(&other, "x-ratelimit-remaining"), "2");
}

#[tokio::test]
async fn another_peer_address_has_its_own_budget() {
    let (app, _) = spawn(ApiConfig::default()).await;
    for _ in 0..3 {
        assert_eq!(post(&app, FORGOT, None).await.status(), 200);
    }
    assert_eq!(post(&app, FORGOT, None).await.status(), 429);
    // Linux routes all of 127.0.0.0/8 to loopback: connect from 127.0.0.2.
    let Ok(client) = reqwest::Client::builder()
        .local_address(Some("127.0.0.2".parse().unwrap()))
        .build()
    else {
        return;
    };
    match client
        .post(app.url(FORGOT))
        .json(&serde_json::json!({}))
        .send()
        .await
    {
        Ok(res) => assert_eq!(res.status(), 200),
        Err(e) => eprintln!("skipped: cannot connect from 127.0.0.2: {e}"),
    }
}

#[tokio::test]
async fn disabled_config_never_limits() {
    let config = ApiConfig {
        rate_limit: RateLimitConfig::disabled(),
        ..ApiConfig::default()
    };
    let (app, calls) = spawn(config).await;
    for _ in 0..10 {
        let res = post(&app, FORGOT, None).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("x-ratelimit-limit").is_none());
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn limiter_registered_as_app_data_is_used() {
    struct DenyAll;
    #[async_trait::async_trait]
    impl RateLimiter for DenyAll {
        async fn hit(
            &self,
            _key: &str,
            rule: harmony_kernel::RateRule,
            now: time::OffsetDateTime,
        ) -> harmony_kernel::RateDecision {
            let now_ms = harmony_kernel::rate_limit::unix_millis(now);
            harmony_kernel::RateDecision::from_window(
                rule,
                now_ms,
                false,
                rule.limit,
                now_ms + 7_000,
            )
        }
    }
    let calls = Arc::new(Calls::default());
    let deny: Arc<dyn RateLimiter> = Arc::new(DenyAll);
    let app = spawn_with(state(ApiConfig::default(), &calls).with_rate_limiter(deny)).await;
    let res = post(&app, FORGOT, None).await;
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "7");
    assert_eq!(calls.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn redis_limiter_limits_through_the_api_when_configured() {
    let Ok(url) = std::env::var("HARMONY_TEST_REDIS_URL") else {
        return; // covered by the in-process tests and the adapter's own suite
    };
    let limiter = Arc::new(harmony_adapters_redis::RedisRateLimiter::new(&url).unwrap());
    let calls = Arc::new(Calls::default());
    let state = state(trusting(), &calls).with_rate_limiter(limiter.clone());
    let app = spawn_with(state).await;
    // A fresh client address per run, so earlier runs' counters do not interfere.
    let b = uuid::Uuid::new_v4().into_bytes();
    let xff = format!("10.{}.{}.{}", b[0], b[1], b[2]);
    for _ in 0..3 {
        assert_eq!(post(&app, FORGOT, Some(&xff)).await.status(), 200);
    }
    assert_eq!(post(&app, FORGOT, Some(&xff)).await.status(), 429);
    assert!(!limiter.is_degraded());
}

#[test]
fn settings_feed_the_api_table() {
    let defaults = Settings::load_from(&[]).unwrap();
    assert_eq!(
        harmony_api::server::rate_limit_config(&defaults),
        RateLimitConfig::default(),
        "config/default.toml and the built-in table agree"
    );
    let tuned = Settings::load_from(&[
        ("HARMONY__RATE_LIMIT__LOGIN__LIMIT", "5"),
        ("HARMONY__RATE_LIMIT__LOGIN__WINDOW_SECONDS", "900"),
        ("HARMONY__RATE_LIMIT__ENABLED", "false"),
    ])
    .unwrap();
    let limits = harmony_api::server::rate_limit_config(&tuned);
    assert!(!limits.enabled);
    let login = limits.rules.iter().find(|r| r.name == "login").unwrap();
    assert_eq!((login.limit, login.window_secs), (5, 900));
    assert!(Settings::load_from(&[("rate_limit.logn.limit", "5")]).is_err());
    assert!(Settings::load_from(&[("HARMONY__RATE_LIMIT__REGISTER__LIMIT", "0")]).is_err());
}
