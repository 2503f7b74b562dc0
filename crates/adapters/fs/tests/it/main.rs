//! `FsArchiveStore` on a temporary directory.
#![allow(clippy::expect_used)]

use harmony_adapters_fs::FsArchiveStore;
use harmony_audit::{ArchiveDir, ArchiveStore};
use harmony_kernel::{StoreError, TenantId};

#[tokio::test]
async fn files_are_written_listed_read_and_deleted_in_their_directory() {
    let root = tempfile::tempdir().expect("temp dir");
    let store = FsArchiveStore::new(root.path());
    let tenant = TenantId::new();
    let (platform, own) = (ArchiveDir::Platform, ArchiveDir::Tenant(tenant));
    assert!(store.list(&platform).await.expect("list").is_empty());
    store.put(&platform, "a.json", b"{}").await.expect("put");
    store.put(&own, "b.json", b"[1]").await.expect("put");
    assert!(root.path().join("audit/a.json").is_file());
    assert!(
        root.path()
            .join(format!("audit/tenant_{tenant}/b.json"))
            .is_file()
    );
    let listed = store.list(&platform).await.expect("list");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].name.as_str(), listed[0].size_bytes),
        ("a.json", 2)
    );
    assert_eq!(
        store.get(&own, "b.json").await.expect("get"),
        Some(b"[1]".to_vec())
    );
    assert_eq!(store.get(&platform, "b.json").await.expect("get"), None);
    let again = store.put(&platform, "a.json", b"{\"x\":1}").await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "never overwritten"
    );
    assert_eq!(
        store.get(&platform, "a.json").await.expect("get"),
        Some(b"{}".to_vec())
    );
    assert!(store.delete(&platform, "a.json").await.expect("delete"));
    assert!(!store.delete(&platform, "a.json").await.expect("delete"));
    let leftovers: Vec<_> = std::fs::read_dir(root.path().join("audit"))
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files stay");
}

#[tokio::test]
async fn names_never_leave_the_root() {
    let root = tempfile::tempdir().expect("temp dir");
    let store = FsArchiveStore::new(root.path().join("inner"));
    std::fs::write(root.path().join("secret.json"), b"x").expect("write");
    for bad in [
        "../secret.json",
        "../../secret.json",
        "a/b.json",
        "..",
        ".hidden.json",
        "",
    ] {
        assert!(
            store.put(&ArchiveDir::Platform, bad, b"x").await.is_err(),
            "{bad}"
        );
        assert_eq!(
            store.get(&ArchiveDir::Platform, bad).await.expect("get"),
            None,
            "{bad}"
        );
        assert!(
            !store
                .delete(&ArchiveDir::Platform, bad)
                .await
                .expect("delete"),
            "{bad}"
        );
    }
    assert!(root.path().join("secret.json").is_file());
}
