//! The README walkthrough, end to end over HTTP.

use reqwest::Method;
use serde_json::json;

use crate::expect::{expect_detail, expect_status};
use crate::spawn::spawn_app;

#[tokio::test]
async fn readme_walkthrough() {
    let app = spawn_app().await;

    // 1. Register; the welcome mail is delivered.
    let body = json!({"admin_email": "ada@example.com", "admin_password": "Analytical1",
        "admin_name": "Ada Lovelace"});
    let registered = expect_status(app.post_json("/api/v1/auth/register", &body).await, 201).await;
    assert_eq!(registered["message"], "Registration successful");
    let mail = app.deliver_mail().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(
        (mail[0].to.as_str(), mail[0].subject.as_str()),
        ("ada@example.com", "Welcome to Ada's Workspace!")
    );

    // 2. Forgot the password; 3. reset it with the mailed token.
    let body = json!({"email": "ada@example.com"});
    expect_status(
        app.post_json("/api/v1/auth/forgot-password", &body).await,
        200,
    )
    .await;
    let token = app.last_link("ada@example.com", "reset-password").await;
    let body = json!({"token": token, "new_password": "Engine2Notes"});
    expect_status(
        app.post_json("/api/v1/auth/reset-password", &body).await,
        200,
    )
    .await;
    let res = app.login("ada@example.com", "Analytical1").await;
    expect_detail(res, 401, "Incorrect email or password").await;
    let session = app.login_ok("ada@example.com", "Engine2Notes").await;

    // 4. Who am I?
    let me = expect_status(app.get("/api/v1/auth/me", &session.access).await, 200).await;
    assert_eq!(me["email"], "ada@example.com");

    // 5. Two parallel refreshes with the same token get the same new pair.
    let body = json!({"refresh_token": session.refresh});
    let (r1, r2) = tokio::join!(
        app.post_json("/api/v1/auth/refresh", &body),
        app.post_json("/api/v1/auth/refresh", &body)
    );
    let (r1, r2) = tokio::join!(expect_status(r1, 200), expect_status(r2, 200));
    assert_eq!(r1, r2);

    // 6. Logout: the access token and the session's refresh tokens stop working.
    let res = app
        .request(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&session.access),
            None,
        )
        .await;
    expect_status(res, 200).await;
    let res = app.get("/api/v1/auth/me", &session.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let fresh_access = r1["access_token"].as_str().unwrap();
    let res = app.get("/api/v1/auth/me", fresh_access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let body = json!({"refresh_token": r1["refresh_token"]});
    let res = app.post_json("/api/v1/auth/refresh", &body).await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
}
