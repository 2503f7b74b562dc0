//! The SQL store against the `AuditStore` contract: SQLite always,
//! PostgreSQL when `HARMONY_TEST_DATABASE_URL` is set (plus a concurrency
//! check of the per-chain head lock).

use harmony_audit::testing::{audit_store_contract, entry};
use harmony_audit::{AuditStore, verify_chain};
use harmony_kernel::TenantId;

#[tokio::test]
async fn sqlite() {
    let (store, _dir) = crate::support::sqlite_store().await;
    audit_store_contract(&store).await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    audit_store_contract(&db.store).await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_appends_to_one_chain_serialise_on_postgres() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    let t = TenantId::new();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = db.store.clone();
            tokio::spawn(async move {
                let e = entry(Some(t), "user.updated", time::OffsetDateTime::now_utc());
                store.append(&[e]).await.expect("append");
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    let chain = db.store.chain(Some(t)).await.expect("chain");
    assert_eq!(
        chain.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<i64>>()
    );
    let report = verify_chain(&chain);
    assert!(report.is_valid(), "{report:?}");
    db.drop_db().await;
}
