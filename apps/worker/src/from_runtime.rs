//! The worker over the shared composition root, so `harmony-worker` and the
//! embedded worker of `harmony-api` are built the same way.

use crate::{OutboxWorker, WorkerConfig};
use harmony_runtime::wiring::Runtime;

/// A delivery worker over the runtime's outbox, renderer, mailer and clock,
/// tuned by `[worker]`.
pub fn outbox_worker(runtime: &Runtime) -> OutboxWorker {
    let w = &runtime.settings.worker;
    let config = WorkerConfig {
        batch_size: w.batch_size,
        poll_interval: w.poll_interval(),
        max_attempts: w.max_attempts,
        lease: w.lease(),
        base_backoff: w.base_backoff(),
        ..WorkerConfig::default()
    };
    OutboxWorker::new(
        runtime.outbox.clone(),
        runtime.renderer.clone(),
        runtime.mailer.clone(),
        runtime.clock.clone(),
        config,
    )
}
