//! A fixed set of threads for argon2: one per CPU, started on first use.
//!
//! Why not tokio's blocking pool: every argon2 run allocates `m_cost` KiB
//! (19 MiB by default). On the blocking pool a burst of logins spreads those
//! allocations over many threads, and glibc keeps a per-thread arena's
//! memory after `free`, so a server that started at ~26 MB stayed at
//! ~500 MB after one benchmark run. With a few long-lived threads the
//! retained memory is bounded by threads × `m_cost`, a burst queues instead
//! of allocating per request, and throughput is unchanged because the work
//! is CPU-bound anyway.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The job queue of the hashing threads.
pub(crate) struct HashPool {
    sender: OnceLock<Mutex<Sender<Job>>>,
}

/// Why a job produced no result (the pool could not start a thread).
#[derive(Debug)]
pub(crate) struct PoolUnavailable;

impl std::fmt::Display for PoolUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("password hashing pool unavailable")
    }
}

impl std::error::Error for PoolUnavailable {}

impl HashPool {
    /// A pool whose threads start with the first job.
    pub(crate) const fn new() -> Self {
        Self {
            sender: OnceLock::new(),
        }
    }

    fn start() -> Mutex<Sender<Job>> {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        for n in 0..threads {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        // hold the lock only while taking one job
                        let job = rx
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // every sender dropped
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start an argon2 thread");
            }
        }
        Mutex::new(tx)
    }

    /// Runs `f` on a hashing thread, inside the caller's tracing span.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolUnavailable> {
        let (done, result) = tokio::sync::oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move || {
            let _ = done.send(span.in_scope(f));
        });
        self.sender
            .get_or_init(Self::start)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| PoolUnavailable)?;
        result.await.map_err(|_| PoolUnavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_named_threads_and_return_their_result() {
        static POOL: HashPool = HashPool::new();
        let name = POOL
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("argon2-")));
        let many = futures_join(8).await;
        assert_eq!(many, (0..8).collect::<Vec<_>>());
    }

    async fn futures_join(n: usize) -> Vec<usize> {
        static POOL: HashPool = HashPool::new();
        let mut handles = Vec::new();
        for i in 0..n {
            handles.push(tokio::spawn(
                async move { POOL.run(move || i).await.unwrap() },
            ));
        }
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
