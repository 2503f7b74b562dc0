//! Admin endpoints A1–A3: guard, validation, target grammar, fan-out.

use crate::support::{admin, operator, people, principal, world};
use harmony_kernel::{DomainError, ErrorKind, UserId};
use harmony_notifications::error::INVALID_TARGET;
use harmony_notifications::{
    AdminSend, NotificationError, NotificationService, NotificationStore, NotificationType,
    PreferenceUpdate, Priority, Target,
};

fn send(target: &str) -> AdminSend {
    AdminSend {
        title: "Maintenance".to_owned(),
        message: "Tonight".to_owned(),
        priority: Priority::High,
        target: target.to_owned(),
        data: None,
    }
}

#[test]
fn target_grammar_and_its_messages() {
    let t = harmony_kernel::TenantId::new();
    let u = UserId::new();
    assert_eq!(Target::parse("  ALL ").unwrap(), Target::All);
    assert_eq!(Target::parse("all_tenants").unwrap(), Target::AllTenants);
    assert_eq!(
        Target::parse(&format!("Tenant:{t}")).unwrap(),
        Target::Tenant(t)
    );
    assert_eq!(
        Target::parse(&format!("user:{u}")).unwrap(),
        Target::User(u)
    );
    let msg = |raw: &str| Target::parse(raw).unwrap_err().to_string();
    assert_eq!(msg("tenant:xyz"), "Invalid tenant ID format");
    assert_eq!(msg("user:"), "Invalid user ID format");
    assert_eq!(msg("everyone"), INVALID_TARGET);
    assert_eq!(
        INVALID_TARGET,
        "Invalid target format. Use 'all', 'all_tenants', 'tenant:<id>', or 'user:<id>'"
    );
    assert_eq!(
        Target::parse("nope").unwrap_err().kind(),
        ErrorKind::BadRequest
    );
}

#[tokio::test]
async fn only_super_admins_may_use_the_admin_endpoints() {
    let w = world();
    let p = people(&w.store).await;
    for who in [operator(), principal(&p.owner)] {
        let err = w.service.send(&who, send("all")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert_eq!(
            err.to_string(),
            "Super Admin access required for this operation"
        );
        assert!(w.service.stats(&who, None).await.is_err());
        assert!(NotificationService::catalogue(&who).is_err());
    }
}

#[tokio::test]
async fn lengths_are_validated_in_characters() {
    let w = world();
    let root = admin();
    let mut s = send("all");
    s.title = "é".repeat(200);
    s.message = "ü".repeat(2000);
    assert!(w.service.send(&root, s.clone()).await.is_ok());
    for (title, message) in [
        ("", "m"),
        ("t", ""),
        (&*"x".repeat(201), "m"),
        ("t", &*"x".repeat(2001)),
    ] {
        let mut bad = s.clone();
        bad.title = title.to_owned();
        bad.message = message.to_owned();
        let err = w.service.send(&root, bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
    }
}

#[tokio::test]
async fn broadcasts_honour_preferences_and_user_targets_bypass_them() {
    let w = world();
    let p = people(&w.store).await;
    let root = admin();
    // The member switched announcements off; the owner switched off everything else.
    w.service
        .set_preference(
            &principal(&p.member),
            &PreferenceUpdate {
                notification_type: "system.announcement".to_owned(),
                in_app_enabled: Some(false),
                email_enabled: None,
                email_digest: None,
            },
        )
        .await
        .unwrap();

    let out = w.service.send(&root, send(" ALL ")).await.unwrap();
    assert_eq!(
        out.notifications_sent, 3,
        "owner, other owner, sysadmin; member suppressed"
    );
    assert_eq!(out.target, " ALL ", "target as sent");
    assert_eq!(
        w.service
            .send(&root, send("all_tenants"))
            .await
            .unwrap()
            .notifications_sent,
        2
    );

    let tenant = format!("tenant:{}", p.tenant_id);
    assert_eq!(
        w.service
            .send(&root, send(&tenant))
            .await
            .unwrap()
            .notifications_sent,
        1
    );
    let stamped = w
        .service
        .list(
            &principal(&p.owner),
            &harmony_notifications::ListQuery::default(),
        )
        .await
        .unwrap();
    assert_eq!(stamped.notifications[0].tenant_id, Some(p.tenant_id));
    assert_eq!(
        stamped.notifications[0].notification_type,
        NotificationType::SystemAnnouncement
    );
    assert_eq!(stamped.notifications[0].priority, Priority::High);
    assert_eq!(stamped.notifications[0].channels_sent, ["in_app"]);

    let direct = format!("user:{}", p.member.id);
    assert_eq!(
        w.service
            .send(&root, send(&direct))
            .await
            .unwrap()
            .notifications_sent,
        1
    );
    assert_eq!(
        w.service.unread_count(&principal(&p.member)).await.unwrap(),
        1
    );
    assert_eq!(
        w.service
            .unread_count(&principal(&p.sysadmin))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn unknown_user_is_not_found_not_a_500() {
    let w = world();
    let err = w
        .service
        .send(&admin(), send(&format!("user:{}", UserId::new())))
        .await
        .unwrap_err();
    assert!(matches!(err, NotificationError::UserNotFound));
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(w.store.stats(None).await.unwrap().total, 0);
}

#[tokio::test]
async fn stats_and_catalogue() {
    let w = world();
    let p = people(&w.store).await;
    let root = admin();
    w.service.send(&root, send("all")).await.unwrap();
    let global = w.service.stats(&root, None).await.unwrap();
    assert_eq!((global.total, global.unread, global.read), (4, 4, 0));
    assert_eq!(global.by_type.get("system.announcement"), Some(&4));
    let one = w.service.stats(&root, Some(p.tenant_id)).await.unwrap();
    assert_eq!(one.total, 2);

    let cat = NotificationService::catalogue(&root).unwrap();
    let keys: Vec<_> = cat.categories.iter().map(|(c, _)| c.admin_key()).collect();
    assert_eq!(
        keys,
        ["System", "Billing", "User", "Tenant", "Usage", "Security"]
    );
    assert_eq!(
        cat.categories.iter().map(|(_, t)| t.len()).sum::<usize>(),
        18
    );
    assert_eq!(cat.categories[1].1[0].name, "Billing Upgrade Approved");
    assert_eq!(cat.priorities, Priority::ALL);
}
