//! Audit archives in object storage: in memory always, in an S3 bucket when
//! `HARMONY_TEST_S3_URL` is set (the bucket is created on first use).

use crate::TestClock;
use harmony_adapters_objects::{ObjectStoreArchive, S3Config, S3ObjectStorage};
use harmony_audit::{ArchiveDir, ArchiveStore};
use harmony_kernel::{StoreError, TenantId};
use object_store::memory::InMemory;
use std::sync::Arc;

async fn archive_contract(store: &dyn ArchiveStore) {
    let tenant = ArchiveDir::Tenant(TenantId::new());
    assert!(store.list(&ArchiveDir::Platform).await.unwrap().is_empty());
    store
        .put(&ArchiveDir::Platform, "audit_archive_1.json", b"{\"a\":1}")
        .await
        .unwrap();
    store
        .put(&tenant, "audit_archive_2.json", b"{}")
        .await
        .unwrap();
    store.put(&tenant, "notes.txt", b"x").await.unwrap();
    let again = store
        .put(&ArchiveDir::Platform, "audit_archive_1.json", b"{}")
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "never overwritten: {again:?}"
    );
    let listed = store.list(&ArchiveDir::Platform).await.unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the tenant's archive is not the platform's"
    );
    assert_eq!(listed[0].name, "audit_archive_1.json");
    assert_eq!(listed[0].size_bytes, 7);
    let names: Vec<String> = store
        .list(&tenant)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        vec!["audit_archive_2.json"],
        "only *.json files are archives"
    );
    let bytes = store
        .get(&ArchiveDir::Platform, "audit_archive_1.json")
        .await
        .unwrap();
    assert_eq!(bytes.as_deref(), Some(&b"{\"a\":1}"[..]));
    assert_eq!(store.get(&tenant, "missing.json").await.unwrap(), None);
    for bad in ["../x.json", "a/b.json", ".hidden.json", ""] {
        assert!(store.get(&tenant, bad).await.is_err(), "{bad:?}");
    }
    assert!(store.delete(&tenant, "audit_archive_2.json").await.unwrap());
    assert!(!store.delete(&tenant, "audit_archive_2.json").await.unwrap());
}

#[tokio::test]
async fn archives_in_memory_object_storage() {
    archive_contract(&ObjectStoreArchive::new(Arc::new(InMemory::new()))).await;
}

#[tokio::test]
async fn archives_in_an_s3_bucket() {
    let Ok(endpoint) = std::env::var("HARMONY_TEST_S3_URL") else {
        eprintln!("HARMONY_TEST_S3_URL not set; skipping the S3 archive test");
        return;
    };
    let s3 = Arc::new(
        S3ObjectStorage::new(
            S3Config {
                endpoint: Some(endpoint),
                region: "us-east-1".into(),
                bucket: format!("harmony-archive-{}", uuid::Uuid::new_v4().simple()),
                access_key_id: "test-key".into(),
                secret_access_key: "test-secret".to_owned().into(),
                path_style: true,
                public_base_url: None,
            },
            TestClock::now(),
        )
        .unwrap(),
    );
    archive_contract(&s3.archive()).await;
}
