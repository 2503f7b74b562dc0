//! `/auth/refresh` (§3.1 #9; defects 1 and 2): rotation, the grace window
//! for parallel refreshes, reuse detection and cross-use of token kinds.

use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{Options, spawn_app, spawn_app_with};

const REFRESH: &str = "/api/v1/auth/refresh";

fn body(token: &str) -> Value {
    json!({"refresh_token": token})
}

fn pair(v: &Value) -> (String, String) {
    (
        v["access_token"].as_str().expect("access").to_owned(),
        v["refresh_token"].as_str().expect("refresh").to_owned(),
    )
}

#[tokio::test]
async fn refresh_rotates_the_pair() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let res = app.post_json(REFRESH, &body(&owner.refresh)).await;
    let fresh = expect_status(res, 200).await;
    let keys: Vec<&String> = fresh.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{fresh}");
    assert_eq!(fresh["token_type"], "bearer");
    let (access, refresh) = pair(&fresh);
    assert_ne!(access, owner.access);
    assert_ne!(refresh, owner.refresh);
    let me = expect_status(app.get("/api/v1/auth/me", &access).await, 200).await;
    assert_eq!(me["id"], owner.user["id"]);
    // The new refresh token rotates again.
    let next = expect_status(app.post_json(REFRESH, &body(&refresh)).await, 200).await;
    assert_ne!(pair(&next).1, refresh);
}

#[tokio::test]
async fn parallel_refreshes_with_one_token_get_the_same_pair() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let b = body(&owner.refresh);
    let (r1, r2) = tokio::join!(app.post_json(REFRESH, &b), app.post_json(REFRESH, &b));
    let (p1, p2) = tokio::join!(expect_status(r1, 200), expect_status(r2, 200));
    assert_eq!(pair(&p1), pair(&p2));
    assert_ne!(pair(&p1).1, owner.refresh);
    expect_status(app.get("/api/v1/auth/me", &pair(&p1).0).await, 200).await;
}

#[tokio::test]
async fn a_repeat_inside_the_grace_window_gets_the_same_successor() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let first = expect_status(app.post_json(REFRESH, &body(&owner.refresh)).await, 200).await;
    let again = expect_status(app.post_json(REFRESH, &body(&owner.refresh)).await, 200).await;
    assert_eq!(pair(&first), pair(&again));
}

#[tokio::test]
async fn reuse_after_the_grace_window_revokes_the_whole_family() {
    let app = spawn_app_with(Options {
        manual_clock: true,
        settings: vec![("auth.refresh_grace_seconds", "1")],
    })
    .await;
    let owner = app.register_owner().await;
    let fresh = expect_status(app.post_json(REFRESH, &body(&owner.refresh)).await, 200).await;
    let (access, successor) = pair(&fresh);
    app.advance(time::Duration::seconds(2));

    let res = app.post_json(REFRESH, &body(&owner.refresh)).await;
    let err = expect_detail(res, 401, "Invalid or expired refresh token").await;
    assert_eq!(err["code"], "invalid_refresh_token");
    // Theft assumed: the successor and its access token are refused too.
    let res = app.post_json(REFRESH, &body(&successor)).await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
    let res = app.get("/api/v1/auth/me", &access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    // Other sessions of the user are untouched.
    let other = app
        .login_ok(crate::spawn::OWNER_EMAIL, crate::spawn::PASSWORD)
        .await;
    expect_status(app.post_json(REFRESH, &body(&other.refresh)).await, 200).await;
}

#[tokio::test]
async fn refresh_refuses_access_tokens_and_garbage() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    // Defect 1: an access token cannot mint pairs.
    for token in [owner.access.as_str(), "garbage", ""] {
        let res = app.post_json(REFRESH, &body(token)).await;
        expect_detail(res, 401, "Invalid or expired refresh token").await;
    }
    let res = app.post_json(REFRESH, &json!({})).await;
    expect_validation(res, &[("body -> refresh_token", "missing")]).await;
    // The refused attempts did not harm the real token.
    expect_status(app.post_json(REFRESH, &body(&owner.refresh)).await, 200).await;
}

#[tokio::test]
async fn refresh_tokens_expire_after_their_lifetime() {
    let app = spawn_app_with(Options {
        manual_clock: true,
        settings: vec![("auth.refresh_token_days", "1")],
    })
    .await;
    let owner = app.register_owner().await;
    app.advance(time::Duration::days(1) + time::Duration::seconds(1));
    let res = app.post_json(REFRESH, &body(&owner.refresh)).await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
    let res = app.get("/api/v1/auth/me", &owner.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
}
