//! The mailed links: forgot/reset password, verify/resend verification,
//! accept-invite (§3.1 #5–8, #10; defects 2, 3, 4, 13, 14).

use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{NEW_PASSWORD, OWNER_EMAIL, PASSWORD, TestApp, spawn_app, spawn_app_with_clock};

const FORGOT: &str = "/api/v1/auth/forgot-password";
const RESET: &str = "/api/v1/auth/reset-password";
const ACCEPT: &str = "/api/v1/auth/accept-invite";
const FORGOT_MESSAGE: &str =
    "If an account exists with this email, you will receive a password reset link.";

async fn reset_token(app: &TestApp, email: &str) -> String {
    expect_status(app.post_json(FORGOT, &json!({"email": email})).await, 200).await;
    app.last_link(email, "reset-password").await
}

fn reset(token: &str, password: &str) -> Value {
    json!({"token": token, "new_password": password})
}

#[tokio::test]
async fn forgot_password_answers_the_same_and_mails_only_real_accounts() {
    let app = spawn_app().await;
    app.register_owner().await;
    let known = app.post_json(FORGOT, &json!({"email": OWNER_EMAIL})).await;
    let unknown = app
        .post_json(FORGOT, &json!({"email": "nobody@example.com"}))
        .await;
    let known = expect_status(known, 200).await;
    assert_eq!(known, json!({"message": FORGOT_MESSAGE}));
    assert_eq!(expect_status(unknown, 200).await, known);

    let mail = app.deliver_mail().await;
    let resets: Vec<_> = mail
        .iter()
        .filter(|m| m.subject == "Reset Your Password")
        .collect();
    assert_eq!(resets.len(), 1, "{mail:#?}");
    assert_eq!(resets[0].to, OWNER_EMAIL);
    assert!(
        resets[0]
            .text
            .contains("http://localhost:3000/reset-password?token=")
    );
    assert!(mail.iter().all(|m| m.to != "nobody@example.com"));

    let res = app.post_json(FORGOT, &json!({})).await;
    expect_validation(res, &[("body -> email", "missing")]).await;
}

#[tokio::test]
async fn reset_password_sets_a_new_password_once_and_ends_sessions() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let token = reset_token(&app, OWNER_EMAIL).await;
    assert_eq!(token.len(), 43, "{token}");

    let res = app.post_json(RESET, &reset(&token, "weakpassword")).await;
    expect_validation(res, &[("body -> new_password", "value_error")]).await;
    let res = app
        .post_json(RESET, &reset("not-a-token", NEW_PASSWORD))
        .await;
    expect_detail(res, 400, "Invalid or expired reset token").await;

    let body = expect_status(
        app.post_json(RESET, &reset(&token, NEW_PASSWORD)).await,
        200,
    )
    .await;
    assert_eq!(
        body,
        json!({"message": "Password has been reset successfully. You can now login with your new password."})
    );
    let res = app
        .post_json(RESET, &reset(&token, "An0therPassword"))
        .await;
    expect_detail(res, 400, "Invalid or expired reset token").await;

    let res = app.login(OWNER_EMAIL, PASSWORD).await;
    expect_detail(res, 401, "Incorrect email or password").await;
    app.login_ok(OWNER_EMAIL, NEW_PASSWORD).await;
    // Defect 2: sessions from before the reset are revoked.
    let res = app.get("/api/v1/auth/me", &owner.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": owner.refresh}),
        )
        .await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
}

#[tokio::test]
async fn a_newer_reset_link_retires_the_older_one() {
    let app = spawn_app().await;
    app.register_owner().await;
    let old = reset_token(&app, OWNER_EMAIL).await;
    let new = reset_token(&app, OWNER_EMAIL).await;
    assert_ne!(old, new);
    let res = app.post_json(RESET, &reset(&old, NEW_PASSWORD)).await;
    expect_detail(res, 400, "Invalid or expired reset token").await;
    expect_status(app.post_json(RESET, &reset(&new, NEW_PASSWORD)).await, 200).await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app_with_clock().await;
    app.register_owner().await;
    let token = reset_token(&app, OWNER_EMAIL).await;
    app.advance(time::Duration::minutes(61));
    let res = app.post_json(RESET, &reset(&token, NEW_PASSWORD)).await;
    let body = expect_detail(
        res,
        400,
        "Reset token has expired. Please request a new one.",
    )
    .await;
    assert_eq!(body["code"], "reset_token_expired");
    app.login_ok(OWNER_EMAIL, PASSWORD).await;
}

#[tokio::test]
async fn verify_email_refuses_unknown_tokens() {
    let app = spawn_app().await;
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": "nope"}))
        .await;
    expect_detail(res, 400, "Invalid verification token").await;
    let res = app.post_json("/api/v1/auth/verify-email", &json!({})).await;
    expect_validation(res, &[("body -> token", "missing")]).await;
}

#[tokio::test]
async fn resend_verification_answers_per_contract() {
    let app = spawn_app().await;
    app.register_owner().await;
    let path = "/api/v1/auth/resend-verification";
    // The e-mail is a query parameter; a body is ignored.
    let res = app.post_json(path, &json!({"email": OWNER_EMAIL})).await;
    expect_validation(res, &[("query -> email", "missing")]).await;
    let res = app
        .request(
            Method::POST,
            &format!("{path}?email=nobody@example.com"),
            None,
            None,
        )
        .await;
    expect_detail(res, 404, "User not found").await;
    let res = app
        .request(
            Method::POST,
            &format!("{path}?email={OWNER_EMAIL}"),
            None,
            None,
        )
        .await;
    expect_detail(res, 400, "Email already verified").await;
}

async fn invite(app: &TestApp, token: &str, email: &str) -> String {
    let body =
        json!({"email": email, "tenant_role": "admin", "first_name": "Ivy", "last_name": "Old"});
    expect_status(
        app.post_json_as("/api/v1/users/invite", token, &body).await,
        201,
    )
    .await;
    app.last_link(email, "accept-invite").await
}

fn accept(token: &str, password: &str) -> Value {
    json!({"token": token, "password": password, "first_name": "Ivy", "last_name": "Invitee"})
}

#[tokio::test]
async fn accept_invite_activates_the_account_and_signs_in() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let email = "ivy@example.com";
    let token = invite(&app, &owner.access, email).await;
    // Pending invitations cannot sign in.
    expect_detail(
        app.login(email, PASSWORD).await,
        401,
        "Incorrect email or password",
    )
    .await;

    let body = expect_status(app.post_json(ACCEPT, &accept(&token, PASSWORD)).await, 200).await;
    assert_eq!(body["message"], "Invitation accepted successfully");
    let user = &body["user"];
    assert_eq!(
        user.as_object().map(serde_json::Map::len),
        Some(4),
        "{user}"
    );
    assert_eq!(user["email"], email);
    assert_eq!(user["full_name"], "Ivy Invitee");
    assert_eq!(user["tenant_role"], "admin");
    assert_eq!(body["tokens"]["token_type"], "bearer");
    let access = body["tokens"]["access_token"].as_str().unwrap();
    let me = expect_status(app.get("/api/v1/auth/me", access).await, 200).await;
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["is_active"], true);
    assert_eq!(me["is_verified"], true);
    assert_eq!(me["tenant_id"], owner.user["tenant_id"]);
    app.login_ok(email, PASSWORD).await;

    let res = app.post_json(ACCEPT, &accept(&token, PASSWORD)).await;
    expect_detail(res, 400, "Invalid invitation token").await;
}

#[tokio::test]
async fn accept_invite_applies_the_password_policy_and_checks_the_token() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let token = invite(&app, &owner.access, "ivy@example.com").await;
    let res = app.post_json(ACCEPT, &accept(&token, "NoDigitsHere")).await;
    let details = expect_validation(res, &[("body -> password", "value_error")]).await;
    assert_eq!(
        details[0]["message"],
        "Value error, Password must contain at least one number"
    );
    let res = app.post_json(ACCEPT, &accept(&token, "short")).await;
    expect_validation(res, &[("body -> password", "string_too_short")]).await;
    let res = app
        .post_json(ACCEPT, &accept("bogus-token", PASSWORD))
        .await;
    expect_detail(res, 400, "Invalid invitation token").await;
    let res = app.post_json(ACCEPT, &json!({})).await;
    expect_validation(
        res,
        &[
            ("body -> token", "missing"),
            ("body -> password", "missing"),
        ],
    )
    .await;
    // The refused attempts left the invitation usable.
    expect_status(app.post_json(ACCEPT, &accept(&token, PASSWORD)).await, 200).await;
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = spawn_app_with_clock().await;
    let owner = app.register_owner().await;
    let token = invite(&app, &owner.access, "ivy@example.com").await;
    app.advance(time::Duration::days(8));
    let res = app.post_json(ACCEPT, &accept(&token, PASSWORD)).await;
    let body = expect_detail(
        res,
        400,
        "Invitation has expired. Please request a new one.",
    )
    .await;
    assert_eq!(body["code"], "invitation_expired");
}

#[tokio::test]
async fn accepting_an_invitation_respects_the_user_limit() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let token = invite(&app, &owner.access, "ivy@example.com").await;
    // Pending invitations do not count; fill the tier meanwhile.
    for _ in 0..4 {
        app.create_user(&owner.access, "member").await;
    }
    let res = app.post_json(ACCEPT, &accept(&token, PASSWORD)).await;
    expect_detail(
        res,
        403,
        "User limit reached (5). Upgrade your plan to add more users.",
    )
    .await;
}
