//! The rest of the audit catalogue (api-core §8): e-mailed links,
//! invitations, ownership transfer, subscription changes and the platform's
//! tenant writes — each exactly one record with its resource and details.

use reqwest::Method;
use serde_json::{Value, json};

use crate::audit_catalogue::one_where;
use crate::branches::sql;
use crate::expect::expect_status;
use crate::spawn::{NEW_PASSWORD, OWNER_EMAIL, PASSWORD, Session, TestApp, spawn_app};

/// The one record with `action` in `tenant`'s trail, as a system admin sees it.
async fn one(app: &TestApp, admin: &Session, tenant: &str, action: &str) -> Value {
    one_where(app, admin, action, &format!("&tenant_id={tenant}")).await
}

#[tokio::test]
async fn links_invitations_and_ownership_are_recorded() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    let tenant = owner.user["tenant_id"].as_str().unwrap().to_owned();

    let res = app
        .post_json(
            "/api/v1/auth/forgot-password",
            &json!({"email": OWNER_EMAIL}),
        )
        .await;
    expect_status(res, 200).await;
    let token = app.last_link(OWNER_EMAIL, "reset-password").await;
    let body = json!({"token": token, "new_password": NEW_PASSWORD});
    expect_status(
        app.post_json("/api/v1/auth/reset-password", &body).await,
        200,
    )
    .await;
    let reset = one(&app, &admin, &tenant, "auth.password_reset").await;
    assert_eq!(reset["user_id"], owner.user["id"]);
    assert_eq!(reset["details"], json!({"email": OWNER_EMAIL}));
    one(&app, &admin, &tenant, "auth.password_reset_request").await;
    let owner = app.login_ok(OWNER_EMAIL, NEW_PASSWORD).await;

    sql(&app, "UPDATE users SET is_verified = false").await;
    let path = format!("/api/v1/auth/resend-verification?email={OWNER_EMAIL}");
    expect_status(app.request(Method::POST, &path, None, None).await, 200).await;
    let token = app.last_link(OWNER_EMAIL, "verify-email").await;
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    expect_status(res, 200).await;
    one(&app, &admin, &tenant, "auth.email_verified").await;

    let invite = json!({"email": "ivy@example.com", "tenant_role": "member"});
    let res = app
        .post_json_as("/api/v1/users/invite", &owner.access, &invite)
        .await;
    expect_status(res, 201).await;
    let invited = one(&app, &admin, &tenant, "user.invited").await;
    assert_eq!(invited["details"]["tenant_role"], "member");
    assert_eq!(invited["details"]["invited_by"], OWNER_EMAIL);
    let token = app.last_link("ivy@example.com", "accept-invite").await;
    let accept = json!({"token": token, "password": PASSWORD});
    let res = app.post_json("/api/v1/auth/accept-invite", &accept).await;
    let ivy = expect_status(res, 200).await;
    let accepted = one(&app, &admin, &tenant, "user.updated").await;
    assert_eq!(accepted["details"]["action"], "invitation_accepted");
    assert_eq!(accepted["user_id"], ivy["user"]["id"]);

    let transfer = json!({"new_owner_id": ivy["user"]["id"], "password": NEW_PASSWORD});
    let res = app
        .post_json_as("/api/v1/users/transfer-ownership", &owner.access, &transfer)
        .await;
    expect_status(res, 200).await;
    let moved = one(&app, &admin, &tenant, "user.role_changed").await;
    assert_eq!(moved["resource"], "tenant");
    assert_eq!(moved["details"]["new_owner"], "ivy@example.com");
    assert_eq!(moved["details"]["previous_owner"], OWNER_EMAIL);
}

#[tokio::test]
async fn tenant_writes_are_recorded_in_the_tenants_trail() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let spare = app.register_other_owner().await;
    let admin = app.system_admin().await;
    let tenant = owner.user["tenant_id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/admin/tenants/{tenant}");

    let res = app
        .put_json(&base, &admin.access, &json!({"name": "Acme Two"}))
        .await;
    expect_status(res, 200).await;
    let updated = one(&app, &admin, &tenant, "tenant.updated").await;
    assert_eq!(updated["details"]["updated_fields"], json!(["name"]));
    assert_eq!(updated["details"]["subdomain"], "acme");
    let sub = format!("{base}/subscription");
    let res = app
        .put_json(&sub, &admin.access, &json!({"tier": "basic"}))
        .await;
    expect_status(res, 200).await;
    let changed = one(&app, &admin, &tenant, "tenant.subscription_changed").await;
    assert_eq!(changed["details"]["new_tier"], "basic");
    let on = json!({"is_active": true, "reason": "paid"});
    let path = format!("{base}/status");
    let res = app
        .request(Method::PATCH, &path, Some(&admin.access), Some(&on))
        .await;
    expect_status(res, 200).await;
    assert_eq!(
        one(&app, &admin, &tenant, "tenant.activated").await["details"]["reason"],
        "paid"
    );

    sql(
        &app,
        "UPDATE tenants SET scheduled_tier_code = 'free' WHERE subdomain = 'acme'",
    )
    .await;
    let path = "/api/v1/tenant-settings/subscription/cancel-scheduled";
    expect_status(app.post_json_as(path, &owner.access, &json!({})).await, 200).await;
    let cancelled = one(&app, &admin, &tenant, "upgrade.cancelled").await;
    assert_eq!(cancelled["details"]["cancelled_tier"], "free");

    let spare_id = spare.user["tenant_id"].as_str().unwrap();
    let path = format!("/api/v1/admin/tenants/{spare_id}");
    expect_status(app.delete(&path, &admin.access).await, 204).await;
    let deleted = one(&app, &admin, spare_id, "tenant.deleted").await;
    assert_eq!(deleted["details"]["deletion_type"], "soft_delete");
    // each trail still verifies
    for t in [tenant.as_str(), spare_id] {
        let path = format!("/api/v1/admin/audit-logs/verify?tenant_id={t}");
        let v = expect_status(app.get(&path, &admin.access).await, 200).await;
        assert_eq!(v["valid"], true, "{v}");
    }
}
