//! Prometheus metrics at `/metrics` (text exposition format 0.0.4).
//!
//! Code records through the `metrics` facade (`metrics::counter!` …); one
//! [`PrometheusRecorder`](metrics_exporter_prometheus::PrometheusRecorder) per
//! process renders them. Installing it is idempotent ([`install`]), because
//! tests start many apps in one process. Gauges that describe state rather
//! than events (database pool, outbox depth) are sampled when scraped.
//!
//! Exported: `http_requests_total`, `http_request_duration_seconds`
//! ([`crate::middleware::metrics`]), `rate_limit_rejections_total`,
//! `outbox_delivery_failures_total`, `worker_job_duration_seconds`,
//! `db_pool_connections`, `db_pool_idle_connections`,
//! `outbox_pending_messages` and `outbox_dead_messages`.

use std::sync::{Arc, OnceLock};

use actix_web::{HttpResponse, web};
use harmony_adapters_sql::SqlStore;
use harmony_runtime::wiring::Runtime;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Histogram buckets (seconds) of every `*_seconds` metric: 5 ms to 30 s.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder on first call and returns its handle;
/// later calls return the same handle.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics stays empty");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "HTTP requests by method, route template and status"
    );
    describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "HTTP request latency by method and route template"
    );
    describe_counter!(
        "rate_limit_rejections_total",
        "Requests answered 429 by rate-limit policy"
    );
    describe_counter!(
        "outbox_delivery_failures_total",
        "Failed outbox delivery attempts (outcome: retry or dead)"
    );
    describe_histogram!(
        "worker_job_duration_seconds",
        metrics::Unit::Seconds,
        "Duration of one worker job round"
    );
    describe_gauge!("db_pool_connections", "Open database pool connections");
    describe_gauge!("db_pool_idle_connections", "Idle database pool connections");
    describe_gauge!(
        "outbox_pending_messages",
        "Outbox messages not yet delivered"
    );
    describe_gauge!("outbox_dead_messages", "Outbox messages given up on");
}

/// Refreshes state gauges just before a scrape renders them.
#[async_trait::async_trait]
pub trait ScrapeSampler: Send + Sync {
    /// Sets the gauges; failures are logged, never fail the scrape.
    async fn sample(&self);
}

fn saturating(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// Pool and outbox gauges of the SQL store.
pub struct SqlSampler(pub Arc<SqlStore>);

#[async_trait::async_trait]
impl ScrapeSampler for SqlSampler {
    async fn sample(&self) {
        let db = self.0.connection();
        let pool = match self.0.backend_name() {
            "sqlite" => {
                let p = db.get_sqlite_connection_pool();
                Some((p.size(), p.num_idle()))
            }
            "postgresql" => {
                let p = db.get_postgres_connection_pool();
                Some((p.size(), p.num_idle()))
            }
            _ => None,
        };
        if let Some((size, idle)) = pool {
            metrics::gauge!("db_pool_connections").set(size);
            metrics::gauge!("db_pool_idle_connections").set(saturating(idle));
        }
        match self.0.outbox_stats().await {
            Ok(stats) => {
                metrics::gauge!("outbox_pending_messages").set(saturating(stats.pending));
                metrics::gauge!("outbox_dead_messages").set(saturating(stats.dead));
            }
            Err(error) => tracing::warn!(%error, "outbox depth not sampled"),
        }
    }
}

/// What the `/metrics` route needs.
pub struct MetricsEndpoint {
    /// Renders the recorder's state.
    pub handle: PrometheusHandle,
    /// Sets state gauges at scrape time.
    pub sampler: Option<Arc<dyn ScrapeSampler>>,
}

async fn scrape(endpoint: web::Data<MetricsEndpoint>) -> HttpResponse {
    if let Some(sampler) = &endpoint.sampler {
        sampler.sample().await;
    }
    endpoint.handle.run_upkeep();
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(endpoint.handle.render())
}

/// Mounts `GET /metrics` (no authentication) serving `endpoint`.
pub fn configure(cfg: &mut web::ServiceConfig, endpoint: Arc<MetricsEndpoint>) {
    cfg.service(
        web::resource("/metrics")
            .app_data(web::Data::from(endpoint))
            .route(web::get().to(scrape)),
    );
}

/// The `/metrics` registration for the runtime's settings: installs the
/// recorder and samples its SQL store, or does nothing when
/// `observability.metrics_enabled` is off.
pub fn configure_for(runtime: &Runtime) -> impl Fn(&mut web::ServiceConfig) + Send + Sync + use<> {
    let endpoint = runtime.settings.observability.metrics_enabled.then(|| {
        Arc::new(MetricsEndpoint {
            handle: install(),
            sampler: Some(Arc::new(SqlSampler(runtime.sql.clone())) as Arc<dyn ScrapeSampler>),
        })
    });
    move |cfg| {
        if let Some(endpoint) = &endpoint {
            configure(cfg, Arc::clone(endpoint));
        }
    }
}
