//! Checks of the storage counter: quota reservation under a lock, release,
//! recomputation from the table.
#![allow(clippy::expect_used)]

use super::{
    FileFixtures, assert_conflict, commit, insert, join_all, now, operator, record, scope, used,
};
use crate::model::{FileCategory, FileStatus};
use crate::ports::{CONFLICT_STORAGE_QUOTA, FileChange, FileStore};
use harmony_kernel::StoreError;

const GB: i64 = 1024 * 1024 * 1024;
const MB: i64 = 1024 * 1024;

fn reserve(tenant_id: harmony_kernel::TenantId, bytes: i64, limit: Option<i64>) -> FileChange {
    FileChange::ReserveStorage {
        tenant_id,
        bytes,
        limit_bytes: limit,
    }
}

pub(super) async fn reserve_respects_the_quota(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    commit(store, &[reserve(t, GB - 10, Some(GB))])
        .await
        .expect("below the quota");
    commit(store, &[reserve(t, 10, Some(GB))])
        .await
        .expect("exactly the quota");
    assert_eq!(used(store, t).await, GB);
    let f = record(t, FileCategory::Document, FileStatus::Pending, 1, now());
    let r = commit(
        store,
        &[FileChange::Insert(f.clone()), reserve(t, 1, Some(GB))],
    )
    .await;
    assert_conflict(&r, Some(CONFLICT_STORAGE_QUOTA), "one byte over the quota");
    assert_eq!(
        store.file(&scope(t), f.id).await.expect("file"),
        None,
        "insert rolled back"
    );
    assert_eq!(used(store, t).await, GB, "counter unchanged");
    commit(store, &[reserve(t, 5, None)])
        .await
        .expect("no limit");
    assert_eq!(used(store, t).await, GB + 5);
}

pub(super) async fn concurrent_reservations_never_overshoot(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let t = fx.insert_tenant(1).await;
    let chunk = 200 * MB;
    let attempts = (0..8)
        .map(|_| {
            let changes = vec![reserve(t, chunk, Some(GB))];
            Box::pin(async move { store.commit_files(&changes).await })
                as std::pin::Pin<
                    Box<dyn std::future::Future<Output = Result<(), StoreError>> + Send + '_>,
                >
        })
        .collect();
    let results = join_all(attempts).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    for r in results.iter().filter(|r| r.is_err()) {
        assert_conflict(
            r,
            Some(CONFLICT_STORAGE_QUOTA),
            "a reservation over the quota",
        );
    }
    assert_eq!(ok, 5, "exactly five 200 MB chunks fit in 1 GB");
    assert_eq!(used(store, t).await, 5 * chunk);
}

pub(super) async fn release_never_goes_below_zero(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    commit(store, &[reserve(t, 100, None)])
        .await
        .expect("reserve");
    commit(
        store,
        &[FileChange::ReleaseStorage {
            tenant_id: t,
            bytes: 40,
        }],
    )
    .await
    .expect("release");
    assert_eq!(used(store, t).await, 60);
    commit(
        store,
        &[FileChange::ReleaseStorage {
            tenant_id: t,
            bytes: 300,
        }],
    )
    .await
    .expect("release too much");
    assert_eq!(used(store, t).await, 0, "clamped at zero");
}

pub(super) async fn recompute_agrees_with_active_files(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let t = fx.insert_tenant(-1).await;
    let at = now();
    let doc = record(t, FileCategory::Document, FileStatus::Active, 1000, at);
    let att = record(t, FileCategory::Attachment, FileStatus::Active, 234, at);
    let pending = record(t, FileCategory::Document, FileStatus::Pending, 50_000, at);
    let deleted = record(t, FileCategory::Document, FileStatus::Deleted, 70_000, at);
    insert(store, &[&doc, &att, &pending, &deleted]).await;
    commit(store, &[reserve(t, 999_999, None)])
        .await
        .expect("drift");
    let changed = store
        .recompute_storage(&operator())
        .await
        .expect("recompute");
    assert!(
        changed.contains(&(t, 999_999, 1234)),
        "reported (tenant, old, new): {changed:?}"
    );
    assert_eq!(
        store.storage_usage(&scope(t)).await.expect("usage"),
        (1234, -1, 2)
    );
    let again = store
        .recompute_storage(&operator())
        .await
        .expect("recompute again");
    assert!(
        !again.iter().any(|(id, _, _)| *id == t),
        "nothing left to fix"
    );
}
