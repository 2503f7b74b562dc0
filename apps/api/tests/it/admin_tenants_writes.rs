//! The write side of `/admin/tenants` (§3.5 #8–#10, #12, #13): system admins
//! only, status history (defect 34), kept subscription dates (defect 34),
//! duplicate domains as 409 and delete distinct from deactivation (defect 43).

use reqwest::Method;
use serde_json::{Value, json};

use crate::admin_tenants::{ADMIN, World, get, world};
use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{OWNER_EMAIL, PASSWORD};
use crate::tenant_settings::BASE;

async fn patch(w: &World, token: &str, id: &str, body: &Value) -> reqwest::Response {
    let path = format!("{ADMIN}/{id}/status");
    w.app
        .request(Method::PATCH, &path, Some(token), Some(body))
        .await
}

async fn put(w: &World, token: &str, path: &str, body: &Value) -> reqwest::Response {
    w.app.put_json(&format!("{ADMIN}{path}"), token, body).await
}

#[tokio::test]
async fn writes_need_a_system_admin_and_an_existing_tenant() {
    let w = world().await;
    let member = w.app.create_user_session(&w.owner.access, "admin").await;
    let acme = format!("/{}", w.acme);
    let writes: [(Method, String, Value, &str); 5] = [
        (
            Method::PATCH,
            format!("{acme}/status"),
            json!({"is_active": true}),
            "update",
        ),
        (
            Method::PUT,
            format!("{acme}/features"),
            json!({"features": {}}),
            "update",
        ),
        (
            Method::PUT,
            format!("{acme}/subscription"),
            json!({"tier": "free"}),
            "update",
        ),
        (Method::PUT, acme.clone(), json!({}), "update"),
        (Method::DELETE, acme.clone(), json!({}), "delete"),
    ];
    let missing = "00000000-0000-4000-8000-000000000000";
    for (m, path, body, perm) in writes {
        let path = format!("{ADMIN}{path}");
        let app = &w.app;
        let call = |t: String, p: String| {
            let (m, body) = (m.clone(), body.clone());
            async move { app.request(m, &p, Some(&t), Some(&body)).await }
        };
        let denied = format!("Permission 'system.tenants.{perm}' required");
        expect_detail(
            call(w.operator.access.clone(), path.clone()).await,
            403,
            &denied,
        )
        .await;
        for t in [&w.owner.access, &member.access] {
            let res = call(t.clone(), path.clone()).await;
            expect_detail(res, 403, "System access required").await;
        }
        let unknown = path.replace(&w.acme, missing);
        let msg = format!("Tenant with ID {missing} not found");
        expect_detail(call(w.root.access.clone(), unknown).await, 404, &msg).await;
        let bad = path.replace(&w.acme, "nope");
        expect_status(call(w.root.access.clone(), bad).await, 422).await;
    }
}

#[tokio::test]
async fn status_keeps_a_history_and_locks_the_tenant_out_until_reactivated() {
    let w = world().await;
    let root = &w.root.access;
    expect_validation(
        patch(&w, root, &w.acme, &json!({"reason": "x"})).await,
        &[("body -> is_active", "missing")],
    )
    .await;
    let body = json!({"is_active": false, "reason": "unpaid invoice"});
    let off = expect_status(patch(&w, root, &w.acme, &body).await, 200).await;
    assert_eq!(
        (&off["is_active"], &off["user_count"]),
        (&json!(false), &json!(0))
    );
    assert_eq!(off["meta_data"]["status_change_reason"], "unpaid invoice");
    let res = w.app.get(BASE, &w.owner.access).await;
    expect_detail(res, 403, "Tenant is inactive").await;
    let res = w.app.login(OWNER_EMAIL, PASSWORD).await;
    expect_detail(res, 403, "Tenant is inactive").await;

    let body = json!({"is_active": true, "reason": "paid"});
    let on = expect_status(patch(&w, root, &w.acme, &body).await, 200).await;
    assert_eq!(on["is_active"], true);
    let meta = &get(&w.app, root, format!("/{}", w.acme)).await["meta_data"];
    assert_eq!(meta["status_change_reason"], "paid");
    assert!(
        meta["status_changed_at"]
            .as_str()
            .is_some_and(|s| !s.ends_with('Z'))
    );
    let history = meta["status_history"].as_array().unwrap();
    let reasons: Vec<&Value> = history.iter().map(|h| &h["reason"]).collect();
    assert_eq!(reasons, [&json!("unpaid invoice"), &json!("paid")]);
    assert_eq!(history[0]["is_active"], false);
    assert_eq!(history[1]["changed_by"], json!(w.root.id()));
    let owner = w.app.login_ok(OWNER_EMAIL, PASSWORD).await;
    expect_status(w.app.get(BASE, &owner.access).await, 200).await;
}

#[tokio::test]
async fn features_are_replaced_and_must_be_booleans() {
    let w = world().await;
    let (root, path) = (&w.root.access, format!("/{}/features", w.acme));
    let body = json!({"features": {"api": true, "sso": false}});
    let t = expect_status(put(&w, root, &path, &body).await, 200).await;
    assert_eq!(t["features"], json!({"api": true, "sso": false}));
    let t = expect_status(
        put(&w, root, &path, &json!({"features": {"x": true}})).await,
        200,
    )
    .await;
    assert_eq!(t["features"], json!({"x": true}));
    expect_validation(
        put(&w, root, &path, &json!({})).await,
        &[("body -> features", "missing")],
    )
    .await;
    expect_validation(
        put(&w, root, &path, &json!({"features": {"x": "yes"}})).await,
        &[("body -> features.x", "bool_type")],
    )
    .await;
}

#[tokio::test]
async fn subscription_applies_tier_limits_and_keeps_omitted_dates() {
    let w = world().await;
    let (root, path) = (&w.root.access, format!("/{}/subscription", w.acme));
    let body = json!({"tier": "premium", "subscription_status": "trial", "max_users": 42,
        "trial_ends_at": "2030-01-02T03:04:05Z", "subscription_ends_at": "2030-06-01T00:00:00"});
    let t = expect_status(put(&w, root, &path, &body).await, 200).await;
    assert_eq!(
        (&t["tier"], &t["subscription_status"]),
        (&json!("premium"), &json!("trial"))
    );
    assert_eq!(t["max_users"], 42);
    assert_eq!(t["trial_ends_at"], "2030-01-02T03:04:05Z");
    assert_eq!(t["subscription_ends_at"], "2030-06-01T00:00:00Z");

    let t = expect_status(put(&w, root, &path, &json!({"tier": "basic"})).await, 200).await;
    assert_eq!(
        (&t["tier"], &t["subscription_status"]),
        (&json!("basic"), &json!("trial"))
    );
    assert_ne!(t["max_users"], 42, "limits fall back to the tier's");
    assert_eq!(
        t["trial_ends_at"], "2030-01-02T03:04:05Z",
        "omitted dates are kept"
    );
    assert_eq!(t["subscription_ends_at"], "2030-06-01T00:00:00Z");
    let body = json!({"tier": "basic", "trial_ends_at": null});
    let t = expect_status(put(&w, root, &path, &body).await, 200).await;
    assert_eq!(t["trial_ends_at"], Value::Null, "explicit null clears");

    for (body, field, kind) in [
        (json!({}), "tier", "missing"),
        (json!({"tier": "gold"}), "tier", "value_error"),
        (
            json!({"tier": "free", "subscription_status": "paused"}),
            "subscription_status",
            "value_error",
        ),
        (
            json!({"tier": "free", "max_users": -2}),
            "max_users",
            "greater_than_equal",
        ),
        (
            json!({"tier": "free", "trial_ends_at": "soon"}),
            "trial_ends_at",
            "datetime_parsing",
        ),
    ] {
        let field = format!("body -> {field}");
        expect_validation(put(&w, root, &path, &body).await, &[(field.as_str(), kind)]).await;
    }
}

#[tokio::test]
async fn update_applies_present_keys_and_refuses_a_taken_domain() {
    let w = world().await;
    let root = &w.root.access;
    let (acme, globex) = (format!("/{}", w.acme), format!("/{}", w.globex));
    let body = json!({"name": "Acme Ltd", "domain": "acme.example", "settings": {"lang": "id"},
        "meta_data": {"crm": 7, "status_history": []}});
    let t = expect_status(put(&w, root, &acme, &body).await, 200).await;
    assert_eq!(
        (&t["name"], &t["domain"]),
        (&json!("Acme Ltd"), &json!("acme.example"))
    );
    assert_eq!(t["settings"]["lang"], "id");
    assert_eq!(
        t["meta_data"],
        json!({"crm": 7}),
        "status keys are not writable"
    );
    let t = expect_status(
        put(&w, root, &acme, &json!({"logo_url": "https://l/x.png"})).await,
        200,
    )
    .await;
    assert_eq!(
        (&t["name"], &t["logo_url"]),
        (&json!("Acme Ltd"), &json!("https://l/x.png"))
    );

    let res = put(&w, root, &globex, &json!({"domain": "acme.example"})).await;
    expect_detail(res, 409, "Domain 'acme.example' already in use").await;
    expect_validation(
        put(&w, root, &acme, &json!({"name": null})).await,
        &[("body -> name", "string_type")],
    )
    .await;
    expect_validation(
        put(&w, root, &acme, &json!({"name": "A"})).await,
        &[("body -> name", "string_too_short")],
    )
    .await;
    let long = "d".repeat(256);
    expect_validation(
        put(&w, root, &acme, &json!({"domain": long})).await,
        &[("body -> domain", "string_too_long")],
    )
    .await;
    let t = expect_status(put(&w, root, &acme, &json!({"domain": null})).await, 200).await;
    assert_eq!(t["domain"], Value::Null);
}

#[tokio::test]
async fn delete_is_soft_and_unlike_deactivation_cannot_be_revived() {
    let w = world().await;
    let root = &w.root.access;
    let (acme, globex) = (
        format!("{ADMIN}/{}", w.acme),
        format!("{ADMIN}/{}", w.globex),
    );
    expect_status(
        patch(&w, root, &w.globex, &json!({"is_active": false})).await,
        200,
    )
    .await;
    expect_status(w.app.delete(&acme, root).await, 204).await;
    let deleted = get(&w.app, root, format!("/{}", w.acme)).await;
    assert_eq!(deleted["is_active"], false);
    let res = w.app.login(OWNER_EMAIL, PASSWORD).await;
    expect_detail(res, 403, "Tenant is inactive").await;

    let gone = format!("Tenant with ID {} is deleted", w.acme);
    let res = patch(&w, root, &w.acme, &json!({"is_active": true})).await;
    let body = expect_detail(res, 409, &gone).await;
    assert_eq!(body["code"], "tenant_deleted");
    expect_detail(w.app.delete(&acme, root).await, 409, &gone).await;
    let res = put(&w, root, &format!("/{}", w.acme), &json!({"name": "Back"})).await;
    expect_detail(res, 409, &gone).await;
    // The deactivated (not deleted) tenant comes back.
    expect_status(
        patch(&w, root, &w.globex, &json!({"is_active": true})).await,
        200,
    )
    .await;
    assert_eq!(
        expect_status(w.app.get(&globex, root).await, 200).await["is_active"],
        true
    );
}

#[tokio::test]
async fn create_makes_a_tenant_with_hq_and_an_owner_under_the_full_rules() {
    let w = world().await;
    let root = &w.root.access;
    let body = |sub: &str, email: &str, password: &str| {
        json!({"name": "Initech", "subdomain": sub, "tier": "basic", "max_users": 10,
            "admin_email": email, "admin_password": password,
            "admin_first_name": "Bill", "admin_last_name": "Lumbergh"})
    };
    let ok = body("initech", "bill@initech.example", PASSWORD);
    let denied = "Permission 'system.tenants.create' required";
    expect_detail(
        w.app.post_json_as(ADMIN, &w.operator.access, &ok).await,
        403,
        denied,
    )
    .await;
    let res = w.app.post_json_as(ADMIN, &w.owner.access, &ok).await;
    expect_detail(res, 403, "System access required").await;
    for (b, field) in [
        (
            body("initech", "bill@initech.example", "password"),
            "admin_password",
        ),
        (
            body("initech", "bill@initech.example", "alllowercase1"),
            "admin_password",
        ),
        (body("admin", "bill@initech.example", PASSWORD), "subdomain"),
    ] {
        let field = format!("body -> {field}");
        let res = w.app.post_json_as(ADMIN, root, &b).await;
        expect_validation(res, &[(field.as_str(), "value_error")]).await;
    }
    let t = expect_status(w.app.post_json_as(ADMIN, root, &ok).await, 201).await;
    assert_eq!(
        (&t["subdomain"], &t["tier"], &t["max_users"]),
        (&json!("initech"), &json!("basic"), &json!(10))
    );
    assert_eq!(
        (&t["subscription_status"], &t["user_count"]),
        (&json!("active"), &json!(0))
    );
    let detail = get(&w.app, root, format!("/{}", t["id"].as_str().unwrap())).await;
    assert_eq!(
        (&detail["user_count"], &detail["branch_count"]),
        (&json!(1), &json!(1))
    );
    let owner = w.app.login_ok("bill@initech.example", PASSWORD).await;
    assert_eq!(owner.user["tenant_role"], "owner");

    let res = w.app.post_json_as(ADMIN, root, &ok).await;
    expect_detail(res, 409, "Subdomain 'initech' already taken").await;
    let res = w
        .app
        .post_json_as(ADMIN, root, &body("initech2", OWNER_EMAIL, PASSWORD))
        .await;
    expect_detail(res, 409, &format!("Email '{OWNER_EMAIL}' already exists")).await;
}
