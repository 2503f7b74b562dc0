//! The contracts on PostgreSQL, each in a fresh database.

use crate::support::pg_store;
use harmony_identity::testing::identity_store_contract;
use harmony_kernel::outbox::OutboxStore;
use harmony_kernel::testing::{message, outbox_store_contract, past_instant};
use std::collections::HashSet;
use time::Duration;

#[tokio::test]
async fn identity_contract() {
    let Some(db) = pg_store().await else { return };
    identity_store_contract(&db.store).await;
    identity_store_contract(&db.store).await;
    db.drop_db().await;
}

#[tokio::test]
async fn outbox_contract() {
    let Some(db) = pg_store().await else { return };
    outbox_store_contract(&db.store).await;
    assert_eq!(db.store.backend_name(), "postgresql");
    db.store.ping().await.expect("ping");
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_never_return_the_same_message() {
    let Some(db) = pg_store().await else { return };
    let t0 = past_instant();
    let messages: Vec<_> = (0..60)
        .map(|i| message(t0 + Duration::milliseconds(i)))
        .collect();
    db.store.enqueue(&messages).await.expect("enqueue");
    let now = t0 + Duration::hours(1);
    let workers = (0..4).map(|_| {
        let store = db.store.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store
                    .claim_due(now, Duration::minutes(5), 7)
                    .await
                    .expect("claim");
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|c| c.message.id));
            }
        })
    });
    let mut seen = HashSet::new();
    let mut total = 0;
    for worker in workers.collect::<Vec<_>>() {
        for id in worker.await.expect("worker") {
            total += 1;
            assert!(seen.insert(id), "message {id} was claimed twice");
        }
    }
    assert_eq!(
        total,
        messages.len(),
        "every message was claimed exactly once"
    );
    db.drop_db().await;
}
