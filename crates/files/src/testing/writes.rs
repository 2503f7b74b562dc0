//! Checks of `commit_files`: atomicity, versions, deletes, logo/avatar URLs.
#![allow(clippy::expect_used)]

use super::{
    FileFixtures, assert_conflict, assert_stale, commit, insert, now, record, scope, used,
};
use crate::model::{FileCategory, FileStatus};
use crate::ports::{FileChange, FileStore};
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{AuditEntry, OutboxId, Principal, TenantRole};
use uuid::Uuid;

pub(super) async fn commit_is_all_or_nothing(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    let existing = record(t, FileCategory::Document, FileStatus::Active, 5, now());
    insert(store, &[&existing]).await;
    let fresh = record(t, FileCategory::Document, FileStatus::Pending, 5, now());
    let stale = FileChange::Update {
        file: existing.clone(),
        expected_version: existing.version + 7,
    };
    let r = commit(
        store,
        &[
            FileChange::Insert(fresh.clone()),
            FileChange::ReserveStorage {
                tenant_id: t,
                bytes: 100,
                limit_bytes: None,
            },
            stale,
        ],
    )
    .await;
    assert_stale(&r, "a stale update after an insert and a reservation");
    let s = scope(t);
    assert_eq!(
        store.file(&s, fresh.id).await.expect("file"),
        None,
        "insert rolled back"
    );
    assert_eq!(used(store, t).await, 0, "reservation rolled back");

    // Audit entries and outbox messages ride along in the same commit.
    let who =
        Principal::verified_tenant_user(harmony_kernel::UserId::new(), None, t, TenantRole::Owner);
    let at = now();
    commit(
        store,
        &[
            FileChange::Insert(fresh.clone()),
            FileChange::Audit(
                AuditEntry::by(&who, "file.uploaded", "file", at).resource_id(fresh.id),
            ),
            FileChange::Outbox(OutboxMessage {
                id: OutboxId::new(),
                topic: "files.delete_object".to_owned(),
                payload: serde_json::json!({"storage_key": fresh.storage_key}),
                created_at: at,
            }),
        ],
    )
    .await
    .expect("insert with audit and outbox");
    assert_eq!(store.file(&s, fresh.id).await.expect("file"), Some(fresh));
}

pub(super) async fn insert_rejects_duplicate_ids_and_keys(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let t = fx.insert_tenant(1).await;
    let f = record(t, FileCategory::Attachment, FileStatus::Pending, 1, now());
    insert(store, &[&f]).await;
    let mut same_id = record(t, FileCategory::Attachment, FileStatus::Pending, 1, now());
    same_id.id = f.id;
    assert_conflict(
        &commit(store, &[FileChange::Insert(same_id)]).await,
        None,
        "same id",
    );
    let mut same_key = record(t, FileCategory::Attachment, FileStatus::Pending, 1, now());
    same_key.storage_key.clone_from(&f.storage_key);
    assert_conflict(
        &commit(store, &[FileChange::Insert(same_key.clone())]).await,
        None,
        "same storage key",
    );
    assert_eq!(
        store.file(&scope(t), same_key.id).await.expect("file"),
        None
    );
}

pub(super) async fn update_checks_the_version(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    let f = record(t, FileCategory::Document, FileStatus::Pending, 9, now());
    insert(store, &[&f]).await;
    let mut changed = f.clone();
    changed.status = FileStatus::Active;
    "renamed.pdf".clone_into(&mut changed.filename);
    changed.updated_at = Some(now());
    changed.version = f.version + 1;
    let update = FileChange::Update {
        file: changed.clone(),
        expected_version: f.version,
    };
    commit(store, std::slice::from_ref(&update))
        .await
        .expect("first update");
    let s = scope(t);
    assert_eq!(
        store.file(&s, f.id).await.expect("file"),
        Some(changed.clone())
    );
    assert_stale(
        &commit(store, &[update]).await,
        "an update based on an old version",
    );
    assert_eq!(
        store.file(&s, f.id).await.expect("file"),
        Some(changed),
        "unchanged"
    );
    let ghost = record(t, FileCategory::Document, FileStatus::Active, 1, now());
    assert_stale(
        &commit(
            store,
            &[FileChange::Update {
                file: ghost,
                expected_version: 0,
            }],
        )
        .await,
        "an update of a missing record",
    );
}

pub(super) async fn delete_removes_only_the_tenants_record(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let a = fx.insert_tenant(1).await;
    let b = fx.insert_tenant(1).await;
    let f = record(a, FileCategory::Document, FileStatus::Active, 1, now());
    insert(store, &[&f]).await;
    commit(
        store,
        &[FileChange::Delete {
            tenant_id: b,
            id: f.id,
        }],
    )
    .await
    .expect("delete under another tenant is a no-op");
    assert!(
        store.file(&scope(a), f.id).await.expect("file").is_some(),
        "still there"
    );
    commit(
        store,
        &[FileChange::Delete {
            tenant_id: a,
            id: f.id,
        }],
    )
    .await
    .expect("delete");
    assert_eq!(
        store.file(&scope(a), f.id).await.expect("file"),
        None,
        "gone"
    );
    commit(
        store,
        &[FileChange::Delete {
            tenant_id: a,
            id: f.id,
        }],
    )
    .await
    .expect("deleting an absent record is not an error");
    commit(
        store,
        &[FileChange::Delete {
            tenant_id: a,
            id: Uuid::new_v4(),
        }],
    )
    .await
    .expect("unknown id");
}

pub(super) async fn logo_and_avatar_urls_are_set_and_cleared(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let a = fx.insert_tenant(1).await;
    let b = fx.insert_tenant(1).await;
    let ua = fx.insert_user(a).await;
    let ub = fx.insert_user(b).await;
    let url = |k: &str| Some(format!("https://cdn.example.com/{k}"));
    commit(
        store,
        &[
            FileChange::SetTenantLogo {
                tenant_id: a,
                url: url("logo.png"),
            },
            FileChange::SetUserAvatar {
                tenant_id: a,
                user_id: ua,
                url: url("a.png"),
            },
        ],
    )
    .await
    .expect("set urls");
    assert_eq!(fx.logo_url(a).await, url("logo.png"));
    assert_eq!(fx.logo_url(b).await, None, "other tenant untouched");
    assert_eq!(fx.avatar_url(ua).await, url("a.png"));
    commit(
        store,
        &[FileChange::SetUserAvatar {
            tenant_id: a,
            user_id: ub,
            url: url("evil.png"),
        }],
    )
    .await
    .ok();
    assert_eq!(
        fx.avatar_url(ub).await,
        None,
        "a user of another tenant is left unchanged"
    );
    commit(
        store,
        &[
            FileChange::SetTenantLogo {
                tenant_id: a,
                url: None,
            },
            FileChange::SetUserAvatar {
                tenant_id: a,
                user_id: ua,
                url: None,
            },
        ],
    )
    .await
    .expect("clear urls");
    assert_eq!(fx.logo_url(a).await, None);
    assert_eq!(fx.avatar_url(ua).await, None);
}
