//! The memory adapter against the port contracts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod audit;
mod branches;
mod files;
mod notifications;
mod outbox;

use harmony_adapters_memory::InMemoryStore;

#[tokio::test]
async fn in_memory_store_passes_the_identity_store_contract() {
    harmony_identity::testing::identity_store_contract(&InMemoryStore::new()).await;
}
