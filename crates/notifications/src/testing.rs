//! The executable contract of [`NotificationStore`]: every adapter runs
//! [`notification_store_contract`] in its own tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed contract should panic

use crate::model::{Notification, NotificationType, PreferenceUpdate, Priority};
use crate::ports::{NotificationFilter, NotificationStore};
use harmony_kernel::{PageRequest, UserId};
use serde_json::Map;
use time::{Duration, OffsetDateTime, macros::datetime};
use uuid::Uuid;

/// A fixed instant the suite builds on.
pub fn at() -> OffsetDateTime {
    datetime!(2026-03-01 12:00 UTC)
}

/// An unread active notification of `user`, created `minutes` after [`at`].
pub fn notification(user: UserId, ty: NotificationType, minutes: i64) -> Notification {
    Notification {
        id: Uuid::now_v7(),
        user_id: user,
        tenant_id: None,
        notification_type: ty,
        title: format!("t{minutes}"),
        message: "m".to_owned(),
        priority: Priority::Normal,
        data: Map::new(),
        is_read: false,
        read_at: None,
        is_active: true,
        deleted_at: None,
        created_at: at() + Duration::minutes(minutes),
        channels_sent: vec!["in_app".to_owned()],
    }
}

fn update(ty: &str, in_app: Option<bool>, email: Option<bool>) -> PreferenceUpdate {
    PreferenceUpdate {
        notification_type: ty.to_owned(),
        in_app_enabled: in_app,
        email_enabled: email,
        email_digest: None,
    }
}

/// Runs every clause against a fresh store.
pub async fn notification_store_contract(store: &dyn NotificationStore) {
    isolation_paging_and_counts(store).await;
    deletes_are_soft_and_never_counted(store).await;
    preferences_upsert(store).await;
    global_stats(store).await;
}

async fn isolation_paging_and_counts(store: &dyn NotificationStore) {
    let (alice, bob) = (UserId::new(), UserId::new());
    let a: Vec<_> = (0..5)
        .map(|i| notification(alice, NotificationType::UserJoined, i))
        .collect();
    let b = notification(bob, NotificationType::UserJoined, 10);
    store.insert(&a).await.unwrap();
    store.insert(std::slice::from_ref(&b)).await.unwrap();

    let page = store
        .list(
            alice,
            &NotificationFilter::default(),
            PageRequest { skip: 1, limit: 2 },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 5);
    let titles: Vec<_> = page.items.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["t3", "t2"], "newest first, then skip/limit");

    assert!(
        store.get(alice, b.id).await.unwrap().is_none(),
        "foreign get"
    );
    assert_eq!(store.get(bob, b.id).await.unwrap().unwrap(), b);
    assert_eq!(store.mark_read(alice, &[b.id], at()).await.unwrap(), 0);
    assert!(!store.soft_delete(alice, b.id, at()).await.unwrap());
    assert_eq!(store.unread_count(bob).await.unwrap(), 1, "bob untouched");

    assert_eq!(
        store
            .mark_read(alice, &[a[0].id, a[1].id], at())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store.mark_read(alice, &[a[0].id], at()).await.unwrap(),
        0,
        "only unread"
    );
    let read = store.get(alice, a[0].id).await.unwrap().unwrap();
    assert!(read.is_read);
    assert_eq!(read.read_at, Some(at()));
    assert_eq!(store.unread_count(alice).await.unwrap(), 3);

    let unread = NotificationFilter {
        unread_only: true,
        notification_type: None,
    };
    let page = store
        .list(alice, &unread, PageRequest { skip: 0, limit: 10 })
        .await
        .unwrap();
    assert_eq!(page.total, 3);

    store
        .insert(&[notification(alice, NotificationType::UsageQuotaWarning, 20)])
        .await
        .unwrap();
    let typed = NotificationFilter {
        unread_only: false,
        notification_type: Some("usage.quota_warning".to_owned()),
    };
    let page = store
        .list(alice, &typed, PageRequest { skip: 0, limit: 10 })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        store
            .mark_all_read(alice, Some("usage.quota_warning".to_owned()), at())
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.mark_all_read(alice, None, at()).await.unwrap(), 3);
    assert_eq!(store.unread_count(alice).await.unwrap(), 0);
    assert_eq!(
        store.unread_count(bob).await.unwrap(),
        1,
        "bob still untouched"
    );
}

async fn deletes_are_soft_and_never_counted(store: &dyn NotificationStore) {
    let carol = UserId::new();
    let n: Vec<_> = (0..3)
        .map(|i| notification(carol, NotificationType::SystemAnnouncement, i))
        .collect();
    store.insert(&n).await.unwrap();
    assert!(store.soft_delete(carol, n[0].id, at()).await.unwrap());
    assert!(
        !store.soft_delete(carol, n[0].id, at()).await.unwrap(),
        "already gone"
    );
    assert!(store.get(carol, n[0].id).await.unwrap().is_none());
    assert_eq!(store.unread_count(carol).await.unwrap(), 2);
    assert_eq!(
        store.mark_read(carol, &[n[0].id], at()).await.unwrap(),
        0,
        "soft-deleted are not counted (defect 39)"
    );
    let all = store
        .list(
            carol,
            &NotificationFilter::default(),
            PageRequest { skip: 0, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(all.total, 2);

    store.mark_read(carol, &[n[1].id], at()).await.unwrap();
    assert_eq!(
        store.soft_delete_read(carol, at()).await.unwrap(),
        1,
        "only READ ones"
    );
    assert!(store.get(carol, n[2].id).await.unwrap().is_some());
    assert_eq!(store.unread_count(carol).await.unwrap(), 1);
}

async fn preferences_upsert(store: &dyn NotificationStore) {
    let (dan, eve) = (UserId::new(), UserId::new());
    let created = store
        .upsert_preference(dan, &update("user.joined", None, Some(false)))
        .await
        .unwrap();
    assert!(created.in_app_enabled && !created.email_enabled && !created.email_digest);
    assert!(created.is_active);
    let updated = store
        .upsert_preference(dan, &update("user.joined", Some(false), None))
        .await
        .unwrap();
    assert!(!updated.in_app_enabled);
    assert!(!updated.email_enabled, "unspecified flags keep their value");
    store
        .upsert_preference(dan, &update("*", None, None))
        .await
        .unwrap();
    store
        .upsert_preference(eve, &update("*", Some(false), None))
        .await
        .unwrap();

    let mut own = store.preferences(&[dan]).await.unwrap();
    own.sort_by(|a, b| a.notification_type.cmp(&b.notification_type));
    assert_eq!(own.len(), 2, "one row per (user, type)");
    assert!(own.iter().all(|p| p.user_id == dan));
    assert_eq!(store.preferences(&[dan, eve]).await.unwrap().len(), 3);

    assert_eq!(store.reset_preferences(dan).await.unwrap(), 2);
    assert!(store.preferences(&[dan]).await.unwrap().is_empty());
    assert_eq!(
        store.preferences(&[eve]).await.unwrap().len(),
        1,
        "eve untouched"
    );
}

async fn global_stats(store: &dyn NotificationStore) {
    let before = store.stats(None).await.unwrap();
    let frank = UserId::new();
    let n: Vec<_> = (0..3)
        .map(|i| notification(frank, NotificationType::SecurityPasswordChanged, i))
        .collect();
    store.insert(&n).await.unwrap();
    store.mark_read(frank, &[n[0].id], at()).await.unwrap();
    store.soft_delete(frank, n[2].id, at()).await.unwrap();
    let after = store.stats(None).await.unwrap();
    assert_eq!(after.total, before.total + 2, "active only");
    assert_eq!(after.read, before.read + 1);
    assert_eq!(after.unread, before.unread + 1);
    let key = "security.password_changed";
    assert_eq!(
        after.by_type.get(key).copied().unwrap_or(0),
        before.by_type.get(key).copied().unwrap_or(0) + 2
    );
    assert_eq!(after.total, after.read + after.unread);
}
