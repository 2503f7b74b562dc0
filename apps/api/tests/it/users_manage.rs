//! `PUT /users/{id}` and `DELETE /users/{id}` (§3.2 #4–5; defects 7, 28).

use serde_json::{Value, json};

use crate::expect::{assert_user_shape, expect_detail, expect_status, expect_validation};
use crate::spawn::{PASSWORD, spawn_app};

fn path(user: &Value) -> String {
    format!("/api/v1/users/{}", user["id"].as_str().expect("id"))
}

#[tokio::test]
async fn update_changes_only_the_keys_sent() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user(&owner.access, "member").await;
    let body = json!({"first_name": "Jane", "last_name": "Doe", "phone": "+1 555",
        "business_role": "Engineer", "avatar_url": "https://cdn.example.com/a.png"});
    let user = expect_status(
        app.put_json(&path(&member), &owner.access, &body).await,
        200,
    )
    .await;
    assert_user_shape(&user, &[]);
    assert_eq!(user["full_name"], "Jane Doe");
    assert_eq!(user["phone"], "+1 555");
    assert_eq!(user["business_role"], "Engineer");
    assert_eq!(user["avatar_url"], "https://cdn.example.com/a.png");
    assert_eq!(user["email"], member["email"]);

    // Explicit null clears; absent keys stay; a name change recomputes full_name.
    let body = json!({"phone": null, "last_name": null});
    let user = expect_status(
        app.put_json(&path(&member), &owner.access, &body).await,
        200,
    )
    .await;
    assert_eq!(user["phone"], Value::Null);
    assert_eq!(user["last_name"], Value::Null);
    assert_eq!(user["full_name"], "Jane");
    assert_eq!(user["business_role"], "Engineer");

    let body = json!({"tenant_role": "admin"});
    let user = expect_status(
        app.put_json(&path(&member), &owner.access, &body).await,
        200,
    )
    .await;
    assert_eq!(
        (user["tenant_role"].as_str(), user["role"].as_str()),
        (Some("admin"), Some("admin"))
    );
    let got = expect_status(app.get(&path(&member), &owner.access).await, 200).await;
    assert_eq!(got, user);
}

#[tokio::test]
async fn update_protects_the_owner_and_peers() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let other_admin = app.create_user(&owner.access, "admin").await;
    let member = app.create_user(&owner.access, "member").await;
    let peer_message = "Admins cannot modify the owner or other admins";

    let res = app
        .put_json(&path(&owner.user), &admin.access, &json!({"phone": "1"}))
        .await;
    let err = expect_detail(res, 403, peer_message).await;
    assert_eq!(err["code"], "cannot_manage_peer");
    let res = app
        .put_json(&path(&other_admin), &admin.access, &json!({"phone": "1"}))
        .await;
    expect_detail(res, 403, peer_message).await;
    let body = json!({"first_name": "Mem"});
    expect_status(
        app.put_json(&path(&member), &admin.access, &body).await,
        200,
    )
    .await;

    let res = app
        .put_json(
            &path(&owner.user),
            &owner.access,
            &json!({"tenant_role": "member"}),
        )
        .await;
    expect_detail(
        res,
        400,
        "Cannot change owner's role. Use ownership transfer instead.",
    )
    .await;
    let res = app
        .put_json(
            &path(&admin.user),
            &admin.access,
            &json!({"tenant_role": "member"}),
        )
        .await;
    expect_detail(res, 400, "Cannot demote yourself").await;
    let res = app
        .put_json(
            &path(&owner.user),
            &owner.access,
            &json!({"is_active": false}),
        )
        .await;
    expect_detail(res, 400, "Cannot delete your own account").await;
}

#[tokio::test]
async fn update_needs_permission_and_a_valid_body() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app
        .put_json(&path(&member.user), &member.access, &json!({"phone": "1"}))
        .await;
    expect_detail(res, 403, "Permission 'tenant.users.update' required").await;

    let body = json!({"tenant_role": "owner", "is_active": "yes", "phone": 5,
        "default_branch_id": "nope"});
    let res = app
        .put_json(&path(&member.user), &owner.access, &body)
        .await;
    expect_validation(
        res,
        &[
            ("body -> default_branch_id", "uuid_parsing"),
            ("body -> tenant_role", "literal_error"),
            ("body -> is_active", "bool_type"),
            ("body -> phone", "string_type"),
        ],
    )
    .await;
    let res = app
        .put_json("/api/v1/users/nope", &owner.access, &json!({}))
        .await;
    expect_validation(res, &[("path -> user_id", "uuid_parsing")]).await;
    let body = json!({"default_branch_id": "5f0c6d4e-0000-4000-8000-000000000000"});
    let res = app
        .put_json(&path(&member.user), &owner.access, &body)
        .await;
    expect_detail(res, 400, "Invalid branch").await;
}

#[tokio::test]
async fn update_of_another_tenants_user_is_404() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    let member = app.create_user(&owner.access, "member").await;
    let res = app
        .put_json(
            &path(&member),
            &other.access,
            &json!({"first_name": "Hacked"}),
        )
        .await;
    expect_detail(res, 404, "User not found").await;
    let got = expect_status(app.get(&path(&member), &owner.access).await, 200).await;
    assert_eq!(got["first_name"], "Test");
}

#[tokio::test]
async fn delete_soft_deletes_and_frees_the_email() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app.delete(&path(&member.user), &owner.access).await;
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());

    // Still readable by id (contract: no is_active filter), but inactive.
    let got = expect_status(app.get(&path(&member.user), &owner.access).await, 200).await;
    assert_eq!(got["is_active"], false);
    let page = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    assert_eq!(page["total"], 1);
    // Its sessions and password stop working.
    let res = app.get("/api/v1/auth/me", &member.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let res = app.login(&member.email(), PASSWORD).await;
    expect_detail(res, 401, "Incorrect email or password").await;
    // Defect 28: the address can be used again.
    let user = app
        .register(&member.email(), "Reborn User", Some("reborn"))
        .await;
    assert_eq!(user.user["email"], member.user["email"]);
    app.login_ok(&member.email(), PASSWORD).await;
}

#[tokio::test]
async fn delete_refuses_self_owner_peers_and_members() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    let other_admin = app.create_user(&owner.access, "admin").await;
    let member = app.create_user_session(&owner.access, "member").await;

    let res = app.delete(&path(&owner.user), &owner.access).await;
    expect_detail(res, 400, "Cannot delete your own account").await;
    let res = app.delete(&path(&admin.user), &admin.access).await;
    expect_detail(res, 400, "Cannot delete your own account").await;
    let res = app.delete(&path(&owner.user), &admin.access).await;
    expect_detail(
        res,
        400,
        "Cannot delete tenant owner. Use account closure instead.",
    )
    .await;
    let res = app.delete(&path(&other_admin), &admin.access).await;
    expect_detail(res, 403, "Admins cannot modify the owner or other admins").await;
    let res = app.delete(&path(&admin.user), &member.access).await;
    expect_detail(res, 403, "Permission 'tenant.users.delete' required").await;
    let res = app
        .delete(
            "/api/v1/users/5f0c6d4e-0000-4000-8000-000000000000",
            &owner.access,
        )
        .await;
    expect_detail(res, 404, "User not found").await;
    let res = app.delete(&path(&member.user), &admin.access).await;
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn delete_of_another_tenants_user_is_404() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let res = app.delete(&path(&member.user), &other.access).await;
    expect_detail(res, 404, "User not found").await;
    expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
}

#[tokio::test]
async fn deactivation_ends_access_and_reactivation_respects_the_limit() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let body = json!({"is_active": false});
    let user = expect_status(
        app.put_json(&path(&member.user), &owner.access, &body)
            .await,
        200,
    )
    .await;
    assert_eq!(user["is_active"], false);
    let res = app.get("/api/v1/auth/me", &member.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let res = app.login(&member.email(), PASSWORD).await;
    expect_detail(res, 401, "Incorrect email or password").await;
    // Fill the free tier (owner + 4), then reactivation is a growth: refused.
    for _ in 0..4 {
        app.create_user(&owner.access, "member").await;
    }
    let body = json!({"is_active": true});
    let res = app
        .put_json(&path(&member.user), &owner.access, &body)
        .await;
    expect_detail(
        res,
        403,
        "User limit reached (5). Upgrade your plan to add more users.",
    )
    .await;
}

#[tokio::test]
async fn a_deleted_user_whose_email_was_reused_cannot_be_reactivated() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    assert_eq!(
        app.delete(&path(&member.user), &owner.access)
            .await
            .status(),
        204
    );
    app.register(&member.email(), "Reborn User", Some("reborn"))
        .await;
    let body = json!({"is_active": true});
    let res = app
        .put_json(&path(&member.user), &owner.access, &body)
        .await;
    expect_detail(res, 400, "Email already registered").await;
    let got = expect_status(app.get(&path(&member.user), &owner.access).await, 200).await;
    assert_eq!(got["is_active"], false);
}
