//! The notifier other contexts call: decide (pure), prepare, notify.

use crate::support::{people, principal, world};
use harmony_kernel::UserId;
use harmony_notifications::{
    Draft, NotificationStore, NotificationType, Preference, Priority, Recipient, Target, decide,
};
use serde_json::json;
use time::macros::datetime;

fn draft() -> Draft {
    Draft {
        notification_type: NotificationType::UsageQuotaWarning,
        title: "Usage Warning".to_owned(),
        message: "80% used".to_owned(),
        priority: Priority::High,
        data: json!({"metric": "users", "percent_used": 80, "action_url": "/usage"})
            .as_object()
            .cloned()
            .unwrap(),
    }
}

#[test]
fn decide_is_pure_and_honours_each_recipients_rows() {
    let (a, b) = (UserId::new(), UserId::new());
    let recipients = [
        Recipient {
            user_id: a,
            tenant_id: None,
        },
        Recipient {
            user_id: b,
            tenant_id: None,
        },
    ];
    let off = Preference {
        user_id: b,
        notification_type: "*".to_owned(),
        in_app_enabled: false,
        email_enabled: true,
        email_digest: false,
        is_active: true,
    };
    let now = datetime!(2026-03-01 09:00 UTC);
    let out = decide(
        &draft(),
        &recipients,
        std::slice::from_ref(&off),
        true,
        None,
        now,
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].user_id, a);
    assert_eq!(out[0].created_at, now);
    assert!(!out[0].is_read && out[0].is_active);
    assert_eq!(out[0].data["action_url"], "/usage");
    let forced = decide(&draft(), &recipients, &[off], false, None, now);
    assert_eq!(forced.len(), 2, "bypassing preferences");
}

#[tokio::test]
async fn prepare_stores_nothing_and_notify_inserts() {
    let w = world();
    let p = people(&w.store).await;
    let target = Target::Tenant(p.tenant_id);
    let records = w.service.prepare(target, &draft()).await.unwrap();
    assert_eq!(records.len(), 2, "owner and member");
    assert_eq!(
        w.store.stats(None).await.unwrap().total,
        0,
        "caller commits them"
    );
    w.store.insert(&records).await.unwrap();
    let me = principal(&p.member);
    assert_eq!(w.service.unread_count(&me).await.unwrap(), 1);

    let sent = w
        .service
        .notify(Target::User(p.other_owner.id), &draft())
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(w.store.stats(None).await.unwrap().total, 3);
}
