//! `harmony-worker`: delivers the transactional outbox as its own process.
//! Any number can run against one PostgreSQL database; leases keep them from
//! sending the same message twice.

use harmony_runtime::settings::Settings;
use harmony_runtime::wiring::{Overrides, Runtime};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    harmony_runtime::allocator::fix_mmap_threshold();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("harmony-worker: invalid configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&settings.log.level)),
        )
        .try_init();
    let runtime = match Runtime::build(settings, false, Overrides::default()).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("harmony-worker: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let worker = harmony_worker::from_runtime::outbox_worker(&runtime);
    tracing::info!("harmony-worker started");
    worker
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    tracing::info!("harmony-worker stopped");
    ExitCode::SUCCESS
}
