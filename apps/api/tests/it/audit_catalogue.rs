//! The audit catalogue (api-core §8) black-box: each action of identity and
//! tenancy writes exactly one record with the right fields, inside the
//! transaction of its change, and never a secret.

use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::expect::{assert_leaks_nothing, expect_status, header};
use crate::spawn::{NEW_PASSWORD, OWNER_EMAIL, PASSWORD, Session, TestApp, spawn_app};

const LOGS: &str = "/api/v1/admin/audit-logs";

/// The records with `action` that `viewer` sees, newest first; `extra` adds
/// query parameters (e.g. `&tenant_id=…` for system users).
pub async fn records_where(
    app: &TestApp,
    viewer: &Session,
    action: &str,
    extra: &str,
) -> Vec<Value> {
    let path = format!("{LOGS}?action={action}&limit=100{extra}");
    let body = expect_status(app.get(&path, &viewer.access).await, 200).await;
    body["logs"].as_array().cloned().unwrap_or_default()
}

/// The one record with `action` that `viewer` sees (see [`records_where`]).
pub async fn one_where(app: &TestApp, viewer: &Session, action: &str, extra: &str) -> Value {
    let found = records_where(app, viewer, action, extra).await;
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    found.into_iter().next().unwrap()
}

async fn records(app: &TestApp, viewer: &Session, action: &str) -> Vec<Value> {
    records_where(app, viewer, action, "").await
}

async fn one(app: &TestApp, viewer: &Session, action: &str) -> Value {
    one_where(app, viewer, action, "").await
}

#[tokio::test]
async fn sign_in_and_out_are_recorded_with_where_they_came_from() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let tenant_id = owner.user["tenant_id"].clone();
    let created = one(&app, &owner, "tenant.created").await;
    assert_eq!(created["user_id"], owner.user["id"]);
    assert_eq!(created["details"]["subdomain"], "acme");
    let user_created = one(&app, &owner, "user.created").await;
    assert_eq!(user_created["details"]["via"], "registration");

    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "catalogue-test/1.0")
        .json(&json!({"email": OWNER_EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let request_id = header(&res, "x-request-id");
    expect_status(res, 200).await;
    let login = one(&app, &owner, "auth.login").await;
    assert_eq!(login["user_id"], owner.user["id"]);
    assert_eq!(login["tenant_id"], tenant_id);
    assert_eq!(login["status"], "success");
    assert_eq!(login["user_agent"], "catalogue-test/1.0");
    assert_eq!(login["ip_address"], "127.0.0.1");
    assert_eq!(login["request_id"], request_id.as_str());
    assert_eq!(login["details"]["tenant_role"], "owner");

    expect_status(app.login(OWNER_EMAIL, "Wrong-Passw0rd").await, 401).await;
    let failed = one(&app, &owner, "auth.login_failed").await;
    assert_eq!(failed["status"], "failure");
    assert_eq!(failed["user_id"], Value::Null);
    assert_eq!(failed["details"]["reason"], "incorrect_password");
    // unknown accounts leave no record (no tenant to file it under)
    expect_status(app.login("nobody@example.com", PASSWORD).await, 401).await;
    assert_eq!(records(&app, &owner, "auth.login_failed").await.len(), 1);

    let other = app.login_ok(OWNER_EMAIL, PASSWORD).await;
    expect_status(
        app.post_json_as("/api/v1/auth/logout", &other.access, &json!({}))
            .await,
        200,
    )
    .await;
    one(&app, &owner, "auth.logout").await;
}

#[tokio::test]
async fn user_and_branch_writes_each_leave_one_record() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    crate::branches::set_max_branches(&app, -1).await;
    let member = app.create_user(&owner.access, "member").await;
    let id = member["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{id}");
    let body = json!({"first_name": "Renamed"});
    expect_status(app.put_json(&path, &owner.access, &body).await, 200).await;
    expect_status(
        app.put_json(&path, &owner.access, &json!({"tenant_role": "admin"}))
            .await,
        200,
    )
    .await;
    let updated = one(&app, &owner, "user.updated").await;
    assert_eq!(updated["resource_id"], id);
    assert_eq!(updated["details"]["updated_fields"], json!(["first_name"]));
    let role = one(&app, &owner, "user.role_changed").await;
    assert_eq!(role["details"]["new_tenant_role"], "admin");
    expect_status(app.delete(&path, &owner.access).await, 204).await;
    assert_eq!(one(&app, &owner, "user.deleted").await["resource_id"], id);
    let created = records(&app, &owner, "user.created").await;
    assert_eq!(
        created.len(),
        2,
        "registration and POST /users: {created:?}"
    );
    assert_eq!(created[0]["resource_id"], id);
    assert_eq!(created[0]["details"]["tenant_role"], "member");

    let branch =
        crate::branches::create(&app, &owner.access, &json!({"name": "North", "code": "N1"})).await;
    let bid = branch["id"].as_str().unwrap();
    let bpath = format!("/api/v1/branches/{bid}");
    expect_status(
        app.put_json(&bpath, &owner.access, &json!({"city": "Oslo"}))
            .await,
        200,
    )
    .await;
    let created = one(&app, &owner, "branch.created").await;
    assert_eq!(created["details"]["code"], "N1");
    let changed = one(&app, &owner, "branch.updated").await;
    assert_eq!(changed["details"]["changes"], json!(["city"]));
    let res = app
        .request(
            Method::POST,
            &format!("{bpath}/set-hq"),
            Some(&owner.access),
            None,
        )
        .await;
    expect_status(res, 200).await;
    let hq = records(&app, &owner, "branch.updated").await;
    assert_eq!(hq.len(), 2);
    assert_eq!(hq[0]["details"]["action"], "set_as_headquarters");
    assert!(hq[0]["details"]["previous_hq"].is_string(), "{}", hq[0]);
}

#[tokio::test]
async fn platform_writes_join_the_tenant_or_platform_trail() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    let tenant = owner.user["tenant_id"].as_str().unwrap().to_owned();
    let status = format!("/api/v1/admin/tenants/{tenant}/status");
    let off = json!({"is_active": false, "reason": "unpaid"});
    let res = app
        .request(Method::PATCH, &status, Some(&admin.access), Some(&off))
        .await;
    expect_status(res, 200).await;
    let rec = one(&app, &owner, "tenant.deactivated").await;
    assert_eq!(rec["user_id"], admin.user["id"]);
    assert_eq!(rec["tenant_id"], tenant.as_str());
    assert_eq!(rec["details"]["reason"], "unpaid");

    let change = json!({"platform_name": "Acme Cloud"});
    let res = app
        .put_json("/api/v1/admin/platform-settings", &admin.access, &change)
        .await;
    expect_status(res, 200).await;
    let settings = one(&app, &admin, "settings.updated").await;
    assert_eq!(settings["tenant_id"], Value::Null);
    assert_eq!(
        settings["details"]["changes"]["platform_name"]["to"],
        "Acme Cloud"
    );
    // the tenant does not see platform records
    assert!(records(&app, &owner, "settings.updated").await.is_empty());
}

#[tokio::test]
async fn impersonated_requests_name_both_people() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    let body = json!({"user_id": owner.id(), "reason": "ticket 9"});
    let res = app
        .post_json_as("/api/v1/admin/impersonation", &admin.access, &body)
        .await;
    let started = expect_status(res, 201).await;
    let token = started["access_token"].as_str().unwrap();
    let rec = one(&app, &owner, "impersonation.started").await;
    assert_eq!(rec["user_id"], admin.user["id"]);
    assert_eq!(rec["details"]["reason"], "ticket 9");
    let res = app
        .put_json(
            "/api/v1/tenant-settings/settings",
            token,
            &json!({"name": "Acme Two"}),
        )
        .await;
    expect_status(res, 200).await;
    let rec = one(&app, &owner, "settings.updated").await;
    assert_eq!(rec["user_id"], owner.user["id"]);
    assert_eq!(rec["impersonator_id"], admin.user["id"]);
    expect_status(
        app.post_json_as("/api/v1/auth/impersonation/end", token, &json!({}))
            .await,
        200,
    )
    .await;
    let ended = one(&app, &owner, "impersonation.ended").await;
    assert_eq!(ended["impersonator_id"], admin.user["id"]);
    let verify = expect_status(app.get(&format!("{LOGS}/verify"), &owner.access).await, 200).await;
    assert_eq!(verify["valid"], true, "{verify}");
}

#[tokio::test]
async fn a_failed_audit_write_undoes_the_change() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user(&owner.access, "member").await;
    crate::branches::set_max_branches(&app, -1).await;
    app.runtime
        .sql
        .connection()
        .execute_unprepared("DROP TABLE audit_chain_heads")
        .await
        .unwrap();
    let path = format!("/api/v1/users/{}", member["id"].as_str().unwrap());
    let res = app
        .put_json(&path, &owner.access, &json!({"first_name": "Lost"}))
        .await;
    assert_eq!(res.status(), 500);
    let stored = expect_status(app.get(&path, &owner.access).await, 200).await;
    assert_eq!(stored["first_name"], member["first_name"]);
    let res = app
        .post_json_as(
            "/api/v1/branches",
            &owner.access,
            &json!({"name": "Lost", "code": "L1"}),
        )
        .await;
    assert_eq!(res.status(), 500);
    let list = expect_status(app.get("/api/v1/branches", &owner.access).await, 200).await;
    assert!(!list.to_string().contains("\"L1\""), "{list}");
}

#[tokio::test]
async fn no_secret_reaches_the_trail() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let change = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    let path = format!("/api/v1/users/{}/change-password", owner.id());
    expect_status(app.post_json_as(&path, &owner.access, &change).await, 200).await;
    let owner = app.login_ok(OWNER_EMAIL, NEW_PASSWORD).await;
    one(&app, &owner, "auth.password_changed").await;
    let res = app
        .post_json(
            "/api/v1/auth/forgot-password",
            &json!({"email": OWNER_EMAIL}),
        )
        .await;
    expect_status(res, 200).await;
    one(&app, &owner, "auth.password_reset_request").await;
    let res = app
        .get(&format!("{LOGS}/export?format=json"), &owner.access)
        .await;
    let all = expect_status(res, 200).await;
    assert_leaks_nothing(
        &all,
        &[
            PASSWORD,
            NEW_PASSWORD,
            &owner.access,
            &owner.refresh,
            "$argon2",
        ],
    );
}
