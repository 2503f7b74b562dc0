//! Tracing subscriber setup: JSON lines in production, human-readable in development.
//! `RUST_LOG` wins over the configured level.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

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

/// The filter: `RUST_LOG` if set and valid, else `level` (e.g. `info`, `harmony_api=debug,info`).
pub fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Installs the global subscriber; errors if one is already installed.
pub fn init(
    level: &str,
    format: LogFormat,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .with_span_events(FmtSpan::NONE);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.pretty().try_init(),
        LogFormat::Compact => builder.compact().try_init(),
    }
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
