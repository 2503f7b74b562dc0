//! Impersonation (roadmap P2-3): who may start it, what the token is and
//! may do, and how it ends.

use base64::Engine as _;
use harmony_kernel::SystemRole;
use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{NEW_PASSWORD, PASSWORD, Session, TestApp, spawn_app};

const START: &str = "/api/v1/admin/impersonation";
const END: &str = "/api/v1/auth/impersonation/end";

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("jwt payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

async fn start(app: &TestApp, admin: &Session, user: &Session) -> Value {
    let body = json!({"user_id": user.id(), "reason": "Ticket #42: cannot see branch list"});
    expect_status(app.post_json_as(START, &admin.access, &body).await, 201).await
}

#[tokio::test]
async fn an_admin_acts_as_a_tenant_user_with_an_act_claim_and_no_refresh() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let admin = app.system_admin().await;
    let started = start(&app, &admin, &member).await;
    assert_eq!(started["token_type"], "bearer");
    assert_eq!(started["expires_in"], 900);
    assert_eq!(started["user_id"], member.id());
    assert_eq!(started["actor_id"], admin.id());
    assert!(started.get("refresh_token").is_none(), "{started}");
    let token = started["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["act"]["sub"], admin.id());
    assert_eq!(c["sub"], member.id());
    assert!(claims(&member.access).get("act").is_none());

    let me = expect_status(app.get("/api/v1/auth/me", token).await, 200).await;
    assert_eq!(me["id"], member.id());
    expect_status(app.get("/api/v1/branches", token).await, 200).await;
    // nothing to refresh with: the access token is refused at /auth/refresh
    let res = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": token}))
        .await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
}

#[tokio::test]
async fn the_token_cannot_take_the_account_over() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    let started = start(&app, &admin, &owner).await;
    let token = started["access_token"].as_str().unwrap();
    let refused = [
        (
            Method::POST,
            format!("/api/v1/users/{}/change-password", owner.id()),
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        ),
        (
            Method::DELETE,
            "/api/v1/tenant-settings/account".to_owned(),
            json!({"confirmation_phrase": "DELETE MY ACCOUNT", "password": PASSWORD}),
        ),
        (
            Method::POST,
            "/api/v1/users/transfer-ownership".to_owned(),
            json!({"new_owner_id": owner.id(), "password": PASSWORD}),
        ),
    ];
    for (method, path, body) in refused {
        let res = app.request(method, &path, Some(token), Some(&body)).await;
        let body = expect_detail(res, 403, "Not allowed while impersonating a user").await;
        assert_eq!(body["code"], "impersonation_forbidden", "{path}");
    }
    // the owner's own password still works
    app.login_ok(&owner.email(), PASSWORD).await;
}

#[tokio::test]
async fn ending_revokes_the_token_and_ordinary_tokens_cannot_end() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    let res = app.post_json_as(END, &owner.access, &json!({})).await;
    expect_detail(res, 400, "This session is not an impersonation").await;
    let started = start(&app, &admin, &owner).await;
    let token = started["access_token"].as_str().unwrap();
    let body = expect_status(app.post_json_as(END, token, &json!({})).await, 200).await;
    assert_eq!(body["message"], "Impersonation ended");
    let res = app.get("/api/v1/auth/me", token).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    // the owner's own session is untouched
    expect_status(app.get("/api/v1/auth/me", &owner.access).await, 200).await;
}

#[tokio::test]
async fn only_system_admins_start_and_only_active_tenant_users_are_targets() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let admin = app.system_admin().await;
    let operator = app.system_user(SystemRole::Operator).await;
    let body = json!({"user_id": member.id(), "reason": "support"});
    for token in [&operator.access, &owner.access] {
        expect_status(app.post_json_as(START, token, &body).await, 403).await;
    }
    let unknown = json!({"user_id": uuid::Uuid::new_v4(), "reason": "support"});
    let res = app.post_json_as(START, &admin.access, &unknown).await;
    expect_detail(res, 404, "User not found").await;
    let system = json!({"user_id": operator.id(), "reason": "support"});
    let res = app.post_json_as(START, &admin.access, &system).await;
    expect_detail(
        res,
        409,
        "Only active users of active tenants can be impersonated",
    )
    .await;

    let res = app.post_json_as(START, &admin.access, &json!({})).await;
    expect_validation(
        res,
        &[
            ("body -> user_id", "missing"),
            ("body -> reason", "missing"),
        ],
    )
    .await;
    let short = json!({"user_id": member.id(), "reason": " a "});
    let res = app.post_json_as(START, &admin.access, &short).await;
    expect_validation(res, &[("body -> reason", "value_error")]).await;
    let long = json!({"user_id": member.id(), "reason": "support", "duration_minutes": 61});
    let res = app.post_json_as(START, &admin.access, &long).await;
    expect_validation(res, &[("body -> duration_minutes", "value_error")]).await;

    // an impersonation token cannot start another one
    let started = start(&app, &admin, &member).await;
    let token = started["access_token"].as_str().unwrap();
    expect_status(app.post_json_as(START, token, &body).await, 403).await;

    // a deactivated tenant's users are no targets, and live tokens stop
    let path = format!(
        "/api/v1/admin/tenants/{}/status",
        owner.user["tenant_id"].as_str().unwrap()
    );
    let off = json!({"is_active": false, "reason": "unpaid invoices"});
    let res = app
        .request(Method::PATCH, &path, Some(&admin.access), Some(&off))
        .await;
    expect_status(res, 200).await;
    let res = app.post_json_as(START, &admin.access, &body).await;
    expect_detail(
        res,
        409,
        "Only active users of active tenants can be impersonated",
    )
    .await;
    let res = app.get("/api/v1/branches", token).await;
    expect_detail(res, 403, "Tenant is inactive").await;
}
