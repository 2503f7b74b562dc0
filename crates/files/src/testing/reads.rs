//! Checks of the reads: round trips, tenant isolation, filters and order.
#![allow(clippy::expect_used)]

use super::{FileFixtures, insert, now, operator, record, scope};
use crate::model::{FileCategory, FileStatus};
use crate::ports::{FileFilter, FileStore};
use harmony_kernel::{PageRequest, TenantId};
use time::Duration;
use uuid::Uuid;

pub(super) async fn records_read_back_unchanged(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    let u = fx.insert_user(t).await;
    let at = now();
    let mut f = record(t, FileCategory::Document, FileStatus::Pending, 1234, at);
    f.resource_type = Some("upgrade_request".to_owned());
    f.resource_id = Some(Uuid::new_v4());
    f.checksum = Some("abc123".to_owned());
    f.uploaded_by = Some(u);
    f.updated_by = Some(u);
    f.updated_at = Some(at + Duration::seconds(1));
    f.metadata.insert(
        "nested".to_owned(),
        serde_json::json!({"a": [1, 2], "b": null}),
    );
    f.is_public = true;
    insert(store, &[&f]).await;
    let s = scope(t);
    assert_eq!(store.file(&s, f.id).await.expect("file"), Some(f.clone()));
    assert_eq!(
        store.file_by_key(&s, &f.storage_key).await.expect("by key"),
        Some(f.clone())
    );
    assert_eq!(store.file(&s, Uuid::new_v4()).await.expect("absent"), None);
    assert_eq!(
        store.file_by_key(&s, "nope/x.png").await.expect("absent"),
        None
    );
}

pub(super) async fn other_tenants_rows_are_invisible(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let a = fx.insert_tenant(1).await;
    let b = fx.insert_tenant(1).await;
    let mut f = record(a, FileCategory::TenantLogo, FileStatus::Active, 10, now());
    f.resource_type = Some("tenant".to_owned());
    f.resource_id = Some(a.into_uuid());
    insert(store, &[&f]).await;
    let sb = scope(b);
    assert_eq!(store.file(&sb, f.id).await.expect("file"), None, "by id");
    assert_eq!(
        store.file_by_key(&sb, &f.storage_key).await.expect("key"),
        None,
        "by key"
    );
    let page = store
        .list_files(
            &sb,
            &FileFilter::default(),
            PageRequest {
                skip: 0,
                limit: 100,
            },
        )
        .await
        .expect("list");
    assert_eq!(page.total, 0, "list of B");
    assert!(page.items.is_empty());
    let res = store
        .files_of_resource(&sb, FileCategory::TenantLogo, "tenant", a.into_uuid())
        .await
        .expect("resource");
    assert!(res.is_empty(), "resource of A seen from B");
    assert_eq!(
        store.storage_usage(&sb).await.expect("usage").2,
        0,
        "count of B"
    );
    assert_eq!(
        store.storage_usage(&scope(a)).await.expect("usage").2,
        1,
        "count of A"
    );
}

pub(super) async fn listing_filters_pages_and_orders(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let t = fx.insert_tenant(1).await;
    let at = now();
    let rid = Uuid::new_v4();
    let old = record(
        t,
        FileCategory::Document,
        FileStatus::Active,
        1,
        at - Duration::hours(3),
    );
    let mut mid = record(
        t,
        FileCategory::Attachment,
        FileStatus::Active,
        2,
        at - Duration::hours(2),
    );
    mid.resource_type = Some("ticket".to_owned());
    mid.resource_id = Some(rid);
    let new = record(
        t,
        FileCategory::Document,
        FileStatus::Active,
        3,
        at - Duration::hours(1),
    );
    let pending = record(t, FileCategory::Document, FileStatus::Pending, 4, at);
    let deleted = record(t, FileCategory::Document, FileStatus::Deleted, 5, at);
    insert(store, &[&old, &mid, &new, &pending, &deleted]).await;
    let s = scope(t);
    let all = PageRequest {
        skip: 0,
        limit: 100,
    };
    let page = store
        .list_files(&s, &FileFilter::default(), all)
        .await
        .expect("list");
    assert_eq!(page.total, 3, "only active files");
    let ids: Vec<Uuid> = page.items.iter().map(|f| f.id).collect();
    assert_eq!(ids, [new.id, mid.id, old.id], "newest first");
    let second = store
        .list_files(
            &s,
            &FileFilter::default(),
            PageRequest { skip: 1, limit: 1 },
        )
        .await
        .expect("page");
    assert_eq!(second.total, 3);
    assert_eq!(second.items, [mid.clone()], "skip/limit");
    let docs = FileFilter {
        category: Some(FileCategory::Document),
        ..FileFilter::default()
    };
    let page = store.list_files(&s, &docs, all).await.expect("docs");
    assert_eq!(
        page.items.iter().map(|f| f.id).collect::<Vec<_>>(),
        [new.id, old.id]
    );
    let by_resource = FileFilter {
        resource_type: Some("ticket".to_owned()),
        resource_id: Some(rid),
        ..FileFilter::default()
    };
    let page = store
        .list_files(&s, &by_resource, all)
        .await
        .expect("resource");
    assert_eq!(page.items, [mid.clone()]);
    let other = FileFilter {
        resource_type: Some("other".to_owned()),
        ..FileFilter::default()
    };
    assert_eq!(
        store.list_files(&s, &other, all).await.expect("none").total,
        0
    );
    let usage = store.storage_usage(&s).await.expect("usage");
    assert_eq!((usage.1, usage.2), (1, 3), "limit and active count");
}

pub(super) async fn files_of_resource_are_active_newest_first(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let t = fx.insert_tenant(1).await;
    let u = fx.insert_user(t).await;
    let at = now();
    let avatar = |status, age: i64| {
        let mut f = record(
            t,
            FileCategory::UserAvatar,
            status,
            7,
            at - Duration::minutes(age),
        );
        f.resource_type = Some("user".to_owned());
        f.resource_id = Some(u.into_uuid());
        f
    };
    let older = avatar(FileStatus::Active, 10);
    let newer = avatar(FileStatus::Active, 5);
    let pending = avatar(FileStatus::Pending, 1);
    let gone = avatar(FileStatus::Deleted, 1);
    let mut logo = avatar(FileStatus::Active, 1);
    logo.category = FileCategory::TenantLogo;
    insert(store, &[&older, &newer, &pending, &gone, &logo]).await;
    let found = store
        .files_of_resource(&scope(t), FileCategory::UserAvatar, "user", u.into_uuid())
        .await
        .expect("resource");
    assert_eq!(
        found,
        [newer, older],
        "active avatars of the user, newest first"
    );
}

pub(super) async fn any_active_file_sees_every_tenant(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let t = fx.insert_tenant(1).await;
    let active = record(t, FileCategory::Attachment, FileStatus::Active, 1, now());
    let pending = record(t, FileCategory::Attachment, FileStatus::Pending, 1, now());
    let deleted = record(t, FileCategory::Attachment, FileStatus::Deleted, 1, now());
    insert(store, &[&active, &pending, &deleted]).await;
    let op = operator();
    assert_eq!(
        store.any_active_file(&op, active.id).await.expect("a"),
        Some(active)
    );
    assert_eq!(
        store.any_active_file(&op, pending.id).await.expect("p"),
        None
    );
    assert_eq!(
        store.any_active_file(&op, deleted.id).await.expect("d"),
        None
    );
}

pub(super) async fn stale_pending_are_old_pending_rows(
    store: &dyn FileStore,
    fx: &dyn FileFixtures,
) {
    let a = fx.insert_tenant(1).await;
    let b = fx.insert_tenant(1).await;
    let at = now();
    let oldest = record(
        a,
        FileCategory::Document,
        FileStatus::Pending,
        1,
        at - Duration::days(3),
    );
    let old = record(
        b,
        FileCategory::Document,
        FileStatus::Pending,
        1,
        at - Duration::days(2),
    );
    let fresh = record(a, FileCategory::Document, FileStatus::Pending, 1, at);
    let active = record(
        a,
        FileCategory::Document,
        FileStatus::Active,
        1,
        at - Duration::days(3),
    );
    insert(store, &[&oldest, &old, &fresh, &active]).await;
    let found = store
        .stale_pending(&operator(), at - Duration::days(1), 100_000)
        .await
        .expect("stale");
    let mine: Vec<Uuid> = found
        .iter()
        .map(|f| f.id)
        .filter(|id| [oldest.id, old.id, fresh.id, active.id].contains(id))
        .collect();
    assert_eq!(
        mine,
        [oldest.id, old.id],
        "old pending rows of every tenant, oldest first"
    );
    assert!(
        found.windows(2).all(|w| w[0].created_at <= w[1].created_at),
        "oldest first"
    );
    let limited = store
        .stale_pending(&operator(), at - Duration::days(1), 1)
        .await
        .expect("limit");
    assert_eq!(limited.len(), 1, "limit");
}

pub(super) async fn tenant_and_user_reads(store: &dyn FileStore, fx: &dyn FileFixtures) {
    let a = fx.insert_tenant(1).await;
    let b = fx.insert_tenant(1).await;
    let ua = fx.insert_user(a).await;
    let ub = fx.insert_user(b).await;
    let s = scope(a);
    assert_eq!(store.tenant_active(&s).await.expect("active"), Some(true));
    assert_eq!(
        store
            .tenant_active(&scope(TenantId::new()))
            .await
            .expect("absent"),
        None
    );
    assert!(store.user_in_tenant(&s, ua).await.expect("own user"));
    assert!(!store.user_in_tenant(&s, ub).await.expect("other user"));
    assert!(
        !store
            .user_in_tenant(&s, harmony_kernel::UserId::new())
            .await
            .expect("unknown")
    );
    fx.deactivate_tenant(a).await;
    assert_eq!(
        store.tenant_active(&s).await.expect("inactive"),
        Some(false)
    );
    assert_eq!(
        store.storage_usage(&scope(b)).await.expect("usage"),
        (0, 1, 0)
    );
}
