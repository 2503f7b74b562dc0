//! The statistics views: `/admin/tenants/{id}/stats` (defects 29 and 32),
//! `/admin/tenants/stats` and `/admin/stats`, on a known data set.

use harmony_adapters_sql::entity::tenants;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::{get, set_time, world};
use crate::branches::sql;
use crate::expect::expect_status;

#[tokio::test]
async fn tenant_stats_compute_expiry_and_storage() {
    let w = world().await;
    let (app, t) = (&w.app, &w.root.access);
    let path = format!("/{}/stats", w.acme);
    let stats = get(app, t, &path).await;
    assert_eq!(stats.as_object().unwrap().len(), 20, "{stats}");
    assert_eq!(
        (&stats["days_until_expiry"], &stats["is_expired"]),
        (&Value::Null, &json!(false))
    );
    assert_eq!(
        (&stats["user_count"], &stats["users_usage_percent"]),
        (&json!(3), &json!(60.0))
    );
    assert_eq!(
        (&stats["branch_count"], &stats["branches_usage_percent"]),
        (&json!(2), &json!(40.0))
    );
    assert_eq!(
        (&stats["storage_used_gb"], &stats["is_trial"]),
        (&json!(0.0), &json!(false))
    );
    assert_eq!(
        stats["last_activity_at"],
        Value::Null,
        "nobody signed in yet"
    );
    app.login_ok("ada@example.com", crate::spawn::PASSWORD)
        .await;
    sql(
        app,
        "UPDATE users SET is_active = false WHERE tenant_role = 'owner'",
    )
    .await;
    let stats = get(app, t, &path).await;
    assert!(
        stats["last_activity_at"].is_string(),
        "any status counts: {stats}"
    );
    assert_eq!(stats["user_count"], 2);

    // Defect 29: a set subscription end is computed, not a 500.
    let now = OffsetDateTime::now_utc();
    set_time(
        app,
        "acme",
        tenants::Column::SubscriptionEndsAt,
        now + Duration::hours(10 * 24 + 1),
    )
    .await;
    sql(app, "UPDATE tenants SET storage_used_bytes = 536870912, subscription_status = 'trial', max_users = -1").await;
    let stats = get(app, t, &path).await;
    assert_eq!(
        (&stats["days_until_expiry"], &stats["is_expired"]),
        (&json!(10), &json!(false))
    );
    // Defect 32: storage comes from storage_used_bytes.
    assert_eq!(
        (&stats["storage_used_gb"], &stats["storage_usage_percent"]),
        (&json!(0.5), &json!(50.0))
    );
    assert_eq!(
        (&stats["users_usage_percent"], &stats["is_trial"]),
        (&json!(0.0), &json!(true))
    );
    set_time(
        app,
        "acme",
        tenants::Column::SubscriptionEndsAt,
        now - Duration::hours(12),
    )
    .await;
    let stats = get(app, t, &path).await;
    assert_eq!(
        (&stats["days_until_expiry"], &stats["is_expired"]),
        (&json!(-1), &json!(true))
    );
}

#[tokio::test]
async fn system_stats_count_a_known_data_set() {
    let w = world().await;
    let (app, t) = (&w.app, &w.operator.access);
    app.register("bob@example.net", "Bob Smith", Some("initech"))
        .await;
    let now = OffsetDateTime::now_utc();
    sql(app, "UPDATE tenants SET tier = 'premium', subscription_status = 'trial' WHERE subdomain = 'globex'").await;
    sql(app, "UPDATE tenants SET is_active = false, subscription_status = 'suspended' WHERE subdomain = 'initech'").await;
    set_time(
        app,
        "globex",
        tenants::Column::TrialEndsAt,
        now + Duration::days(3),
    )
    .await;
    set_time(
        app,
        "acme",
        tenants::Column::SubscriptionEndsAt,
        now + Duration::days(2),
    )
    .await;
    set_time(
        app,
        "initech",
        tenants::Column::SubscriptionEndsAt,
        now + Duration::days(9),
    )
    .await;
    sql(
        app,
        "UPDATE users SET is_active = false WHERE tenant_role = 'member'",
    )
    .await;
    let stats = get(app, t, "/stats").await;
    let expected = json!({
        "total_tenants": 3, "active_tenants": 2, "inactive_tenants": 1, "trial_tenants": 1,
        "free_tier_count": 2, "basic_tier_count": 0, "premium_tier_count": 1,
        "enterprise_tier_count": 0,
        "tenants_by_tier": {"free": 2, "basic": 0, "premium": 1, "enterprise": 0},
        "tenants_by_status": {"active": 1, "trial": 1, "expired": 0, "cancelled": 0, "suspended": 1},
        "total_users": 7, "total_branches": 4,
        "tenants_created_today": 3, "tenants_created_this_week": 3,
        "tenants_created_this_month": 3,
        "trials_expiring_soon": 1, "subscriptions_expiring_soon": 1,
    });
    assert_eq!(stats, expected);
}

#[tokio::test]
async fn platform_stats_dashboard() {
    let w = world().await;
    let (app, t) = (&w.app, &w.operator.access);
    app.register("bob@example.net", "Bob Smith", Some("initech"))
        .await;
    sql(
        app,
        "UPDATE tenants SET tier = 'premium' WHERE subdomain = 'globex'",
    )
    .await;
    sql(
        app,
        "UPDATE tenants SET is_active = false WHERE subdomain = 'initech'",
    )
    .await;
    sql(
        app,
        "UPDATE users SET is_active = false WHERE tenant_role = 'member'",
    )
    .await;
    let ten_days_ago = OffsetDateTime::now_utc() - Duration::days(10);
    set_time(app, "globex", tenants::Column::CreatedAt, ten_days_ago).await;
    let listed = expect_status(app.get("/api/v1/admin/users", t).await, 200).await;
    let verified = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["is_verified"] == true)
        .count();
    let stats = expect_status(app.get("/api/v1/admin/stats", t).await, 200).await;
    assert_eq!(
        stats["overview"],
        json!({"total_tenants": 2, "total_users": 6, "total_branches": 4,
               "verified_users": verified, "unverified_users": 6 - verified, "inactive_tenants": 1})
    );
    assert_eq!(
        stats["users_by_role"],
        json!({"system_admin": 1, "system_operator": 1, "tenant_owner": 3, "tenant_admin": 1})
    );
    assert_eq!(stats["tenants_by_tier"], json!({"free": 1, "premium": 1}));
    let trail = expect_status(app.get("/api/v1/admin/audit-logs/statistics", t).await, 200).await;
    let logins = trail["successful_logins_24h"].as_u64().unwrap();
    assert!(logins >= 2, "the system users signed in: {trail}");
    assert_eq!(
        stats["recent_activity"],
        json!({"new_tenants_30d": 3, "new_users_30d": 6, "logins_24h": logins,
               "total_actions_24h": trail["logs_24h"]})
    );
    assert_eq!(
        stats["growth"],
        json!({"tenants_last_7d": 2, "tenants_prev_7d": 1, "tenant_growth_percentage": 100.0,
               "users_last_7d": 6, "users_prev_7d": 0, "user_growth_percentage": 0.0})
    );
}
