//! Preference endpoints (§9.2) with the defect 39 validation.

use crate::support::{people, principal, world};
use harmony_kernel::{DomainError, ErrorKind};
use harmony_notifications::{NotificationError, PreferenceUpdate};

fn upd(
    ty: &str,
    in_app: Option<bool>,
    email: Option<bool>,
    digest: Option<bool>,
) -> PreferenceUpdate {
    PreferenceUpdate {
        notification_type: ty.to_owned(),
        in_app_enabled: in_app,
        email_enabled: email,
        email_digest: digest,
    }
}

#[tokio::test]
async fn upsert_creates_with_defaults_then_changes_only_given_flags() {
    let w = world();
    let p = people(&w.store).await;
    let me = principal(&p.owner);
    let created = w
        .service
        .set_preference(&me, &upd("user.joined", None, None, Some(true)))
        .await
        .unwrap();
    assert!(created.in_app_enabled && created.email_enabled && created.email_digest);
    let updated = w
        .service
        .set_preference(&me, &upd("user.joined", Some(false), None, None))
        .await
        .unwrap();
    assert!(!updated.in_app_enabled && updated.email_enabled && updated.email_digest);
    w.service
        .set_preference(&me, &upd("*", None, Some(false), None))
        .await
        .unwrap();
    assert_eq!(w.service.preferences(&me).await.unwrap().len(), 2);
    let other = principal(&p.member);
    assert!(w.service.preferences(&other).await.unwrap().is_empty());
    assert_eq!(w.service.reset_preferences(&me).await.unwrap(), 2);
    assert!(w.service.preferences(&me).await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_types_are_refused_and_bulk_changes_nothing_then() {
    let w = world();
    let p = people(&w.store).await;
    let me = principal(&p.owner);
    let err = w
        .service
        .set_preference(&me, &upd("billing.whatever", Some(false), None, None))
        .await
        .unwrap_err();
    assert!(matches!(err, NotificationError::UnknownType(ref t) if t == "billing.whatever"));
    assert_eq!(err.kind(), ErrorKind::Validation);

    let bulk = [
        upd("user.joined", Some(false), None, None),
        upd("", None, None, None),
    ];
    assert!(w.service.set_preferences(&me, &bulk).await.is_err());
    assert!(
        w.service.preferences(&me).await.unwrap().is_empty(),
        "validated first"
    );

    let ok = [
        upd("*", Some(false), None, None),
        upd("user.joined", Some(true), None, None),
    ];
    let rows = w.service.set_preferences(&me, &ok).await.unwrap();
    let types: Vec<_> = rows.iter().map(|r| r.notification_type.as_str()).collect();
    assert_eq!(types, ["*", "user.joined"], "in order");
}
