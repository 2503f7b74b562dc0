//! Cross-tenant probes (STYLE §7.8): tenant B's owner aims every id-taking
//! tenant endpoint at tenant A's users; the answer is the contract's refusal
//! with nothing of A in the body, and A's data is unchanged.

use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{assert_leaks_nothing, expect_detail, expect_status};
use crate::spawn::{PASSWORD, spawn_app};

#[tokio::test]
async fn tenant_b_cannot_reach_tenant_a_users() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    let victim = app.create_user_session(&a.access, "member").await;
    let id = victim.id();
    let secrets = [
        victim.email(),
        a.email(),
        a.user["tenant_id"].as_str().unwrap().to_owned(),
    ];
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();

    let probes: Vec<(Method, String, Option<Value>, u16, &str)> = vec![
        (
            Method::GET,
            format!("/api/v1/users/{id}"),
            None,
            404,
            "User not found",
        ),
        (
            Method::PUT,
            format!("/api/v1/users/{id}"),
            Some(json!({"tenant_role": "admin", "is_active": false})),
            404,
            "User not found",
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/{id}"),
            None,
            404,
            "User not found",
        ),
        // The contract compares the caller first: someone else's id is 403.
        (
            Method::POST,
            format!("/api/v1/users/{id}/change-password"),
            Some(json!({"current_password": PASSWORD, "new_password": "H4ckedPassword"})),
            403,
            "Can only change your own password",
        ),
        (
            Method::POST,
            "/api/v1/users/transfer-ownership".to_owned(),
            Some(json!({"new_owner_id": id, "password": PASSWORD})),
            404,
            "User not found",
        ),
        (
            Method::POST,
            "/api/v1/users/transfer-ownership".to_owned(),
            Some(json!({"new_owner_id": a.id(), "password": PASSWORD})),
            404,
            "User not found",
        ),
    ];
    for (method, path, body, status, detail) in probes {
        let res = app
            .request(method.clone(), &path, Some(&b.access), body.as_ref())
            .await;
        let err = expect_detail(res, status, detail).await;
        assert_leaks_nothing(&err, &secrets);
    }

    // B's listings never show A's users.
    let page = expect_status(
        app.get("/api/v1/users?search=example", &b.access).await,
        200,
    )
    .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_leaks_nothing(&page, &secrets);
    let page = expect_status(
        app.get(
            &format!(
                "/api/v1/users?branch_id={}",
                a.user["default_branch_id"].as_str().unwrap()
            ),
            &b.access,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page["total"], 0);

    // A's member is untouched and still signed in; B is still the owner of B.
    let me = expect_status(app.get("/api/v1/auth/me", &victim.access).await, 200).await;
    assert_eq!(
        (me["tenant_role"].as_str(), me["is_active"].as_bool()),
        (Some("member"), Some(true))
    );
    app.login_ok(&victim.email(), PASSWORD).await;
    let b_me = expect_status(app.get("/api/v1/auth/me", &b.access).await, 200).await;
    assert_eq!(b_me["tenant_role"], "owner");
    let a_me = expect_status(app.get("/api/v1/auth/me", &a.access).await, 200).await;
    assert_eq!(a_me["tenant_role"], "owner");
}

#[tokio::test]
async fn tenant_b_cannot_use_tenant_a_branches() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    let branch = a.user["default_branch_id"].clone();
    let member = app.create_user(&b.access, "member").await;
    let path = format!("/api/v1/users/{}", member["id"].as_str().unwrap());
    let res = app
        .put_json(&path, &b.access, &json!({"default_branch_id": branch}))
        .await;
    expect_detail(res, 400, "Invalid branch").await;
    let body = json!({"email": "inv@example.com", "default_branch_id": branch});
    let res = app
        .post_json_as("/api/v1/users/invite", &b.access, &body)
        .await;
    expect_detail(res, 400, "Invalid branch").await;
}
