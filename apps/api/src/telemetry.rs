//! OpenTelemetry traces over OTLP/HTTP and the per-request span.
//!
//! Every request runs inside one `http_request` span carrying
//! `http.request.method`, `http.route` (the route template), `url.path`,
//! `http.response.status_code`, `request_id` and, when the OpenTelemetry layer
//! is installed, `trace_id`; log lines inside the request carry those fields.
//! A W3C `traceparent` header makes the span a child of the caller's trace.
//! With no `observability.otlp_endpoint` there is no exporter and no
//! OpenTelemetry layer: the span is a plain `tracing` span.

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Instrument;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::middleware::metrics::{outcome, route_before_routing};
use crate::middleware::request_id::RequestId;

/// Service name of the API in exported traces (unless overridden).
pub const API_SERVICE_NAME: &str = "harmony-api";

/// The OTLP/HTTP traces URL for a collector base URL: `/v1/traces` is
/// appended unless already there (the exporter uses a given URL verbatim).
pub fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim().trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_owned()
    } else {
        format!("{base}/v1/traces")
    }
}

/// A tracer provider exporting in batches (on its own thread) to the
/// collector at `endpoint` as `service_name`.
///
/// # Errors
/// When the endpoint is not a valid URL or the HTTP client cannot be built.
pub fn tracer_provider(
    endpoint: &str,
    service_name: &str,
) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(traces_url(endpoint))
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(service_name.to_owned())
                .build(),
        )
        .build())
}

/// Keeps the tracer provider alive and flushes it on [`Telemetry::shutdown`].
#[derive(Debug, Default)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Telemetry over `provider` (`None`: nothing to flush).
    pub const fn new(provider: Option<SdkTracerProvider>) -> Self {
        Self { provider }
    }

    /// Whether spans are exported.
    pub const fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Flushes pending spans and stops the exporter; call on graceful exit,
    /// or the last batch is lost.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "trace exporter did not shut down cleanly");
        }
    }
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .map(actix_web::http::header::HeaderName::as_str)
            .collect()
    }
}

/// The caller's trace context from a valid W3C `traceparent` header.
pub fn remote_parent(headers: &HeaderMap) -> Option<opentelemetry::Context> {
    if !headers.contains_key("traceparent") {
        return None;
    }
    let cx = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    cx.span().span_context().is_valid().then_some(cx)
}

/// The trace id of `span` (32 hex digits) when the OpenTelemetry layer gave it one.
pub fn trace_id(span: &tracing::Span) -> Option<String> {
    let cx = span.context();
    let otel = cx.span();
    let sc = otel.span_context();
    sc.is_valid().then(|| sc.trace_id().to_string())
}

/// The request-span middleware (use with `actix_web::middleware::from_fn`,
/// inside the request-id middleware so the id is known).
pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let method = req.method().clone();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.to_string())
        .unwrap_or_default();
    // At ERROR level so it stays enabled under a `warn`/`error` filter: the
    // lines that survive such a filter are the ones that most need the ids.
    // A span's level is never printed.
    let span = tracing::error_span!(
        "http_request",
        otel.kind = "server",
        otel.status_code = Empty,
        "http.request.method" = %method,
        "http.route" = Empty,
        "url.path" = %req.path(),
        "http.response.status_code" = Empty,
        request_id = %request_id,
        trace_id = Empty,
    );
    if let Some(parent) = remote_parent(req.headers()) {
        let _ = span.set_parent(parent);
    }
    if let Some(id) = trace_id(&span) {
        span.record("trace_id", id);
    }
    let fallback = route_before_routing(&req);
    let res = next
        .call(req)
        .instrument(span.clone())
        .await
        .map(ServiceResponse::map_into_boxed_body);
    let (route, status) = outcome(&res, fallback);
    span.record("http.route", route.as_str());
    // A started OpenTelemetry span ignores `otel.name` records; rename it directly.
    span.context()
        .span()
        .update_name(format!("{method} {route}"));
    span.record("http.response.status_code", status);
    if status >= 500 {
        span.record("otel.status_code", "error");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_url_appends_the_signal_path_once() {
        assert_eq!(traces_url("http://c:4318"), "http://c:4318/v1/traces");
        assert_eq!(traces_url("http://c:4318/"), "http://c:4318/v1/traces");
        assert_eq!(traces_url("https://c/v1/traces"), "https://c/v1/traces");
    }

    #[test]
    fn only_a_valid_traceparent_is_a_parent() {
        let mut headers = HeaderMap::new();
        assert!(remote_parent(&headers).is_none());
        headers.insert(
            actix_web::http::header::HeaderName::from_static("traceparent"),
            actix_web::http::header::HeaderValue::from_static("garbage"),
        );
        assert!(remote_parent(&headers).is_none());
        headers.insert(
            actix_web::http::header::HeaderName::from_static("traceparent"),
            actix_web::http::header::HeaderValue::from_static(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        );
        let cx = remote_parent(&headers).unwrap();
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
    }
}
