//! Change-password, invite, transfer-ownership and delete-me (§3.2 #6–9,
//! §10.2–10.4; defects 2, 5, 6, 24, 41, 42).

use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{assert_user_shape, expect_detail, expect_status, expect_validation};
use crate::spawn::{NEW_PASSWORD, OWNER_EMAIL, PASSWORD, spawn_app};

fn change(user: &Value) -> String {
    format!(
        "/api/v1/users/{}/change-password",
        user["id"].as_str().expect("id")
    )
}

fn passwords(current: &str, new: &str) -> Value {
    json!({"current_password": current, "new_password": new})
}

#[tokio::test]
async fn change_password_replaces_it_and_ends_every_session() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other_session = app.login_ok(OWNER_EMAIL, PASSWORD).await;
    let res = app
        .post_json_as(
            &change(&owner.user),
            &owner.access,
            &passwords(PASSWORD, NEW_PASSWORD),
        )
        .await;
    let body = expect_status(res, 200).await;
    assert_eq!(body, json!({"message": "Password changed successfully"}));
    for token in [&owner.access, &other_session.access] {
        let res = app.get("/api/v1/auth/me", token).await;
        expect_detail(res, 401, "Could not validate credentials").await;
    }
    expect_detail(
        app.login(OWNER_EMAIL, PASSWORD).await,
        401,
        "Incorrect email or password",
    )
    .await;
    app.login_ok(OWNER_EMAIL, NEW_PASSWORD).await;
    let mail = app.deliver_mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == OWNER_EMAIL && m.subject != "Welcome to Ada's Workspace!")
    );
}

#[tokio::test]
async fn change_password_refuses_others_and_wrong_current_passwords() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app
        .post_json_as(
            &change(&member.user),
            &owner.access,
            &passwords(PASSWORD, NEW_PASSWORD),
        )
        .await;
    let err = expect_detail(res, 403, "Can only change your own password").await;
    assert_eq!(err["code"], "not_own_password");
    let res = app
        .post_json_as(
            &change(&member.user),
            &member.access,
            &passwords("Wr0ngPassword", NEW_PASSWORD),
        )
        .await;
    expect_detail(res, 400, "Current password is incorrect").await;
    let res = app
        .post_json_as(
            &change(&member.user),
            &member.access,
            &passwords(PASSWORD, "weak"),
        )
        .await;
    expect_validation(res, &[("body -> new_password", "string_too_short")]).await;
    let res = app
        .post_json_as(&change(&member.user), &member.access, &json!({}))
        .await;
    expect_validation(
        res,
        &[
            ("body -> current_password", "missing"),
            ("body -> new_password", "missing"),
        ],
    )
    .await;
    // Members may change their own.
    let res = app
        .post_json_as(
            &change(&member.user),
            &member.access,
            &passwords(PASSWORD, NEW_PASSWORD),
        )
        .await;
    expect_status(res, 200).await;
}

#[tokio::test]
async fn system_admins_can_change_their_password() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let res = app
        .post_json_as(
            &change(&admin.user),
            &admin.access,
            &passwords(PASSWORD, NEW_PASSWORD),
        )
        .await;
    expect_status(res, 200).await;
    app.login_ok("root@example.com", NEW_PASSWORD).await;
}

#[tokio::test]
async fn invite_creates_a_pending_user_and_mails_a_link() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let body = json!({"email": "Ivy@Example.com", "tenant_role": "admin", "business_role": "CFO"});
    let res = app
        .post_json_as("/api/v1/users/invite", &owner.access, &body)
        .await;
    let invited = expect_status(res, 201).await;
    assert_eq!(
        invited,
        json!({"message": "Invitation sent successfully", "email": "ivy@example.com",
            "tenant_role": "admin", "business_role": "CFO"})
    );
    let token = app.last_link("ivy@example.com", "accept-invite").await;
    assert_eq!(token.len(), 43);
    let mail = app.mailer.last_to("ivy@example.com").unwrap();
    assert_eq!(mail.subject, "You've been invited to join Ada's Workspace");
    assert!(mail.text.contains("Admin"), "{}", mail.text);
    // Pending invitations are not listed as active users.
    let page = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    assert_eq!(page["total"], 1);

    let res = app
        .post_json_as(
            "/api/v1/users/invite",
            &owner.access,
            &json!({"email": "ivy@example.com"}),
        )
        .await;
    expect_detail(res, 400, "Email already registered").await;
    let res = app
        .post_json_as(
            "/api/v1/users/invite",
            &owner.access,
            &json!({"email": OWNER_EMAIL}),
        )
        .await;
    expect_detail(res, 400, "Email already registered").await;
    let res = app
        .post_json_as(
            "/api/v1/users/invite",
            &owner.access,
            &json!({"tenant_role": "owner"}),
        )
        .await;
    expect_validation(
        res,
        &[
            ("body -> email", "missing"),
            ("body -> tenant_role", "literal_error"),
        ],
    )
    .await;
}

#[tokio::test]
async fn members_cannot_invite() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app
        .post_json_as(
            "/api/v1/users/invite",
            &member.access,
            &json!({"email": "x@example.com"}),
        )
        .await;
    expect_detail(res, 403, "Permission 'tenant.users.invite' required").await;
    let invited = json!({"email": "x@example.com"});
    let res = app
        .post_json_as("/api/v1/users/invite", &owner.access, &invited)
        .await;
    assert_eq!(expect_status(res, 201).await["tenant_role"], "member");
}

fn transfer(target: &Value, password: &str) -> Value {
    json!({"new_owner_id": target["id"], "password": password})
}

const TRANSFER: &str = "/api/v1/users/transfer-ownership";

#[tokio::test]
async fn transfer_ownership_swaps_owner_and_admin() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    // Several targets so both UUID orders are exercised (defect 6).
    let a = app.create_user_session(&owner.access, "member").await;
    let b = app.create_user_session(&owner.access, "admin").await;
    let res = app
        .post_json_as(TRANSFER, &owner.access, &transfer(&a.user, PASSWORD))
        .await;
    let new_owner = expect_status(res, 200).await;
    assert_user_shape(&new_owner, &[]);
    assert_eq!(new_owner["id"], a.user["id"]);
    assert_eq!(
        (
            new_owner["tenant_role"].as_str(),
            new_owner["role"].as_str()
        ),
        (Some("owner"), Some("owner"))
    );
    let me = expect_status(app.get("/api/v1/auth/me", &owner.access).await, 200).await;
    assert_eq!(me["tenant_role"], "admin");
    let res = app
        .post_json_as(TRANSFER, &owner.access, &transfer(&b.user, PASSWORD))
        .await;
    expect_detail(res, 403, "Tenant owner access required").await;
    // And back, through the other id order.
    let res = app
        .post_json_as(TRANSFER, &a.access, &transfer(&b.user, PASSWORD))
        .await;
    expect_status(res, 200).await;
    let res = app
        .post_json_as(TRANSFER, &b.access, &transfer(&owner.user, PASSWORD))
        .await;
    expect_status(res, 200).await;
    let page = expect_status(
        app.get("/api/v1/users?tenant_role=owner", &owner.access)
            .await,
        200,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["users"][0]["id"], owner.user["id"]);
}

#[tokio::test]
async fn transfer_ownership_refusals() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let gone = app.create_user(&owner.access, "member").await;
    let path = format!("/api/v1/users/{}", gone["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, &owner.access).await.status(), 204);
    let t = &owner.access;

    let res = app
        .post_json_as(TRANSFER, t, &transfer(&admin.user, "Wr0ngPassword"))
        .await;
    expect_detail(res, 400, "Incorrect password").await;
    let res = app
        .post_json_as(TRANSFER, t, &transfer(&owner.user, PASSWORD))
        .await;
    expect_detail(res, 400, "Cannot transfer ownership to yourself").await;
    let res = app
        .post_json_as(TRANSFER, t, &transfer(&other.user, PASSWORD))
        .await;
    expect_detail(res, 404, "User not found").await;
    let res = app
        .post_json_as(TRANSFER, t, &transfer(&gone, PASSWORD))
        .await;
    expect_detail(res, 400, "Cannot transfer ownership to inactive user").await;
    let res = app
        .post_json_as(TRANSFER, &admin.access, &transfer(&owner.user, PASSWORD))
        .await;
    let err = expect_detail(res, 403, "Tenant owner access required").await;
    assert_eq!(err["code"], "owner_required");
    let res = app
        .post_json_as(TRANSFER, t, &json!({"new_owner_id": "nope"}))
        .await;
    expect_validation(
        res,
        &[
            ("body -> new_owner_id", "uuid_parsing"),
            ("body -> password", "missing"),
        ],
    )
    .await;
    let me = expect_status(app.get("/api/v1/auth/me", t).await, 200).await;
    assert_eq!(me["tenant_role"], "owner");
}

#[tokio::test]
async fn delete_me_with_the_password_in_the_query() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app
        .delete(
            &format!("/api/v1/users/me?password={PASSWORD}"),
            &member.access,
        )
        .await;
    let body = expect_status(res, 200).await;
    assert_eq!(
        body,
        json!({"message": "Account deleted successfully", "email": member.email()})
    );
    let res = app.get("/api/v1/auth/me", &member.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    expect_detail(
        app.login(&member.email(), PASSWORD).await,
        401,
        "Incorrect email or password",
    )
    .await;
    let page = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn delete_me_with_the_password_in_the_body() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let body = json!({"password": PASSWORD});
    let res = app
        .request(
            Method::DELETE,
            "/api/v1/users/me",
            Some(&admin.access),
            Some(&body),
        )
        .await;
    assert_eq!(expect_status(res, 200).await["email"], admin.user["email"]);
    expect_detail(
        app.get("/api/v1/auth/me", &admin.access).await,
        401,
        "Could not validate credentials",
    )
    .await;
}

#[tokio::test]
async fn delete_me_refusals() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app
        .delete(
            &format!("/api/v1/users/me?password={PASSWORD}"),
            &owner.access,
        )
        .await;
    expect_detail(
        res,
        400,
        "Owners cannot delete their account. Use account closure to delete the entire tenant.",
    )
    .await;
    let res = app
        .delete("/api/v1/users/me?password=Wr0ngPassword", &member.access)
        .await;
    expect_detail(res, 400, "Incorrect password").await;
    let res = app.delete("/api/v1/users/me", &member.access).await;
    expect_validation(res, &[("query -> password", "missing")]).await;
    let admin = app.system_admin().await;
    let res = app
        .delete(
            &format!("/api/v1/users/me?password={PASSWORD}"),
            &admin.access,
        )
        .await;
    expect_detail(
        res,
        403,
        "Tenant access required. System users should use admin endpoints.",
    )
    .await;
    expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
}
