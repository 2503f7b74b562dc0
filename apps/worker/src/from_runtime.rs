//! The worker over the shared composition root, so `harmony-worker` and the
//! embedded worker of `harmony-api` are built the same way.

use crate::files_jobs::{FileObjectJobs, SweepUnconfirmedUploads};
use crate::{OutboxWorker, WorkerConfig};
use harmony_files::service::TOPIC_DELETE_OBJECT;
use harmony_kernel::outbox::TOPIC_TENANT_CLOSED;
use harmony_runtime::wiring::Runtime;
use std::sync::Arc;

/// A delivery worker over the runtime's outbox, renderer, mailer and clock,
/// tuned by `[worker]`, with the files context's jobs: deleting retired
/// bytes, removing a closed tenant's bytes, and the periodic sweep of
/// unconfirmed uploads (`storage.sweep_interval_secs`).
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
    let files = Arc::new(FileObjectJobs(runtime.files.clone()));
    let sweep = std::time::Duration::from_secs(runtime.settings.storage.sweep_interval_secs.max(1));
    OutboxWorker::new(
        runtime.outbox.clone(),
        runtime.renderer.clone(),
        runtime.mailer.clone(),
        runtime.clock.clone(),
        config,
    )
    .with_handler(TOPIC_DELETE_OBJECT, files.clone())
    .with_handler(TOPIC_TENANT_CLOSED, files)
    .with_periodic(
        Arc::new(SweepUnconfirmedUploads(runtime.files.clone())),
        sweep,
    )
}
