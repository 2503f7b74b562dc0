//! `/api/v1/tenant-settings` (§3.4): tenant record, usage and limits with
//! unlimited quotas (defect 33), storage from `storage_used_bytes` and tiers
//! from the catalogue (defect 32), subscription, format settings, the merged
//! settings update (defect 35) and feature flags. Access rules live in
//! `tenant_settings/access.rs`, the writes in `tenant_settings/writes.rs`.

mod access;
mod writes;

use serde_json::{Value, json};

use crate::branches::sql;
use crate::expect::{expect_detail, expect_status};
use crate::spawn::{TestApp, spawn_app};

pub const BASE: &str = "/api/v1/tenant-settings";

pub fn at(path: &str) -> String {
    format!("{BASE}{path}")
}

pub async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    expect_status(app.get(&at(path), token).await, 200).await
}

#[tokio::test]
async fn tenant_record_has_the_tenant_response_shape_with_zero_counts() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let t = get_ok(&app, &owner.access, "").await;
    assert_eq!(t, get_ok(&app, &owner.access, "/").await);
    assert_eq!(t["id"], owner.user["tenant_id"]);
    assert_eq!(t["subdomain"], "acme");
    assert_eq!(
        (t["tier"].as_str(), t["subscription_status"].as_str()),
        (Some("free"), Some("active"))
    );
    assert_eq!(
        (
            t["max_users"].as_i64(),
            t["max_branches"].as_i64(),
            t["max_storage_gb"].as_i64()
        ),
        (Some(5), Some(1), Some(1))
    );
    assert_eq!(
        (t["user_count"].as_i64(), t["branch_count"].as_i64()),
        (Some(0), Some(0))
    );
    for key in [
        "domain",
        "logo_url",
        "trial_ends_at",
        "subscription_ends_at",
        "updated_at",
    ] {
        assert!(t.get(key).is_some(), "{key} missing: {t}");
    }
    assert!(t["features"].is_object() && t["settings"].is_object() && t["meta_data"].is_object());
    assert_eq!(t["is_active"], true);
}

#[tokio::test]
async fn usage_and_limits_count_active_records_and_storage() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    app.create_user(&owner.access, "member").await;
    sql(&app, "UPDATE tenants SET storage_used_bytes = 536870912").await;
    let u = get_ok(&app, &owner.access, "/usage").await;
    assert_eq!(u["tenant_id"], owner.user["tenant_id"]);
    assert_eq!(
        (
            u["tier"].as_str(),
            u["next_tier"].as_str(),
            u["can_upgrade"].as_bool()
        ),
        (Some("free"), Some("basic"), Some(true))
    );
    assert_eq!(
        (
            u["users_current"].as_i64(),
            u["users_limit"].as_i64(),
            u["users_available"].as_i64()
        ),
        (Some(2), Some(5), Some(3))
    );
    assert_eq!(u["users_percent"].as_f64(), Some(40.0));
    assert_eq!(
        (
            u["branches_current"].as_i64(),
            u["branches_available"].as_i64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(u["branches_percent"].as_f64(), Some(100.0));
    assert_eq!(
        (
            u["is_user_limit_reached"].as_bool(),
            u["is_branch_limit_reached"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(
        u["storage_used_gb"].as_f64(),
        Some(0.5),
        "defect 32: no 0 stub"
    );
    assert_eq!(
        (
            u["storage_limit_gb"].as_i64(),
            u["storage_available_gb"].as_f64()
        ),
        (Some(1), Some(0.5))
    );
    assert_eq!(
        (
            u["storage_percent"].as_f64(),
            u["is_storage_limit_reached"].as_bool()
        ),
        (Some(50.0), Some(false))
    );

    let users = get_ok(&app, &owner.access, "/limits/users").await;
    assert_eq!(
        users,
        json!({"can_add": true, "current_count": 2, "limit": 5, "available": 3, "percentage": 40.0})
    );
    let branches = get_ok(&app, &owner.access, "/limits/branches").await;
    assert_eq!(
        branches,
        json!({"can_add": false, "current_count": 1, "limit": 1, "available": 0, "percentage": 100.0})
    );
}

#[tokio::test]
async fn unlimited_quotas_are_never_reached() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    sql(&app, "UPDATE tenants SET tier = 'enterprise', max_users = -1, max_branches = -1, max_storage_gb = -1, storage_used_bytes = 5368709120").await;
    let u = get_ok(&app, &owner.access, "/usage").await;
    for k in ["users", "branches"] {
        assert_eq!(u[format!("{k}_available")], -1, "{u}");
        assert_eq!(u[format!("{k}_percent")].as_f64(), Some(0.0), "{u}");
    }
    assert_eq!(
        (
            u["is_user_limit_reached"].as_bool(),
            u["is_branch_limit_reached"].as_bool(),
            u["is_storage_limit_reached"].as_bool()
        ),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(
        (
            u["storage_used_gb"].as_f64(),
            u["storage_available_gb"].as_f64()
        ),
        (Some(5.0), Some(-1.0))
    );
    assert_eq!(
        (u["next_tier"].clone(), u["can_upgrade"].as_bool()),
        (Value::Null, Some(false))
    );
    for p in ["/limits/users", "/limits/branches"] {
        let l = get_ok(&app, &owner.access, p).await;
        assert_eq!(
            (
                l["can_add"].as_bool(),
                l["limit"].as_i64(),
                l["available"].as_i64()
            ),
            (Some(true), Some(-1), Some(-1)),
            "{p}: {l}"
        );
    }
}

#[tokio::test]
async fn tiers_come_from_the_catalogue_and_fall_back_when_it_is_empty() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let body = get_ok(&app, &owner.access, "/tiers").await;
    assert_eq!(body["current_tier"], "free");
    let tiers = body["tiers"].as_array().unwrap();
    let codes: Vec<&str> = tiers.iter().map(|t| t["tier"].as_str().unwrap()).collect();
    assert_eq!(codes, ["free", "basic", "premium", "enterprise"]);
    let counts: Vec<usize> = tiers
        .iter()
        .map(|t| t["features"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [8, 15, 27, 30], "seeded TIER_DEFAULT_FEATURES");
    assert_eq!(tiers[1]["price_monthly"].as_f64(), Some(299_000.0));
    assert_eq!(tiers[1]["price_yearly"].as_f64(), Some(2_990_000.0));
    assert_eq!(
        (
            tiers[3]["max_users"].as_i64(),
            tiers[3]["max_storage_gb"].as_i64()
        ),
        (Some(-1), Some(200))
    );
    let rec: Vec<bool> = tiers
        .iter()
        .map(|t| t["is_recommended"].as_bool().unwrap())
        .collect();
    assert_eq!(rec, [false, false, true, false]);

    sql(
        &app,
        "UPDATE subscription_tiers SET is_public = false WHERE code = 'basic'",
    )
    .await;
    sql(
        &app,
        "UPDATE subscription_tiers SET sort_order = 9 WHERE code = 'free'",
    )
    .await;
    let body = get_ok(&app, &owner.access, "/tiers").await;
    let codes: Vec<&str> = body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tier"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["premium", "enterprise", "free"]);

    sql(&app, "DELETE FROM subscription_tiers").await;
    let tiers = get_ok(&app, &owner.access, "/tiers").await["tiers"].clone();
    assert_eq!(tiers.as_array().unwrap().len(), 4);
    assert_eq!(
        tiers[0]["features"],
        json!(["Basic Dashboard", "User Management", "1 Branch"])
    );
}

#[tokio::test]
async fn subscription_and_cancelling_a_scheduled_change() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let member = app.create_user_session(&owner.access, "member").await;
    let s = get_ok(&app, &member.access, "/subscription").await;
    assert_eq!(
        s,
        json!({"tier_code": "free", "tier_name": "Free", "billing_period": "monthly",
        "subscription_started_at": null, "subscription_ends_at": null, "days_remaining": 0,
        "credit_balance": 0, "scheduled_change": null})
    );
    let cancel = at("/subscription/cancel-scheduled");
    let none = "No scheduled tier change to cancel";
    expect_detail(
        app.post_json_as(&cancel, &owner.access, &json!({})).await,
        400,
        none,
    )
    .await;

    sql(
        &app,
        "UPDATE tenants SET tier = 'premium', scheduled_tier_code = 'basic'",
    )
    .await;
    let s = get_ok(&app, &owner.access, "/subscription").await;
    assert_eq!(s["tier_name"], "Premium");
    assert_eq!(s["scheduled_change"]["tier_code"], "basic");
    assert_eq!(s["scheduled_change"]["tier_name"], "Basic");
    let denied = "Tenant admin access required";
    expect_detail(
        app.post_json_as(&cancel, &member.access, &json!({})).await,
        403,
        denied,
    )
    .await;
    let done = expect_status(
        app.post_json_as(&cancel, &admin.access, &json!({})).await,
        200,
    )
    .await;
    assert_eq!(
        done,
        json!({"message": "Scheduled downgrade cancelled", "tier": "premium"})
    );
    assert_eq!(
        get_ok(&app, &owner.access, "/subscription").await["scheduled_change"],
        Value::Null
    );
    expect_detail(
        app.post_json_as(&cancel, &admin.access, &json!({})).await,
        400,
        none,
    )
    .await;
}

#[tokio::test]
async fn feature_flags_read_the_tenants_features() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    sql(&app, r#"UPDATE tenants SET features = '{"api_access": true, "beta": false, "odd": "yes"}' WHERE subdomain = 'acme'"#).await;
    for (name, enabled) in [
        ("api_access", true),
        ("beta", false),
        ("odd", false),
        ("missing", false),
    ] {
        let f = get_ok(&app, &a.access, &format!("/features/{name}")).await;
        assert_eq!(f, json!({"feature_name": name, "enabled": enabled}));
    }
    let f = get_ok(&app, &b.access, "/features/api_access").await;
    assert_eq!(f["enabled"], false, "tenant B never sees A's flags");
}
