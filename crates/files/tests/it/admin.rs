//! Admin download, the sweeper, and the storage recomputation.

use crate::support::{PDF, World, bytes, request};
use harmony_files::{FileCategory, FileStatus};
use harmony_kernel::{DomainError, ErrorKind};
use time::Duration;

#[tokio::test]
async fn admin_download_is_for_system_admins() {
    let w = World::new().await;
    let f = w
        .upload(
            &w.member,
            FileCategory::Document,
            "a.pdf",
            "application/pdf",
            &bytes(PDF, 10),
        )
        .await;
    let d = w
        .svc
        .admin_download(&w.sysadmin, f.id, false)
        .await
        .unwrap();
    assert_eq!(d.file.id, f.id);
    for who in [&w.operator, &w.owner] {
        let e = w.svc.admin_download(who, f.id, false).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "Super Admin access required for this operation"
        );
        assert_eq!(e.kind(), ErrorKind::Forbidden);
    }
    w.svc.delete(&w.owner, None, f.id, false).await.unwrap();
    let e = w
        .svc
        .admin_download(&w.sysadmin, f.id, false)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "File not found");
}

#[tokio::test]
async fn sweep_removes_stale_pending_rows_and_objects() {
    let w = World::new().await;
    let stale = w
        .presign_as_member(&request(FileCategory::Attachment, "s.bin", "a/b", 5))
        .await;
    w.objects.put(&stale.storage_key, b"12345", None);
    let kept = w
        .upload(&w.member, FileCategory::Attachment, "k.bin", "a/b", b"abc")
        .await;
    w.clock.advance(Duration::hours(25));
    let fresh = w
        .presign_as_member(&request(FileCategory::Attachment, "f.bin", "a/b", 5))
        .await;
    let e = w.svc.sweep_stale_uploads(&w.owner, 100).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(
        w.svc.sweep_stale_uploads(&w.sysadmin, 100).await.unwrap(),
        1
    );
    assert!(!w.objects.contains(&stale.storage_key), "stale bytes gone");
    let files = w.store.files_of_tenant(w.tenant);
    assert!(
        files.iter().all(|f| f.id != stale.file_id),
        "stale row gone"
    );
    assert!(
        files
            .iter()
            .any(|f| f.id == fresh.file_id && f.status == FileStatus::Pending)
    );
    assert!(
        files
            .iter()
            .any(|f| f.id == kept.id && f.status == FileStatus::Active)
    );
    assert!(w.objects.contains(&kept.storage_key));
    assert_eq!(
        w.svc.sweep_stale_uploads(&w.sysadmin, 100).await.unwrap(),
        0
    );
    let e = w
        .svc
        .confirm(&w.member, None, &stale.storage_key, None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Upload not found");
}

#[tokio::test]
async fn recompute_equals_the_sum_of_active_files() {
    let w = World::new().await;
    w.upload(
        &w.member,
        FileCategory::Attachment,
        "a.bin",
        "a/b",
        &[0; 700],
    )
    .await;
    let b = w
        .upload(
            &w.member,
            FileCategory::Attachment,
            "b.bin",
            "a/b",
            &[0; 300],
        )
        .await;
    w.upload(
        &w.member,
        FileCategory::Attachment,
        "c.bin",
        "a/b",
        &[0; 20],
    )
    .await;
    w.svc.delete(&w.owner, None, b.id, false).await.unwrap();
    assert_eq!(
        w.used(w.tenant).await,
        720,
        "the counter agrees with the table"
    );
    w.set_used(5);
    let e = w.svc.recompute_storage(&w.operator).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let changed = w.svc.recompute_storage(&w.sysadmin).await.unwrap();
    assert!(changed.contains(&(w.tenant, 5, 720)));
    assert_eq!(w.used(w.tenant).await, 720);
    let sum: i64 = w
        .store
        .files_of_tenant(w.tenant)
        .iter()
        .filter(|f| f.status == FileStatus::Active)
        .map(|f| f.size_bytes)
        .sum();
    assert_eq!(sum, 720);
    assert!(
        w.svc
            .recompute_storage(&w.sysadmin)
            .await
            .unwrap()
            .is_empty()
    );
}
