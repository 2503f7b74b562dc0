//! The in-memory ring buffer behind [`super::LogControl::recent`]: a
//! `tracing` layer that keeps the newest records, so the admin log view never
//! reads (or needs) a log file.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// One buffered log event, as the admin log view shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogRecord {
    /// When the event was recorded (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`.
    pub level: String,
    /// The message followed by the other fields as `key=value`; secret-named
    /// fields are left out.
    pub message: String,
    /// The module path (or explicit `target:`) of the event.
    pub target: String,
    /// Trace id of the enclosing request span, when one was recorded.
    pub trace_id: Option<String>,
}

/// Whether a field must never reach the buffer, whatever its value: the
/// admin view is a second place logs are read from, so it gets its own guard.
pub(crate) fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "token",
        "secret",
        "authorization",
        "cookie",
        "api_key",
        "apikey",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// A bounded FIFO of records shared by the layer and its [`super::LogControl`].
#[derive(Debug)]
pub(crate) struct RingBuffer {
    capacity: usize,
    records: Mutex<VecDeque<LogRecord>>,
}

impl RingBuffer {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            records: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    pub(crate) const fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn push(&self, record: LogRecord) {
        if self.capacity == 0 {
            return;
        }
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        while records.len() >= self.capacity {
            records.pop_front();
        }
        records.push_back(record);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Newest first; `level` matches exactly (case-insensitive).
    pub(crate) fn recent(
        &self,
        level: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Vec<LogRecord> {
        let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        records
            .iter()
            .rev()
            .filter(|r| level.is_none_or(|l| r.level.eq_ignore_ascii_case(l)))
            .skip(offset)
            .take(limit)
            .cloned()
            .collect()
    }
}

/// The trace id a span recorded (its `trace_id` field), kept in the span's
/// extensions so events inside it can be stamped with it.
struct SpanTraceId(String);

/// Collects an event's fields into one line, dropping secret-named ones.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
    trace_id: Option<String>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: std::fmt::Arguments<'_>) {
        let name = field.name();
        if name == "message" {
            let _ = self.message.write_fmt(value);
        } else if name == "trace_id" {
            self.trace_id = Some(value.to_string());
        } else if !is_secret_field(name) {
            let _ = write!(self.rest, " {name}={value}");
        }
    }

    fn line(self) -> String {
        let mut line = self.message;
        line.push_str(&self.rest);
        line.trim_start().to_owned()
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.push(field, format_args!("{value:?}"));
    }
}

/// The layer feeding a [`RingBuffer`]; it sees what the global filter lets through.
pub(crate) struct BufferLayer {
    pub(crate) buffer: Arc<RingBuffer>,
}

impl<S> Layer<S> for BufferLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(trace_id), Some(span)) = (fields.trace_id, ctx.span(id)) {
            span.extensions_mut().replace(SpanTraceId(trace_id));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if let (Some(trace_id), Some(span)) = (fields.trace_id, ctx.span(id)) {
            span.extensions_mut().replace(SpanTraceId(trace_id));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if self.buffer.capacity() == 0 {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let trace_id = fields.trace_id.take().or_else(|| {
            ctx.event_scope(event)?
                .find_map(|span| span.extensions().get::<SpanTraceId>().map(|t| t.0.clone()))
        });
        let meta = event.metadata();
        self.buffer.push(LogRecord {
            timestamp: OffsetDateTime::now_utc(),
            level: meta.level().to_string(),
            message: fields.line(),
            target: meta.target().to_owned(),
            trace_id,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(level: &str, message: &str) -> LogRecord {
        LogRecord {
            timestamp: OffsetDateTime::UNIX_EPOCH,
            level: level.to_owned(),
            message: message.to_owned(),
            target: "t".to_owned(),
            trace_id: None,
        }
    }

    #[test]
    fn keeps_only_the_newest_capacity_records() {
        let buffer = RingBuffer::new(3);
        for i in 0..10 {
            buffer.push(record("INFO", &i.to_string()));
            assert!(buffer.len() <= 3);
        }
        let messages: Vec<_> = buffer
            .recent(None, 0, 10)
            .into_iter()
            .map(|r| r.message)
            .collect();
        assert_eq!(messages, ["9", "8", "7"]);
    }

    #[test]
    fn zero_capacity_keeps_nothing() {
        let buffer = RingBuffer::new(0);
        buffer.push(record("INFO", "x"));
        assert_eq!(buffer.len(), 0);
    }

    #[test]
    fn secret_field_names() {
        for name in [
            "password",
            "new_password",
            "refresh_token",
            "client_secret",
            "Authorization",
            "cookie",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in ["user_id", "status", "path", "message"] {
            assert!(!is_secret_field(name), "{name}");
        }
    }
}
