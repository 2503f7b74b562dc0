//! Unit tests of the catalogue and the preference rule.

use super::*;

#[test]
fn eighteen_types_in_declaration_order_with_their_categories() {
    let values: Vec<_> = NotificationType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        values,
        [
            "system.announcement",
            "system.maintenance",
            "billing.upgrade_approved",
            "billing.upgrade_rejected",
            "billing.payment_received",
            "billing.subscription_expiring",
            "billing.subscription_expired",
            "user.invited",
            "user.joined",
            "user.role_changed",
            "user.removed",
            "tenant.settings_changed",
            "tenant.branch_created",
            "tenant.branch_deleted",
            "usage.quota_warning",
            "usage.quota_exceeded",
            "security.login_new_device",
            "security.password_changed",
        ]
    );
    for t in NotificationType::ALL {
        let prefix = t.as_str().split('.').next().unwrap_or_default();
        assert_eq!(
            t.category().as_str(),
            prefix,
            "category = part before the dot"
        );
        assert_eq!(NotificationType::parse(t.as_str()), Some(t));
        assert_eq!(t.to_string(), t.as_str());
    }
    let per: Vec<_> = Category::ALL.iter().map(|c| c.types().count()).collect();
    assert_eq!(per, [2, 5, 4, 3, 2, 2]);
    assert_eq!(NotificationType::parse("billing.unknown"), None);
    assert_eq!(NotificationType::parse("*"), None);
}

#[test]
fn names_are_the_constant_names_title_cased() {
    assert_eq!(
        NotificationType::BillingUpgradeApproved.name(),
        "Billing Upgrade Approved"
    );
    assert_eq!(
        NotificationType::SecurityLoginNewDevice.name(),
        "Security Login New Device"
    );
    assert_eq!(NotificationType::UserJoined.name(), "User Joined");
    assert_eq!(
        NotificationType::SystemAnnouncement.name(),
        "System Announcement"
    );
}

#[test]
fn categories_have_the_client_and_admin_names() {
    let client: Vec<_> = Category::ALL.iter().map(|c| c.display_name()).collect();
    assert_eq!(
        client,
        [
            "System",
            "Billing",
            "Team",
            "Organization",
            "Usage",
            "Security"
        ]
    );
    let admin: Vec<_> = Category::ALL.iter().map(|c| c.admin_key()).collect();
    assert_eq!(
        admin,
        ["System", "Billing", "User", "Tenant", "Usage", "Security"]
    );
}

#[test]
fn priorities_default_to_normal_and_round_trip() {
    assert_eq!(Priority::default(), Priority::Normal);
    let names: Vec<_> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(names, ["low", "normal", "high", "urgent"]);
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.as_str()), Some(p));
    }
    assert_eq!(Priority::parse("URGENT"), None);
}

fn pref(ty: &str, in_app: bool, email: bool, active: bool) -> Preference {
    Preference {
        user_id: UserId::from_uuid(Uuid::nil()),
        notification_type: ty.to_owned(),
        in_app_enabled: in_app,
        email_enabled: email,
        email_digest: false,
        is_active: active,
    }
}

#[test]
fn resolution_table_of_section_9_2() {
    use NotificationType::UserJoined as T;
    let d = |in_app, email| Delivery { in_app, email };
    // (rows, expected)
    let table: Vec<(Vec<Preference>, Delivery)> = vec![
        (vec![], d(true, false)),
        (vec![pref("user.joined", false, true, true)], d(false, true)),
        (vec![pref("user.joined", true, true, true)], d(true, true)),
        (vec![pref("*", false, false, true)], d(false, false)),
        (vec![pref("*", true, true, true)], d(true, true)),
        // exact row wins over the wildcard
        (
            vec![
                pref("*", false, false, true),
                pref("user.joined", true, false, true),
            ],
            d(true, false),
        ),
        // an inactive exact row falls through to the wildcard
        (
            vec![
                pref("user.joined", true, true, false),
                pref("*", false, false, true),
            ],
            d(false, false),
        ),
        // inactive rows are as good as none
        (vec![pref("*", false, true, false)], d(true, false)),
        // another type's row does not apply
        (
            vec![pref("user.invited", false, true, true)],
            d(true, false),
        ),
    ];
    for (rows, expected) in table {
        assert_eq!(resolve(&rows, T), expected, "rows {rows:?}");
    }
}

#[test]
fn preference_update_creates_with_defaults_and_changes_only_given_flags() {
    let user = UserId::from_uuid(Uuid::nil());
    let bare = PreferenceUpdate {
        notification_type: "*".to_owned(),
        in_app_enabled: None,
        email_enabled: None,
        email_digest: None,
    };
    let created = bare.create_for(user);
    assert!(created.in_app_enabled && created.email_enabled && !created.email_digest);
    assert!(created.is_active);
    let mut row = pref("*", false, false, false);
    let digest = PreferenceUpdate {
        email_digest: Some(true),
        ..bare
    };
    digest.apply_to(&mut row);
    assert!(!row.in_app_enabled && !row.email_enabled && row.email_digest);
    assert!(!row.is_active, "an update leaves is_active alone");
}
