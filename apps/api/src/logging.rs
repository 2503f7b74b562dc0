//! Tracing subscriber setup: JSON lines in production, human-readable in
//! development, a reloadable filter, an in-memory ring buffer for the admin
//! log view and, when configured, the OpenTelemetry layer.
//!
//! `RUST_LOG` wins over the configured level at start-up; [`LogControl`]
//! changes the filter at run time. Events inside a request carry the request
//! span's `request_id` and (when tracing is on) `trace_id` fields.

mod buffer;
mod control;

use std::sync::{Arc, OnceLock};

use tracing::Subscriber;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Layered, SubscriberExt};
use tracing_subscriber::util::{SubscriberInitExt, TryInitError};
use tracing_subscriber::{EnvFilter, Layer, Registry, reload};

pub use buffer::LogRecord;
pub use control::{DEFAULT_BUFFER_CAPACITY, LogControl};

/// Output format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Multi-line, colored (development).
    Pretty,
    /// One short line per event.
    #[default]
    Compact,
}

/// What [`init`] and [`subscriber`] build.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// Filter directive, e.g. `info` or `harmony_api=debug,info` (`RUST_LOG` wins).
    pub level: String,
    /// Line format on stdout; `None` writes no lines (buffer and traces only).
    pub format: Option<LogFormat>,
    /// Records the ring buffer keeps (0: none).
    pub buffer_capacity: usize,
    /// Spans go to this tracer as well (OTLP export), when set.
    pub tracer: Option<opentelemetry_sdk::trace::SdkTracer>,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            level: "info".to_owned(),
            format: Some(LogFormat::Compact),
            buffer_capacity: DEFAULT_BUFFER_CAPACITY,
            tracer: None,
        }
    }
}

/// The filter: `RUST_LOG` if set and valid, else `level` (e.g. `info`, `harmony_api=debug,info`).
pub fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

type Base = Layered<reload::Layer<EnvFilter, Registry>, Registry>;
type BoxedLayer = Box<dyn Layer<Base> + Send + Sync>;

fn fmt_layer(format: LogFormat) -> BoxedLayer {
    let base = tracing_subscriber::fmt::layer().with_span_events(FmtSpan::NONE);
    match format {
        // The span list carries the request span's `request_id` and `trace_id`.
        LogFormat::Json => base
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .boxed(),
        LogFormat::Pretty => base.pretty().boxed(),
        LogFormat::Compact => base.compact().boxed(),
    }
}

/// Builds the subscriber [`init`] would install, and its [`LogControl`],
/// without installing it (tests scope it with `tracing::subscriber::set_default`).
pub fn subscriber(options: LogOptions) -> (impl Subscriber + Send + Sync + 'static, LogControl) {
    let initial = filter(&options.level);
    let directive = initial.to_string();
    let (filter_layer, handle) = reload::Layer::new(initial);
    let buffer = Arc::new(buffer::RingBuffer::new(options.buffer_capacity));
    let mut layers: Vec<BoxedLayer> = vec![Box::new(buffer::BufferLayer {
        buffer: Arc::clone(&buffer),
    })];
    if let Some(tracer) = options.tracer {
        layers.push(tracing_opentelemetry::layer().with_tracer(tracer).boxed());
    }
    if let Some(format) = options.format {
        layers.push(fmt_layer(format));
    }
    let control = LogControl::new(
        directive,
        Some(Box::new(move |f| {
            handle
                .reload(f)
                .map_err(|e| format!("cannot apply the filter: {e}"))
        })),
        buffer,
    );
    let subscriber = tracing_subscriber::registry()
        .with(filter_layer)
        .with(layers);
    (subscriber, control)
}

static INSTALLED: OnceLock<LogControl> = OnceLock::new();

/// Installs the global subscriber and returns its control (also kept for
/// [`current`]); errors if a global subscriber is already installed.
pub fn init(options: LogOptions) -> Result<LogControl, TryInitError> {
    let (subscriber, control) = subscriber(options);
    subscriber.try_init()?;
    let _ = INSTALLED.set(control.clone());
    Ok(control)
}

/// The control of the subscriber [`init`] installed, else a
/// [`LogControl::detached`] one (tests, embedders with their own subscriber).
pub fn current() -> LogControl {
    INSTALLED
        .get()
        .cloned()
        .unwrap_or_else(LogControl::detached)
}

/// Installs a subscriber for tests, writing through the test harness capture; no-op if
/// one is already installed. Logs only when `TEST_LOG` is set.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter("debug"))
            .with_test_writer()
            .try_init();
    }
}

#[cfg(test)]
mod tests;
