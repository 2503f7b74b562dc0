//! List, usage, get, download, patch, delete (§3.9 #3–8; defects 18, 19).

use crate::support::{PDF, PNG, World, bytes};
use harmony_files::ports::{FileFilter, ObjectStorage};
use harmony_files::service::FilePatch;
use harmony_files::{FileCategory, FileStatus};
use harmony_kernel::{DomainError, ErrorKind, PageRequest};
use uuid::Uuid;

const ALL: PageRequest = PageRequest {
    skip: 0,
    limit: 100,
};

#[tokio::test]
async fn list_get_download_and_usage() {
    let w = World::new().await;
    let doc = w
        .upload(
            &w.member,
            FileCategory::Document,
            "a.pdf",
            "application/pdf",
            &bytes(PDF, 300),
        )
        .await;
    w.clock.advance(time::Duration::seconds(1));
    let att = w
        .upload(
            &w.owner,
            FileCategory::Attachment,
            "b.bin",
            "a/b",
            &[1; 200],
        )
        .await;
    let page = w
        .svc
        .list(&w.member, None, &FileFilter::default(), ALL)
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|f| f.id).collect::<Vec<_>>(),
        [att.id, doc.id]
    );
    let docs = FileFilter {
        category: Some(FileCategory::Document),
        ..FileFilter::default()
    };
    assert_eq!(
        w.svc.list(&w.member, None, &docs, ALL).await.unwrap().total,
        1
    );
    assert_eq!(w.svc.get(&w.member, None, doc.id).await.unwrap(), doc);
    let e = w
        .svc
        .get(&w.member, None, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "File not found");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let d = w.svc.download(&w.member, None, doc.id, true).await.unwrap();
    assert!(d.download.url.contains("disposition=inline"));
    assert_eq!(d.file.filename, "a.pdf");
    let d = w
        .svc
        .download(&w.member, None, doc.id, false)
        .await
        .unwrap();
    assert!(d.download.url.contains("disposition=attachment"));
    let usage = w.svc.storage_usage(&w.member, None).await.unwrap();
    assert_eq!(
        (usage.used_bytes, usage.limit_gb, usage.file_count),
        (500, 1, 2)
    );
    assert!(!usage.is_limit_reached());
    assert!((usage.available_gb() - 1.0).abs() < 1e-9);
    let (other, other_owner) = w.other_tenant().await;
    let e = w.svc.get(&other_owner, None, doc.id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "tenant isolation");
    assert_eq!(
        w.svc
            .list(&other_owner, None, &FileFilter::default(), ALL)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        w.svc
            .storage_usage(&w.sysadmin, Some(other))
            .await
            .unwrap()
            .used_bytes,
        0
    );
}

#[tokio::test]
async fn members_patch_only_their_own_files() {
    let w = World::new().await;
    let mine = w
        .upload(
            &w.member,
            FileCategory::Attachment,
            "m.bin",
            "a/b",
            &[1; 10],
        )
        .await;
    let theirs = w
        .upload(
            &w.member2,
            FileCategory::Attachment,
            "t.bin",
            "a/b",
            &[1; 10],
        )
        .await;
    let rename = FilePatch {
        filename: Some("new.bin".to_owned()),
        ..FilePatch::default()
    };
    let e = w
        .svc
        .patch(&w.member, None, theirs.id, &rename)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "You can only modify files you uploaded");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let publish = FilePatch {
        is_public: Some(true),
        ..FilePatch::default()
    };
    assert!(
        w.svc
            .patch(&w.member, None, theirs.id, &publish)
            .await
            .is_err(),
        "defect 19"
    );
    let first = serde_json::json!({"a": 1}).as_object().unwrap().clone();
    let first = FilePatch {
        metadata: Some(first),
        ..FilePatch::default()
    };
    w.svc.patch(&w.member, None, mine.id, &first).await.unwrap();
    let meta = serde_json::json!({"b": 2}).as_object().unwrap().clone();
    let patched = w
        .svc
        .patch(
            &w.member,
            None,
            mine.id,
            &FilePatch {
                metadata: Some(meta),
                ..rename.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.filename, "new.bin");
    assert_eq!(
        patched.metadata.len(),
        2,
        "shallow merge keeps the old keys"
    );
    assert_eq!(patched.updated_by, Some(w.member.user_id()));
    let by_admin = w
        .svc
        .patch(&w.admin, None, theirs.id, &publish)
        .await
        .unwrap();
    assert!(by_admin.is_public, "admins may change any file");
    let bad = FilePatch {
        filename: Some("a/b".to_owned()),
        ..FilePatch::default()
    };
    assert_eq!(
        w.svc
            .patch(&w.admin, None, theirs.id, &bad)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Validation
    );
    assert!(w.audits().await.iter().any(|e| e.action == "file.updated"));
}

#[tokio::test]
async fn deleting_twice_subtracts_once() {
    let w = World::new().await;
    let a = w
        .upload(
            &w.owner,
            FileCategory::Attachment,
            "a.bin",
            "a/b",
            &[1; 100],
        )
        .await;
    let b = w
        .upload(&w.owner, FileCategory::Attachment, "b.bin", "a/b", &[1; 40])
        .await;
    assert_eq!(w.used(w.tenant).await, 140);
    let e = w
        .svc
        .delete(&w.member, None, a.id, false)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Permission 'files.delete' required");
    w.svc.delete(&w.owner, None, a.id, false).await.unwrap();
    assert_eq!(w.used(w.tenant).await, 40);
    assert!(
        !w.objects.contains(&a.storage_key),
        "bytes of a deleted file go"
    );
    let msgs = w.store.outbox_messages();
    assert!(
        msgs.iter()
            .any(|m| m.topic == harmony_files::service::TOPIC_DELETE_OBJECT
                && m.payload["storage_key"] == a.storage_key.as_str()),
        "deletion queued"
    );
    w.svc.delete(&w.owner, None, a.id, false).await.unwrap();
    w.svc.delete(&w.owner, None, a.id, true).await.unwrap();
    assert_eq!(
        w.used(w.tenant).await,
        40,
        "soft, soft again, then hard: subtracted once"
    );
    let e = w.svc.delete(&w.owner, None, a.id, true).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "File not found",
        "gone after the hard delete"
    );
    w.svc.delete(&w.owner, None, b.id, true).await.unwrap();
    assert_eq!(w.used(w.tenant).await, 0);
    assert!(
        w.store
            .files_of_tenant(w.tenant)
            .iter()
            .all(|f| f.id != b.id),
        "row removed"
    );
    assert!(!w.objects.contains(&b.storage_key));
    let deleted = w
        .audits()
        .await
        .into_iter()
        .filter(|e| e.action == "file.deleted")
        .count();
    assert_eq!(
        deleted, 3,
        "soft a, hard a, hard b (the repeated soft delete changed nothing)"
    );
}

#[tokio::test]
async fn delete_job_removes_bytes() {
    let w = World::new().await;
    let f = w
        .upload(&w.owner, FileCategory::Attachment, "a.bin", "a/b", &[1; 10])
        .await;
    w.svc.delete(&w.owner, None, f.id, false).await.unwrap();
    w.objects.put(&f.storage_key, b"again", None);
    let msg = w
        .store
        .outbox_messages()
        .into_iter()
        .find(|m| m.topic == "files.delete_object")
        .unwrap();
    w.svc.delete_object_job(&msg).await.unwrap();
    assert!(!w.objects.contains(&f.storage_key));
    w.svc.delete_object_job(&msg).await.expect("idempotent");
    assert_eq!(
        w.store.files_of_tenant(w.tenant)[0].status,
        FileStatus::Deleted
    );
    assert_eq!(w.objects.public_url("k"), "memory://public/k");
    let _ = PNG;
}
