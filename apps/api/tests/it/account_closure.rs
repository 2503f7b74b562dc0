//! `DELETE /api/v1/tenant-settings/account` (§3.4 #12, §10.3, defect 37):
//! owner-only closure that hard-deletes the tenant and everything of it in
//! one transaction.

use reqwest::{Method, Response};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{OWNER_EMAIL, PASSWORD, TestApp, spawn_app};

const ACCOUNT: &str = "/api/v1/tenant-settings/account";
const PHRASE: &str = "DELETE MY ACCOUNT";

async fn close(app: &TestApp, token: &str, body: &Value) -> Response {
    app.request(Method::DELETE, ACCOUNT, Some(token), Some(body))
        .await
}

fn body(phrase: &str, password: &str) -> Value {
    json!({"confirmation_phrase": phrase, "password": password})
}

fn email_of(user: &Value) -> String {
    user["email"].as_str().expect("email").to_owned()
}

#[tokio::test]
async fn owner_closes_the_account_and_everything_of_the_tenant_goes() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let member = app.create_user_session(&owner.access, "member").await;
    let other = app.register_other_owner().await;

    let res = close(&app, &owner.access, &body(PHRASE, PASSWORD)).await;
    let closed = expect_status(res, 200).await;
    assert_eq!(
        closed,
        json!({"message": "Account closed successfully", "tenant_name": closed["tenant_name"],
            "deleted_at": "now"})
    );
    assert!(
        closed["tenant_name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );

    for s in [&owner, &admin, &member] {
        expect_status(app.get("/api/v1/auth/me", &s.access).await, 401).await;
        let refresh = json!({"refresh_token": s.refresh});
        let res = app.post_json("/api/v1/auth/refresh", &refresh).await;
        expect_status(res, 401).await;
        expect_status(app.login(&s.email(), PASSWORD).await, 401).await;
    }

    // the subdomain and every e-mail are free again
    let again = app.register_owner().await;
    assert_eq!(again.email(), OWNER_EMAIL);
    let res = app.get("/api/v1/tenant-settings", &again.access).await;
    assert_eq!(expect_status(res, 200).await["subdomain"], "acme");
    app.register(&member.email(), "Member Again", None).await;
    app.register(&admin.email(), "Admin Again", None).await;

    // the removal of the tenant's stored objects is queued with the closure
    let queued = app
        .runtime
        .sql
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            app.runtime.sql.connection().get_database_backend(),
            "SELECT COUNT(*) AS n FROM outbox WHERE topic = 'tenant.closed'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(queued, 1);

    // another tenant is untouched
    let me = expect_status(app.get("/api/v1/auth/me", &other.access).await, 200).await;
    assert_eq!(me["id"], other.user["id"]);
    let res = app.get("/api/v1/tenant-settings", &other.access).await;
    assert_eq!(expect_status(res, 200).await["subdomain"], "globex");
    app.login_ok(&other.email(), PASSWORD).await;
}

#[tokio::test]
async fn only_the_owner_may_close_the_account() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let member = app.create_user_session(&owner.access, "member").await;
    let system = app.system_admin().await;
    let good = body(PHRASE, PASSWORD);
    for s in [&admin, &member] {
        let res = close(&app, &s.access, &good).await;
        expect_detail(res, 403, "Tenant owner access required").await;
        // the guard answers before the body is looked at
        let res = close(&app, &s.access, &json!({})).await;
        expect_detail(res, 403, "Tenant owner access required").await;
    }
    let res = close(&app, &system.access, &good).await;
    let detail = "Tenant access required. System users should use admin endpoints.";
    expect_detail(res, 403, detail).await;
    let res = app
        .request(Method::DELETE, ACCOUNT, None, Some(&good))
        .await;
    expect_detail(res, 403, "Not authenticated").await;

    expect_status(app.get("/api/v1/auth/me", &owner.access).await, 200).await;
    expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
}

#[tokio::test]
async fn the_phrase_must_match_exactly() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    for phrase in ["delete my account", "DELETE MY ACCOUNT ", "DELETE"] {
        let res = close(&app, &owner.access, &body(phrase, PASSWORD)).await;
        let details =
            expect_validation(res, &[("body -> confirmation_phrase", "value_error")]).await;
        assert_eq!(
            details[0]["message"],
            "Value error, Confirmation phrase must be exactly 'DELETE MY ACCOUNT'"
        );
    }
    let res = close(&app, &owner.access, &json!({})).await;
    let missing = [
        ("body -> confirmation_phrase", "missing"),
        ("body -> password", "missing"),
    ];
    expect_validation(res, &missing).await;
    expect_status(app.get("/api/v1/tenant-settings", &owner.access).await, 200).await;
}

#[tokio::test]
async fn a_wrong_password_deletes_nothing() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = close(&app, &owner.access, &body(PHRASE, "Wr0ngPassword")).await;
    expect_detail(res, 400, "Incorrect password").await;

    let res = app.get("/api/v1/tenant-settings", &owner.access).await;
    assert_eq!(expect_status(res, 200).await["subdomain"], "acme");
    expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
    app.login_ok(&email_of(&member.user), PASSWORD).await;
    app.login_ok(OWNER_EMAIL, PASSWORD).await;
}
