//! The outbox delivery loop: drains the transactional outbox through the
//! kernel's ports (`OutboxStore`, `MailRenderer`, `Mailer`, `Clock`), with
//! retries and exponential back-off.
//!
//! It knows no SQL and no SMTP: the binary (or the API process, in embedded
//! mode) wires the adapters and calls [`OutboxWorker::run`]. Delivery is
//! at-least-once; every e-mail carries the stable `Message-ID`
//! `<outbox-id@harmony>` so a duplicate after a crash is recognisable.

mod delivery;
mod delivery_backoff;
mod files_jobs;
pub mod from_runtime;
pub mod jobs;

pub use delivery::OutboxWorker;
pub use delivery_backoff::{backoff_delay, with_jitter};

use harmony_kernel::StoreError;
use std::time::Duration;

/// Tuning of the delivery loop; the defaults suit one worker per database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Messages claimed per round; bounds the work lost to a crash.
    pub batch_size: u32,
    /// How long a claim is exclusive; must exceed one batch's delivery time,
    /// or another worker may send the same message again.
    pub lease: Duration,
    /// Pause between rounds when the outbox is drained.
    pub poll_interval: Duration,
    /// Attempts after which a transiently failing message goes dead.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles with every further attempt.
    pub base_backoff: Duration,
    /// Upper bound of the retry delay.
    pub max_backoff: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            batch_size: 20,
            lease: Duration::from_mins(1),
            poll_interval: Duration::from_secs(1),
            max_attempts: 8,
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_mins(15),
        }
    }
}

/// What one round did, for logs, metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages handed to the transport and marked delivered.
    pub delivered: u32,
    /// Messages that failed transiently and are scheduled again.
    pub retried: u32,
    /// Messages given up on (dead letters).
    pub dead: u32,
    /// Outcomes that could not be recorded; those messages are delivered
    /// again once their lease expires.
    pub store_errors: u32,
    /// Messages claimed this round (equal to the batch size: more may be due).
    pub claimed: u32,
}

/// Why a delivery round could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// Claiming due messages failed (database down); the next round retries.
    #[error("cannot claim outbox messages: {0}")]
    Claim(#[source] StoreError),
}
