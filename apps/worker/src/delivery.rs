//! [`OutboxWorker`]: claim due messages, deliver them, record the outcome.

use crate::delivery_backoff::{backoff_delay, with_jitter};
use crate::jobs::{JobError, PeriodicJob, Scheduled, TopicHandler};
use crate::{DeliveryReport, WorkerConfig, WorkerError};
use harmony_kernel::Clock;
use harmony_kernel::mail::{EmailJob, MailRenderer, Mailer};
use harmony_kernel::outbox::{ClaimedMessage, OutboxStore, TOPIC_EMAIL};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::Duration;
use time::OffsetDateTime;

/// Longest error text recorded on a message; keeps a chatty server reply
/// from bloating the outbox row.
const MAX_ERROR_LEN: usize = 1000;

/// Longest pause between rounds while the store keeps failing.
const MAX_ERROR_PAUSE: Duration = Duration::from_secs(30);

/// Delivers the outbox: every round claims due messages, sends e-mails and
/// records success, a scheduled retry, or a dead letter.
///
/// Transient transport failures are retried with exponential back-off until
/// `max_attempts`; rejected mails, broken templates, unreadable payloads and
/// unknown topics go dead at once because a retry cannot help.
pub struct OutboxWorker {
    store: Arc<dyn OutboxStore>,
    renderer: Arc<dyn MailRenderer>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    config: WorkerConfig,
    handlers: HashMap<String, Arc<dyn TopicHandler>>,
    periodic: Vec<Scheduled>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What to record for one message.
enum Outcome {
    Delivered,
    Retry { at: OffsetDateTime, error: String },
    Dead(String),
}

impl OutboxWorker {
    /// A worker over the given ports; nothing runs until [`Self::run`] or
    /// [`Self::run_once`] is called.
    pub fn new(
        store: Arc<dyn OutboxStore>,
        renderer: Arc<dyn MailRenderer>,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
        config: WorkerConfig,
    ) -> Self {
        Self {
            store,
            renderer,
            mailer,
            clock,
            config,
            handlers: HashMap::new(),
            periodic: Vec::new(),
        }
    }

    /// Routes the messages of `topic` to `handler` (besides e-mail, which
    /// the worker delivers itself).
    #[must_use]
    pub fn with_handler(mut self, topic: &str, handler: Arc<dyn TopicHandler>) -> Self {
        self.handlers.insert(topic.to_owned(), handler);
        self
    }

    /// Runs `job` every `interval` between rounds of [`Self::run`].
    #[must_use]
    pub fn with_periodic(mut self, job: Arc<dyn PeriodicJob>, interval: Duration) -> Self {
        self.periodic.push(Scheduled::new(job, interval));
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    /// One round: claims up to `batch_size` due messages and handles each.
    /// Useful for tests and for callers that schedule rounds themselves.
    ///
    /// # Errors
    /// [`WorkerError::Claim`] when no messages could be claimed. Failures to
    /// record an outcome are counted in [`DeliveryReport::store_errors`].
    pub async fn run_once(&self) -> Result<DeliveryReport, WorkerError> {
        self.round(|| false).await
    }

    /// Runs rounds until `shutdown` completes: immediately again while
    /// batches come back full, otherwise after `poll_interval`.
    ///
    /// Shutdown is checked before every message, so at most the message in
    /// flight is finished (bounded by the mailer's timeout); claimed but
    /// unstarted messages are picked up again when their lease expires.
    /// Errors are logged and retried; this never returns early or panics.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut stopping = false;
        let mut failures: u32 = 0;
        tracing::info!(config = ?self.config, "outbox worker started");
        while !stopping {
            for job in &self.periodic {
                job.run_if_due().await;
            }
            let result = self
                .round(|| {
                    stopping = stopping || is_ready(shutdown.as_mut());
                    stopping
                })
                .await;
            let pause = match result {
                Ok(report) => {
                    failures = 0;
                    if report.claimed > 0 {
                        tracing::info!(?report, "outbox round done");
                    }
                    let full = report.claimed > 0 && report.claimed >= self.config.batch_size;
                    if full {
                        Duration::ZERO
                    } else {
                        self.config.poll_interval
                    }
                }
                Err(error) => {
                    let pause = backoff_delay(
                        failures,
                        self.config.poll_interval,
                        MAX_ERROR_PAUSE.max(self.config.poll_interval),
                    );
                    failures = failures.saturating_add(1);
                    tracing::error!(%error, retry_in = ?pause, "outbox round failed");
                    pause
                }
            };
            if stopping {
                break;
            }
            tokio::select! {
                () = shutdown.as_mut() => stopping = true,
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Claims and handles one batch, asking `stop` before each message.
    async fn round(&self, mut stop: impl FnMut() -> bool) -> Result<DeliveryReport, WorkerError> {
        let mut report = DeliveryReport::default();
        if stop() {
            return Ok(report);
        }
        let started = std::time::Instant::now();
        let lease = time::Duration::try_from(self.config.lease).unwrap_or(time::Duration::MINUTE);
        let claimed = self
            .store
            .claim_due(self.clock.now(), lease, self.config.batch_size)
            .await
            .map_err(WorkerError::Claim)?;
        report.claimed = u32::try_from(claimed.len()).unwrap_or(u32::MAX);
        for (index, message) in claimed.iter().enumerate() {
            if stop() {
                tracing::info!(
                    left = claimed.len() - index,
                    "shutting down; remaining claimed messages wait for their lease to expire"
                );
                break;
            }
            let outcome = self.attempt(message).await;
            self.record(message, outcome, &mut report).await;
        }
        metrics::histogram!("worker_job_duration_seconds", "job" => "outbox_delivery")
            .record(started.elapsed().as_secs_f64());
        Ok(report)
    }

    /// Tries to deliver one message and decides what happens next.
    async fn attempt(&self, claimed: &ClaimedMessage) -> Outcome {
        let message = &claimed.message;
        if message.topic != TOPIC_EMAIL {
            let Some(handler) = self.handlers.get(&message.topic) else {
                return Outcome::Dead(format!("unknown outbox topic '{}'", message.topic));
            };
            return match handler.handle(message).await {
                Ok(()) => Outcome::Delivered,
                Err(JobError::Permanent(e)) => Outcome::Dead(e),
                Err(JobError::Transient(e)) => self.retry_or_give_up(claimed, e),
            };
        }
        let job: EmailJob = match serde_json::from_value(message.payload.clone()) {
            Ok(job) => job,
            Err(e) => return Outcome::Dead(format!("invalid e-mail payload: {e}")),
        };
        let message_id = format!("<{}@harmony>", message.id);
        let mail = match self.renderer.render(&job, &message_id) {
            Ok(mail) => mail,
            Err(e) => return Outcome::Dead(e.to_string()),
        };
        match self.mailer.send(&mail).await {
            Ok(()) => Outcome::Delivered,
            Err(e) if e.is_transient() => self.retry_or_give_up(claimed, e.to_string()),
            Err(e) => Outcome::Dead(e.to_string()),
        }
    }

    /// A retry with back-off, or a dead letter after `max_attempts`.
    fn retry_or_give_up(&self, claimed: &ClaimedMessage, error: String) -> Outcome {
        let attempts = claimed.attempts.saturating_add(1);
        if attempts >= self.config.max_attempts {
            return Outcome::Dead(format!("{error} (gave up after {attempts} attempts)"));
        }
        let delay = with_jitter(
            backoff_delay(
                claimed.attempts,
                self.config.base_backoff,
                self.config.max_backoff,
            ),
            claimed.message.id.into_uuid().as_u128(),
            self.config.max_backoff,
        );
        let delay = time::Duration::try_from(delay).unwrap_or(time::Duration::HOUR);
        let now = self.clock.now();
        let at = now.checked_add(delay).unwrap_or(now);
        Outcome::Retry { at, error }
    }

    /// Stores the outcome and counts it.
    async fn record(
        &self,
        claimed: &ClaimedMessage,
        outcome: Outcome,
        report: &mut DeliveryReport,
    ) {
        let id = claimed.message.id;
        let attempt = claimed.attempts.saturating_add(1);
        let stored = match outcome {
            Outcome::Delivered => {
                tracing::debug!(outbox_id = %id, attempt, "outbox message delivered");
                report.delivered += 1;
                self.store.mark_delivered(id, self.clock.now()).await
            }
            Outcome::Retry { at, error } => {
                let error = truncate(error);
                tracing::warn!(outbox_id = %id, attempt, retry_at = %at, %error, "delivery failed; will retry");
                report.retried += 1;
                metrics::counter!("outbox_delivery_failures_total", "outcome" => "retry")
                    .increment(1);
                self.store.mark_failed(id, &error, Some(at)).await
            }
            Outcome::Dead(error) => {
                let error = truncate(error);
                tracing::error!(outbox_id = %id, attempt, %error, "delivery failed for good; message is dead");
                report.dead += 1;
                metrics::counter!("outbox_delivery_failures_total", "outcome" => "dead")
                    .increment(1);
                self.store.mark_failed(id, &error, None).await
            }
        };
        if let Err(error) = stored {
            report.store_errors += 1;
            tracing::error!(outbox_id = %id, %error, "cannot record delivery outcome; message will be retried after its lease");
        }
    }
}

/// Whether `future` has completed, without waiting. Must not be called again
/// once it returned `true`.
fn is_ready<F: Future<Output = ()>>(future: Pin<&mut F>) -> bool {
    future
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_ready()
}

/// Cuts `error` to [`MAX_ERROR_LEN`] bytes on a character boundary.
fn truncate(mut error: String) -> String {
    if error.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !error.is_char_boundary(end) {
            end -= 1;
        }
        error.truncate(end);
    }
    error
}

#[cfg(test)]
#[path = "delivery_fakes.rs"]
mod fakes;

#[cfg(test)]
#[path = "delivery_tests.rs"]
mod tests;
