//! `/api/v1/tenant-settings` access rules: system users, deactivated
//! tenants, members on writes, anonymous callers, and tenant isolation.

use reqwest::Method;
use serde_json::{Value, json};

use super::{at, get_ok};
use crate::branches::sql;
use crate::expect::{expect_detail, expect_status};
use crate::spawn::spawn_app;

/// Every endpoint shipped, with a valid body for the writes.
fn endpoints() -> Vec<(Method, String, Option<Value>)> {
    let mut all: Vec<(Method, String, Option<Value>)> = [
        "",
        "/subscription",
        "/usage",
        "/tiers",
        "/format",
        "/limits/users",
        "/limits/branches",
        "/features/api_access",
    ]
    .into_iter()
    .map(|p| (Method::GET, at(p), None))
    .collect();
    all.push((Method::POST, at("/subscription/cancel-scheduled"), None));
    all.push((
        Method::PUT,
        at("/settings"),
        Some(json!({"name": "Hacked"})),
    ));
    all.push((
        Method::PUT,
        at("/format"),
        Some(json!({"currency_code": "USD"})),
    ));
    all
}

#[tokio::test]
async fn system_users_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    app.register_owner().await;
    let root = app.system_admin().await;
    let tenant_only = "Tenant access required. System users should use admin endpoints.";
    for (m, p, body) in endpoints() {
        let res = app
            .request(m.clone(), &p, Some(&root.access), body.as_ref())
            .await;
        expect_detail(res, 403, tenant_only).await;
        let res = app.request(m, &p, None, body.as_ref()).await;
        expect_detail(res, 403, "Not authenticated").await;
    }
}

#[tokio::test]
async fn deactivated_tenants_are_locked_out() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    sql(
        &app,
        "UPDATE tenants SET is_active = false, scheduled_tier_code = 'basic'",
    )
    .await;
    for (m, p, body) in endpoints() {
        let res = app.request(m, &p, Some(&owner.access), body.as_ref()).await;
        expect_detail(res, 403, "Tenant is inactive").await;
    }
}

#[tokio::test]
async fn members_read_but_cannot_edit_settings() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let before = get_ok(&app, &owner.access, "").await;
    let denied = "Permission 'tenant.settings.edit' required";
    for (m, p, body) in endpoints() {
        let res = app
            .request(m.clone(), &p, Some(&member.access), body.as_ref())
            .await;
        if m == Method::PUT {
            expect_detail(res, 403, denied).await;
        } else if m == Method::GET {
            expect_status(res, 200).await;
        } else {
            expect_detail(res, 403, "Tenant admin access required").await;
        }
    }
    assert_eq!(
        get_ok(&app, &owner.access, "").await,
        before,
        "refusals write nothing"
    );
    let body = json!({"name": "By Admin"});
    let res = app.put_json(&at("/settings"), &admin.access, &body).await;
    assert_eq!(expect_status(res, 200).await["name"], "By Admin");
}

#[tokio::test]
async fn tenant_b_never_sees_or_changes_tenant_a() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    let body =
        json!({"name": "Secret A", "logo_url": "https://a/logo.png", "settings": {"k": "a"}});
    expect_status(app.put_json(&at("/settings"), &a.access, &body).await, 200).await;
    let fmt = json!({"currency_code": "EUR"});
    expect_status(app.put_json(&at("/format"), &a.access, &fmt).await, 200).await;
    sql(&app, "UPDATE tenants SET storage_used_bytes = 1073741824, scheduled_tier_code = 'basic' WHERE subdomain = 'acme'").await;

    let t = get_ok(&app, &b.access, "").await;
    assert_eq!(
        (t["id"].clone(), t["subdomain"].as_str()),
        (b.user["tenant_id"].clone(), Some("globex"))
    );
    assert_eq!(
        (t["logo_url"].clone(), t["settings"].clone()),
        (Value::Null, json!({}))
    );
    assert_ne!(t["name"], "Secret A");
    assert_eq!(
        get_ok(&app, &b.access, "/format").await["currency_code"],
        "IDR"
    );
    let u = get_ok(&app, &b.access, "/usage").await;
    assert_eq!(
        (u["users_current"].as_i64(), u["storage_used_gb"].as_f64()),
        (Some(1), Some(0.0))
    );
    assert_eq!(
        get_ok(&app, &b.access, "/subscription").await["scheduled_change"],
        Value::Null
    );
    let cancel = at("/subscription/cancel-scheduled");
    let none = "No scheduled tier change to cancel";
    expect_detail(
        app.post_json_as(&cancel, &b.access, &json!({})).await,
        400,
        none,
    )
    .await;
    expect_status(
        app.put_json(&at("/settings"), &b.access, &json!({"name": "Globex 2"}))
            .await,
        200,
    )
    .await;

    let t = get_ok(&app, &a.access, "").await;
    assert_eq!(
        (t["name"].as_str(), t["settings"]["k"].as_str()),
        (Some("Secret A"), Some("a"))
    );
    assert_eq!(
        get_ok(&app, &a.access, "/subscription").await["scheduled_change"]["tier_code"],
        "basic"
    );
}
