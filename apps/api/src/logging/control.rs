//! [`LogControl`]: the run-time handle on logging that the admin tools use
//! (current filter, changing it without a restart, recent records).

use std::sync::{Arc, PoisonError, RwLock};

use tracing_subscriber::EnvFilter;

use super::buffer::{LogRecord, RingBuffer};

/// Records kept when nothing else is configured (`log.buffer_capacity`).
pub const DEFAULT_BUFFER_CAPACITY: usize = 2000;

/// Applies a new filter to the live subscriber; `Err` says why it could not.
type Reload = Box<dyn Fn(EnvFilter) -> Result<(), String> + Send + Sync>;

struct Inner {
    directive: RwLock<String>,
    reload: Option<Reload>,
    buffer: Arc<RingBuffer>,
}

/// Handle on the process's logging: read and change the filter directive at
/// run time, and page through the newest records of the in-memory buffer.
///
/// Cheap to clone (one `Arc`); registered as `web::Data<LogControl>` so the
/// admin tools can reach it. [`LogControl::detached`] is a stand-alone one for
/// tests and embedders that install no global subscriber.
#[derive(Clone)]
pub struct LogControl {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LogControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogControl")
            .field("level", &self.level())
            .field("attached", &self.inner.reload.is_some())
            .field("capacity", &self.inner.buffer.capacity())
            .finish_non_exhaustive()
    }
}

impl LogControl {
    pub(crate) fn new(directive: String, reload: Option<Reload>, buffer: Arc<RingBuffer>) -> Self {
        Self {
            inner: Arc::new(Inner {
                directive: RwLock::new(directive),
                reload,
                buffer,
            }),
        }
    }

    /// A control attached to no subscriber: `set_level` validates and stores
    /// the directive, `recent` returns what its own (empty) buffer holds.
    pub fn detached() -> Self {
        Self::new(
            "info".to_owned(),
            None,
            Arc::new(RingBuffer::new(DEFAULT_BUFFER_CAPACITY)),
        )
    }

    /// The filter directive in force (e.g. `info,harmony_api=debug`).
    pub fn level(&self) -> String {
        self.inner
            .directive
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the filter directive at run time (`tracing_subscriber::reload`).
    ///
    /// # Errors
    /// A message saying why, when `directive` is empty or not a valid
    /// `EnvFilter` directive, or the subscriber is gone; the old filter stays.
    pub fn set_level(&self, directive: &str) -> Result<(), String> {
        let directive = directive.trim();
        if directive.is_empty() {
            return Err(
                "the filter directive is empty (e.g. `info` or `info,harmony_api=debug`)"
                    .to_owned(),
            );
        }
        let filter = EnvFilter::builder()
            .parse(directive)
            .map_err(|e| format!("invalid filter directive `{directive}`: {e}"))?;
        if let Some(reload) = &self.inner.reload {
            reload(filter)?;
        }
        let mut current = self
            .inner
            .directive
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        directive.clone_into(&mut current);
        Ok(())
    }

    /// Up to `limit` buffered records after skipping `offset`, newest first;
    /// `level` (e.g. `"warn"`) keeps only records of exactly that level.
    pub fn recent(&self, level: Option<&str>, offset: usize, limit: usize) -> Vec<LogRecord> {
        self.inner.buffer.recent(level, offset, limit)
    }

    /// How many records the buffer keeps at most.
    pub fn capacity(&self) -> usize {
        self.inner.buffer.capacity()
    }
}
