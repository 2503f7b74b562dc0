//! A request through the app is exported as an OpenTelemetry server span
//! (in-memory exporter, test-local subscriber), keeps the caller's
//! `traceparent` trace id, and stamps the request's log lines with it.

use actix_web::test as atest;
use harmony_api::logging::{LogOptions, subscriber};
use harmony_api::{ApiConfig, AppState, HealthProbes, build_app};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

/// tracing-core caches callsite interest globally; while exactly one
/// dispatcher is registered it asks the *calling thread's* default, so a
/// server thread of another test could cache "never" for the request span.
/// A second, permanent dispatcher makes it ask every registered one.
fn keep_interest_global() {
    static KEEP: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    KEEP.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
}

fn attr(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

#[actix_web::test]
async fn a_request_exports_a_span_with_route_status_and_the_callers_trace_id() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let (subscriber, logs) = subscriber(LogOptions {
        level: "info".to_owned(),
        format: None,
        buffer_capacity: 100,
        tracer: Some(provider.tracer("test")),
    });
    keep_interest_global();
    let _guard = tracing::subscriber::set_default(subscriber);
    logs.set_level("info").unwrap();

    let app = atest::init_service(build_app(AppState::new(
        ApiConfig::default(),
        HealthProbes::always_healthy(),
    )))
    .await;
    let user = uuid::Uuid::new_v4();
    let req = atest::TestRequest::get()
        .uri(&format!("/api/v1/users/{user}"))
        .insert_header(("traceparent", format!("00-{TRACE_ID}-{PARENT_ID}-01")))
        .to_request();
    let res = atest::call_service(&app, req).await;
    let status = res.status().as_u16();
    let request_id = res
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    drop(res);
    provider.force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let span = spans
        .iter()
        .find(|s| attr(s, "http.route").is_some())
        .unwrap_or_else(|| panic!("no request span in {spans:#?}"));
    assert_eq!(
        attr(span, "http.route").as_deref(),
        Some("/api/v1/users/{user_id}")
    );
    assert_eq!(span.name, "GET /api/v1/users/{user_id}");
    assert_eq!(
        attr(span, "http.response.status_code"),
        Some(status.to_string())
    );
    assert_eq!(attr(span, "http.request.method").as_deref(), Some("GET"));
    assert_eq!(attr(span, "request_id"), Some(request_id));
    assert_eq!(span.span_context.trace_id().to_string(), TRACE_ID);
    assert_eq!(span.parent_span_id.to_string(), PARENT_ID);

    let access = logs
        .recent(None, 0, 100)
        .into_iter()
        .find(|r| r.target == "harmony_api::access")
        .expect("the request log line reached the buffer");
    assert_eq!(access.trace_id.as_deref(), Some(TRACE_ID));
}

#[actix_web::test]
async fn without_traceparent_a_new_trace_is_started() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let (subscriber, _logs) = subscriber(LogOptions {
        level: "info".to_owned(),
        format: None,
        buffer_capacity: 10,
        tracer: Some(provider.tracer("test")),
    });
    keep_interest_global();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = atest::init_service(build_app(AppState::new(
        ApiConfig::default(),
        HealthProbes::always_healthy(),
    )))
    .await;
    let res =
        atest::call_service(&app, atest::TestRequest::get().uri("/nowhere").to_request()).await;
    assert_eq!(res.status(), 404);
    drop(res);
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let span = spans
        .iter()
        .find(|s| attr(s, "http.route").is_some())
        .expect("request span");
    assert_eq!(attr(span, "http.route").as_deref(), Some("unmatched"));
    assert_eq!(
        attr(span, "http.response.status_code").as_deref(),
        Some("404")
    );
    assert_ne!(span.span_context.trace_id().to_string(), TRACE_ID);
    assert!(span.span_context.is_valid());
}

#[actix_web::test]
async fn log_control_is_reachable_from_handlers() {
    use actix_web::web;
    use harmony_api::logging::LogControl;

    let app = crate::spawn::spawn_app().await;
    let state = harmony_api::server::app_state(&app.runtime).with_configure(|cfg| {
        cfg.route(
            "/log-level",
            web::get().to(|logs: web::Data<LogControl>| async move { logs.level() }),
        );
    });
    let svc = atest::init_service(build_app(state)).await;
    let res = atest::call_service(
        &svc,
        atest::TestRequest::get().uri("/log-level").to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(!atest::read_body(res).await.is_empty());
}

#[test]
fn otlp_endpoint_setting_is_optional_and_must_be_a_url() {
    use harmony_runtime::settings::Settings;

    let defaults = Settings::load_from(&[]).unwrap();
    assert!(defaults.observability.otlp_endpoint.is_none());
    assert!(defaults.observability.metrics_enabled);
    assert_eq!(defaults.log.buffer_capacity, 2000);
    let set = Settings::load_from(&[(
        "HARMONY__OBSERVABILITY__OTLP_ENDPOINT",
        "http://127.0.0.1:4318",
    )])
    .unwrap();
    assert_eq!(
        set.observability.otlp_endpoint.as_deref(),
        Some("http://127.0.0.1:4318")
    );
    assert!(Settings::load_from(&[("observability.otlp_endpoint", "collector:4318")]).is_err());
}
