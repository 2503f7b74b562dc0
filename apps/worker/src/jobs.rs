//! Work besides e-mail: outbox topics other contexts handle, and periodic
//! jobs (e.g. sweeping unconfirmed uploads).
//!
//! The delivery loop stays the one place that claims, retries and
//! dead-letters outbox messages; a [`TopicHandler`] only says what a message
//! means and whether a failure is worth retrying. Periodic jobs run between
//! delivery rounds, each at most once per interval per worker; they must be
//! idempotent, because several workers may run them.

use harmony_kernel::outbox::OutboxMessage;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why a handler failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth retrying (a store or service was unreachable).
    Transient(String),
    /// Retrying cannot help (malformed payload); the message goes dead.
    Permanent(String),
}

/// Handles the outbox messages of one topic.
#[async_trait::async_trait]
pub trait TopicHandler: Send + Sync {
    /// Does the work of `message`; must be idempotent (at-least-once).
    async fn handle(&self, message: &OutboxMessage) -> Result<(), JobError>;
}

/// A job the worker runs every `interval`.
#[async_trait::async_trait]
pub trait PeriodicJob: Send + Sync {
    /// Stable name, for logs and the `worker_job_duration_seconds` metric.
    fn name(&self) -> &'static str;
    /// One run; `Ok` carries a short summary for the log.
    async fn run(&self) -> Result<String, String>;
}

/// A periodic job with its schedule.
pub(crate) struct Scheduled {
    job: Arc<dyn PeriodicJob>,
    interval: Duration,
    next: Mutex<Instant>,
}

impl Scheduled {
    /// First run right away (a restarted worker catches up at once).
    pub(crate) fn new(job: Arc<dyn PeriodicJob>, interval: Duration) -> Self {
        Self {
            job,
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Runs the job if it is due; never fails the caller.
    pub(crate) async fn run_if_due(&self) {
        {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if Instant::now() < *next {
                return;
            }
            *next = Instant::now() + self.interval;
        }
        let started = Instant::now();
        let name = self.job.name();
        match self.job.run().await {
            Ok(summary) => tracing::info!(job = name, %summary, "periodic job done"),
            Err(error) => tracing::error!(job = name, %error, "periodic job failed"),
        }
        metrics::histogram!("worker_job_duration_seconds", "job" => name)
            .record(started.elapsed().as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Count(AtomicU32);

    #[async_trait::async_trait]
    impl PeriodicJob for Count {
        fn name(&self) -> &'static str {
            "count"
        }
        async fn run(&self) -> Result<String, String> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(String::new())
        }
    }

    #[tokio::test]
    async fn a_job_runs_at_once_then_once_per_interval() {
        let job = Arc::new(Count(AtomicU32::new(0)));
        let s = Scheduled::new(job.clone(), Duration::from_hours(1));
        s.run_if_due().await;
        s.run_if_due().await;
        assert_eq!(job.0.load(Ordering::SeqCst), 1);
    }
}
