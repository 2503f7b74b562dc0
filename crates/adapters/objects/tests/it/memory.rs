use crate::TestClock;
use harmony_adapters_objects::InMemoryObjectStorage;
use harmony_adapters_objects::testing::{Capabilities, MemoryTransport, object_storage_contract};

#[tokio::test]
async fn in_memory_passes_the_contract() {
    let storage = InMemoryObjectStorage::new(TestClock::now());
    let caps = Capabilities {
        enforces_signed_content_type: true,
    };
    object_storage_contract(&storage, &MemoryTransport(&storage), caps, "run").await;
}
