//! Two workers racing over one outbox (each with its own connection pool,
//! like two processes) deliver every message exactly once.

use crate::support::{TestDb, enqueue_emails, message_id, with_db};
use harmony_adapters_smtp::{HandlebarsRenderer, MailBranding};
use harmony_adapters_sql::SqlStore;
use harmony_kernel::SystemClock;
use harmony_kernel::mail::{MailError, MailMessage, Mailer};
use harmony_kernel::outbox::OutboxStore;
use harmony_worker::{OutboxWorker, WorkerConfig};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

const MAILS: usize = 40;

/// Records `(worker, Message-ID)` of every send, after a short pause so the
/// two workers' rounds overlap.
struct RecordingMailer {
    worker: usize,
    sent: Arc<Mutex<Vec<(usize, String)>>>,
}

#[async_trait::async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        tokio::time::sleep(Duration::from_millis(2)).await;
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((self.worker, message.message_id.clone()));
        Ok(())
    }
}

/// Runs rounds until the outbox is drained (bounded by `deadline`); claim
/// errors (SQLite's busy snapshot when both claim at once) are retried.
async fn drain(worker: OutboxWorker, store: Arc<SqlStore>, deadline: Instant) -> (u32, u32) {
    let (mut delivered, mut claim_errors) = (0, 0);
    loop {
        let claimed = if let Ok(report) = worker.run_once().await {
            assert_eq!(report.store_errors, 0, "{report:?}");
            assert_eq!((report.retried, report.dead), (0, 0), "{report:?}");
            delivered += report.delivered;
            report.claimed
        } else {
            claim_errors += 1;
            0
        };
        if store.pending_count().await.unwrap() == 0 {
            return (delivered, claim_errors);
        }
        assert!(Instant::now() < deadline, "outbox not drained in time");
        if claimed == 0 {
            // The rest is leased by the other worker (or the claim collided).
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_racing_deliver_each_message_exactly_once() {
    with_db(|db| async move { race(&db).await }).await;
}

async fn race(db: &TestDb) {
    let queued = enqueue_emails(&db.store, MAILS).await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let config = WorkerConfig {
        batch_size: 3,
        ..WorkerConfig::default()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut runs = Vec::new();
    for worker in 0..2 {
        // A pool of its own per worker, as if they were separate processes.
        let store = Arc::new(SqlStore::connect(&db.url).await.unwrap());
        let outbox_worker = OutboxWorker::new(
            store.clone(),
            Arc::new(HandlebarsRenderer::new(MailBranding::local()).unwrap()),
            Arc::new(RecordingMailer {
                worker,
                sent: sent.clone(),
            }),
            Arc::new(SystemClock),
            config.clone(),
        );
        runs.push(tokio::spawn(drain(outbox_worker, store, deadline)));
    }
    let mut reports = Vec::new();
    for run in runs {
        reports.push(run.await.unwrap());
    }

    let sent = sent.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let mut counts: BTreeMap<String, usize> = queued.iter().map(|m| (message_id(m), 0)).collect();
    for (_, id) in &sent {
        *counts.get_mut(id).expect("only queued messages are sent") += 1;
    }
    let wrong: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(wrong.is_empty(), "not delivered exactly once: {wrong:?}");
    assert_eq!(sent.len(), MAILS);
    let delivered: u32 = reports.iter().map(|(d, _)| d).sum();
    assert_eq!(delivered as usize, MAILS);
    eprintln!(
        "per worker (delivered, claim errors retried): {reports:?}; sends by worker 0: {}",
        sent.iter().filter(|(w, _)| *w == 0).count()
    );
    assert!(db.rows().await.iter().all(|r| r.delivered_at.is_some()));
}
