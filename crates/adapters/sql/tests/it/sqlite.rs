//! The contracts on SQLite.

use crate::support::sqlite_store;
use harmony_adapters_sql::SqlStore;
use harmony_identity::testing::identity_store_contract;
use harmony_kernel::testing::outbox_store_contract;

#[tokio::test]
async fn identity_contract() {
    let (store, _dir) = sqlite_store().await;
    identity_store_contract(&store).await;
}

#[tokio::test]
async fn outbox_contract() {
    let (store, _dir) = sqlite_store().await;
    outbox_store_contract(&store).await;
}

#[tokio::test]
async fn contracts_rerun_on_the_same_database() {
    let (store, _dir) = sqlite_store().await;
    for _ in 0..2 {
        identity_store_contract(&store).await;
        outbox_store_contract(&store).await;
    }
    store.migrate().await.expect("migrating again is a no-op");
}

#[tokio::test]
async fn memory_database_works_with_one_connection() {
    let store = SqlStore::connect("sqlite::memory:").await.expect("connect");
    store.migrate().await.expect("migrate");
    store.ping().await.expect("ping");
    assert_eq!(store.backend_name(), "sqlite");
    outbox_store_contract(&store).await;
}

#[tokio::test]
async fn a_missing_file_is_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new.db");
    let store = SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connect");
    store.ping().await.expect("ping");
    assert!(path.exists());
}
