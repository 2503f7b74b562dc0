//! `TenantAdminService` against the in-memory store with a fixed clock:
//! access, lookups, and every statistic on a known data set.

use harmony_adapters_memory::{FixedClock, InMemoryStore};
use harmony_identity::model::{Email, PasswordHash, User, UserKind};
use harmony_identity::ports::{Change, IdentityStore};
use harmony_kernel::{
    AccessError, PageRequest, Principal, SystemRole, TenantId, TenantRole, UserId,
};
use harmony_tenancy::admin::{
    TenantAdminError, TenantAdminService, TenantFilter, TenantStats, TenantUsage,
};
use harmony_tenancy::testing::{branch, tenant};
use harmony_tenancy::{Branch, Limit, SubscriptionStatus, Tenant};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Wednesday 2026-11-25 15:00 UTC.
const NOW: OffsetDateTime = datetime!(2026-11-25 15:00 UTC);

fn user(kind: UserKind, created_at: OffsetDateTime) -> User {
    let email = Email::parse(&format!("u{}@example.com", UserId::new())).unwrap();
    User::new(kind, email, PasswordHash::new("x".to_owned()), created_at)
}

fn tenant_user(t: &Tenant, role: TenantRole, at: OffsetDateTime) -> User {
    user(
        UserKind::Tenant {
            tenant_id: t.id,
            role,
        },
        at,
    )
}

fn operator() -> Principal {
    Principal::verified_system_user(UserId::new(), None, SystemRole::Operator)
}

struct Fixture {
    svc: TenantAdminService,
    acme: Tenant,
    globex: Tenant,
}

/// Acme (free, active, created 3 days ago; owner + inactive member; HQ +
/// one branch), Globex (premium trial ending in 2 days, created 10 days ago),
/// Initech (inactive, created 40 days ago), two system users.
async fn fixture() -> Fixture {
    let store = Arc::new(InMemoryStore::new());
    let acme = Tenant {
        name: "Acme Corp".to_owned(),
        subdomain: "acme".to_owned(),
        subscription_ends_at: Some(NOW + Duration::days(7)),
        storage_used_bytes: 3 * 1_073_741_824 / 2,
        max_storage_gb: Limit::new(3),
        ..tenant(5, NOW - Duration::days(3))
    };
    let globex = Tenant {
        tier: "premium".to_owned(),
        subscription_status: SubscriptionStatus::Trial,
        trial_ends_at: Some(NOW + Duration::days(2)),
        ..tenant(1, NOW - Duration::days(10))
    };
    let initech = Tenant {
        is_active: false,
        ..tenant(1, NOW - Duration::days(40))
    };
    let mut member = tenant_user(&acme, TenantRole::Member, NOW - Duration::days(1));
    member.is_active = false;
    let mut owner = tenant_user(&acme, TenantRole::Owner, NOW - Duration::days(3));
    owner.last_login_at = Some(NOW - Duration::hours(2));
    owner.is_verified = true;
    let mut changes = vec![
        Change::InsertTenant(acme.clone()),
        Change::InsertTenant(globex.clone()),
        Change::InsertTenant(initech.clone()),
        Change::InsertUser(owner),
        Change::InsertUser(member),
        Change::InsertUser(tenant_user(
            &globex,
            TenantRole::Owner,
            NOW - Duration::days(10),
        )),
        Change::InsertUser(user(
            UserKind::System(SystemRole::Admin),
            NOW - Duration::days(60),
        )),
        Change::InsertUser(user(
            UserKind::System(SystemRole::Operator),
            NOW - Duration::days(9),
        )),
    ];
    for t in [&acme, &globex, &initech] {
        changes.push(Change::InsertBranch(Branch::headquarters(
            t.id,
            t.created_at,
        )));
    }
    changes.push(Change::InsertBranch(branch(acme.id, "B1", NOW)));
    store.commit(&changes).await.unwrap();
    let svc = TenantAdminService::new(store, Arc::new(FixedClock(NOW)));
    Fixture { svc, acme, globex }
}

const PAGE: PageRequest = PageRequest {
    skip: 0,
    limit: 100,
};

#[tokio::test]
async fn tenant_users_are_refused_and_both_system_roles_read() {
    let f = fixture().await;
    let member = Principal::verified_tenant_user(UserId::new(), None, f.acme.id, TenantRole::Owner);
    let err = f
        .svc
        .list(&member, &TenantFilter::default(), PAGE)
        .await
        .unwrap_err();
    assert!(
        matches!(err, TenantAdminError::Access(AccessError::SystemRequired)),
        "{err:?}"
    );
    assert!(f.svc.platform_stats(&member).await.is_err());
    let admin = Principal::verified_system_user(UserId::new(), None, SystemRole::Admin);
    for who in [admin, operator()] {
        assert_eq!(
            f.svc
                .list(&who, &TenantFilter::default(), PAGE)
                .await
                .unwrap()
                .total,
            3
        );
    }
}

#[tokio::test]
async fn lookups_and_not_found() {
    let f = fixture().await;
    let who = operator();
    let page = f
        .svc
        .list(
            &who,
            &TenantFilter {
                search: Some("CORP".into()),
                ..TenantFilter::default()
            },
            PAGE,
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        (page.items[0].active_users, page.items[0].active_branches),
        (1, 2)
    );
    let (t, usage) = f.svc.tenant(&who, f.acme.id).await.unwrap();
    assert_eq!(
        (t.id, usage.active_users, usage.active_branches),
        (f.acme.id, 1, 2)
    );
    assert_eq!(
        f.svc.by_subdomain(&who, "acme").await.unwrap().id,
        f.acme.id
    );
    let missing = TenantId::new();
    let err = f.svc.branches(&who, missing, PAGE).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Tenant with ID {missing} not found")
    );
    let err = f.svc.by_subdomain(&who, "nope").await.unwrap_err();
    assert_eq!(err.to_string(), "Tenant with subdomain 'nope' not found");
    assert_eq!(
        f.svc.branches(&who, f.acme.id, PAGE).await.unwrap().items[0].code,
        "HQ"
    );
}

#[tokio::test]
async fn tenant_stats_floor_days_and_report_storage() {
    let f = fixture().await;
    let s = f.svc.tenant_stats(&operator(), f.acme.id).await.unwrap();
    assert_eq!(
        (s.days_until_expiry, s.is_expired, s.is_trial),
        (Some(7), false, false)
    );
    assert_eq!((s.storage_used_gb, s.storage_usage_percent), (1.5, 50.0));
    assert_eq!(
        (s.users_usage_percent, s.branches_usage_percent),
        (20.0, 40.0)
    );
    assert_eq!(s.usage.last_login_at, Some(NOW - Duration::hours(2)));
    let s = f.svc.tenant_stats(&operator(), f.globex.id).await.unwrap();
    assert_eq!((s.days_until_expiry, s.is_trial), (None, true));

    let ended = Tenant {
        subscription_ends_at: Some(NOW - Duration::hours(1)),
        max_users: Limit::UNLIMITED,
        ..f.acme.clone()
    };
    let s = TenantStats::compute(ended, TenantUsage::default(), NOW);
    assert_eq!(
        (s.days_until_expiry, s.is_expired, s.users_usage_percent),
        (Some(-1), true, 0.0)
    );
}

#[tokio::test]
async fn system_stats_count_the_data_set() {
    let f = fixture().await;
    let s = f.svc.system_stats(&operator()).await.unwrap();
    assert_eq!(
        (
            s.total_tenants,
            s.active_tenants,
            s.inactive_tenants,
            s.trial_tenants
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(
        (s.free_tier_count, s.premium_tier_count, s.basic_tier_count),
        (2, 1, 0)
    );
    assert_eq!(s.tenants_by_status["trial"], 1);
    assert_eq!((s.total_users, s.total_branches), (5, 4));
    assert_eq!(
        (
            s.tenants_created_today,
            s.tenants_created_this_week,
            s.tenants_created_this_month
        ),
        (0, 1, 2)
    );
    // Acme's end is exactly now + 7 days: still "soon".
    assert_eq!(
        (s.trials_expiring_soon, s.subscriptions_expiring_soon),
        (1, 1)
    );
}

#[tokio::test]
async fn platform_stats_dashboard() {
    let f = fixture().await;
    let s = f.svc.platform_stats(&operator()).await.unwrap();
    let o = s.overview;
    assert_eq!(
        (
            o.total_tenants,
            o.inactive_tenants,
            o.total_users,
            o.total_branches
        ),
        (2, 1, 4, 4)
    );
    assert_eq!((o.verified_users, o.unverified_users), (1, 3));
    let roles: Vec<_> = s.users_by_role.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        roles,
        [
            ("system_admin", 1),
            ("system_operator", 1),
            ("tenant_owner", 2)
        ]
    );
    assert_eq!(s.tenants_by_tier.len(), 2);
    assert_eq!(
        (
            s.recent_activity.new_tenants_30d,
            s.recent_activity.new_users_30d
        ),
        (2, 3)
    );
    let g = s.growth;
    assert_eq!(
        (
            g.tenants_last_7d,
            g.tenants_prev_7d,
            g.tenant_growth_percentage
        ),
        (1, 1, 0.0)
    );
    assert_eq!(
        (g.users_last_7d, g.users_prev_7d, g.user_growth_percentage),
        (1, 2, -50.0)
    );
}

mod writes {
    use super::NOW;
    use harmony_kernel::UserId;
    use harmony_tenancy::admin::{StatusChange, SubscriptionUpdate, TenantUpdate};
    use harmony_tenancy::testing::tenant;
    use harmony_tenancy::{Limit, SubscriptionStatus};
    use serde_json::json;
    use time::Duration;

    #[test]
    fn status_history_keeps_every_reason() {
        let t = tenant(5, NOW);
        let by = UserId::new();
        let off = StatusChange {
            is_active: false,
            reason: Some("a".to_owned()),
        }
        .apply(&t, by, NOW);
        let on = StatusChange {
            is_active: true,
            reason: None,
        }
        .apply(&off, by, NOW + Duration::hours(1));
        assert!(on.is_active);
        assert_eq!(on.meta_data["status_change_reason"], "a");
        let h = on.meta_data["status_history"].as_array().unwrap();
        assert_eq!(
            (h.len(), &h[0]["reason"], &h[1]["reason"]),
            (2, &json!("a"), &json!(null))
        );
        assert_eq!(on.meta_data["status_changed_at"], "2026-11-25T15:00:00");
    }

    #[test]
    fn subscription_keeps_omitted_dates_and_defaults_limits() {
        let mut t = tenant(5, NOW);
        t.trial_ends_at = Some(NOW);
        let update = SubscriptionUpdate {
            tier: "basic".to_owned(),
            status: Some(SubscriptionStatus::Trial),
            max_users: None,
            max_branches: Some(-1),
            max_storage_gb: None,
            trial_ends_at: None,
            subscription_ends_at: Some(None),
        };
        let catalogue = [Limit::new(9), Limit::new(8), Limit::new(7)];
        let next = update.apply(&t, Some(catalogue), NOW).unwrap();
        assert_eq!(next.trial_ends_at, Some(NOW));
        assert_eq!(
            (next.max_users, next.max_branches),
            (Limit::new(9), Limit::UNLIMITED)
        );
        let bad = SubscriptionUpdate {
            tier: "gold".to_owned(),
            ..update
        };
        assert!(bad.apply(&t, None, NOW).is_err());
    }

    #[test]
    fn update_rejects_short_names_and_ignores_status_keys() {
        let t = tenant(5, NOW);
        let short = TenantUpdate {
            name: Some("x".to_owned()),
            ..TenantUpdate::default()
        };
        assert!(short.apply(&t, NOW).is_err());
        let meta = json!({"status_history": [], "k": 1});
        let update = TenantUpdate {
            meta_data: meta.as_object().cloned(),
            domain: Some(Some(" Acme.Example ".to_owned())),
            ..TenantUpdate::default()
        };
        let next = update.apply(&t, NOW).unwrap();
        assert_eq!(next.meta_data, json!({"k": 1}));
        assert_eq!(next.domain.as_deref(), Some("acme.example"));
    }
}
