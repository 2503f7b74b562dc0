//! The user endpoints: isolation, paging, counts, soft deletes.

use crate::support::{people, principal, world};
use harmony_kernel::{DomainError, ErrorKind};
use harmony_notifications::testing::notification;
use harmony_notifications::{
    ListQuery, NotificationError, NotificationService, NotificationStore, NotificationType,
};
use uuid::Uuid;

#[tokio::test]
async fn users_see_mark_and_delete_only_their_own() {
    let w = world();
    let p = people(&w.store).await;
    let (owner, member) = (principal(&p.owner), principal(&p.member));
    let mine = notification(p.owner.id, NotificationType::UserJoined, 0);
    let theirs = notification(p.member.id, NotificationType::UserJoined, 1);
    w.store
        .insert(&[mine.clone(), theirs.clone()])
        .await
        .unwrap();

    assert_eq!(w.service.get(&owner, mine.id).await.unwrap(), mine);
    let err = w.service.get(&owner, theirs.id).await.unwrap_err();
    assert!(matches!(err, NotificationError::NotFound));
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.to_string(), "Notification not found");

    assert_eq!(w.service.mark_read(&owner, &[theirs.id]).await.unwrap(), 0);
    assert!(matches!(
        w.service.delete(&owner, theirs.id).await,
        Err(NotificationError::NotFound)
    ));
    assert_eq!(w.service.mark_all_read(&owner, None).await.unwrap(), 1);
    assert_eq!(w.service.delete_read(&owner).await.unwrap(), 1);
    assert_eq!(
        w.service.unread_count(&member).await.unwrap(),
        1,
        "untouched"
    );
    assert_eq!(w.service.get(&member, theirs.id).await.unwrap(), theirs);
}

#[tokio::test]
async fn list_pages_newest_first_with_the_unread_count_ignoring_filters() {
    let w = world();
    let p = people(&w.store).await;
    let me = principal(&p.owner);
    let rows: Vec<_> = (0..5)
        .map(|i| notification(p.owner.id, NotificationType::UserJoined, i))
        .collect();
    w.store.insert(&rows).await.unwrap();
    w.store
        .insert(&[notification(
            p.owner.id,
            NotificationType::UsageQuotaWarning,
            9,
        )])
        .await
        .unwrap();
    w.service.mark_read(&me, &[rows[0].id]).await.unwrap();

    let q = ListQuery {
        page: 2,
        page_size: 2,
        ..ListQuery::default()
    };
    let list = w.service.list(&me, &q).await.unwrap();
    assert_eq!((list.total, list.unread_count, list.total_pages), (6, 5, 3));
    let titles: Vec<_> = list
        .notifications
        .iter()
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(titles, ["t3", "t2"]);

    let typed = ListQuery {
        notification_type: Some("usage.quota_warning".to_owned()),
        ..ListQuery::default()
    };
    let list = w.service.list(&me, &typed).await.unwrap();
    assert_eq!(
        (list.total, list.unread_count),
        (1, 5),
        "unread_count ignores filters"
    );

    let unknown = ListQuery {
        notification_type: Some("nope".to_owned()),
        ..ListQuery::default()
    };
    let list = w.service.list(&me, &unknown).await.unwrap();
    assert_eq!((list.total, list.total_pages), (0, 1), "empty → one page");
}

#[tokio::test]
async fn paging_and_id_lists_are_validated() {
    let w = world();
    let p = people(&w.store).await;
    let me = principal(&p.owner);
    for q in [
        ListQuery {
            page: 0,
            ..ListQuery::default()
        },
        ListQuery {
            page_size: 0,
            ..ListQuery::default()
        },
        ListQuery {
            page_size: 101,
            ..ListQuery::default()
        },
    ] {
        let err = w.service.list(&me, &q).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
    }
    assert_eq!(
        w.service.mark_read(&me, &[]).await.unwrap_err().kind(),
        ErrorKind::Validation
    );
    let many: Vec<_> = (0..101).map(|_| Uuid::now_v7()).collect();
    assert_eq!(
        w.service.mark_read(&me, &many).await.unwrap_err().kind(),
        ErrorKind::Validation
    );
    assert_eq!(w.service.mark_read(&me, &many[..100]).await.unwrap(), 0);
}

#[tokio::test]
async fn soft_deleted_are_never_counted_nor_marked() {
    let w = world();
    let p = people(&w.store).await;
    let me = principal(&p.owner);
    let n = notification(p.owner.id, NotificationType::UserJoined, 0);
    w.store.insert(std::slice::from_ref(&n)).await.unwrap();
    w.service.delete(&me, n.id).await.unwrap();
    assert_eq!(w.service.unread_count(&me).await.unwrap(), 0);
    assert_eq!(
        w.service.mark_read(&me, &[n.id]).await.unwrap(),
        0,
        "defect 39"
    );
    assert!(w.service.get(&me, n.id).await.is_err());
}

#[test]
fn public_types_follow_the_contract() {
    let types = NotificationService::types();
    assert_eq!(types.len(), 18);
    assert_eq!(
        types[2].notification_type.as_str(),
        "billing.upgrade_approved"
    );
    assert_eq!(types[2].category, "billing");
    assert_eq!(types[2].name, "Billing Upgrade Approved");
    assert_eq!(types[17].name, "Security Password Changed");
}
