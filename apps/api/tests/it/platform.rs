//! Platform settings and the system user's own profile (roadmap P1-6).

use harmony_kernel::SystemRole;
use serde_json::json;

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{NEW_PASSWORD, PASSWORD, spawn_app};

const PUBLIC: &str = "/api/v1/platform-settings";
const ADMIN: &str = "/api/v1/admin/platform-settings";
const PROFILE: &str = "/api/v1/admin/profile";

#[tokio::test]
async fn everyone_reads_the_settings_and_only_system_admins_change_them() {
    let app = spawn_app().await;
    let res = app.client.get(app.url(PUBLIC)).send().await.unwrap();
    let body = expect_status(res, 200).await;
    assert_eq!(
        body,
        json!({"platform_name": "Harmony", "support_email": null, "logo_url": null,
            "default_locale": "en", "updated_at": null})
    );
    let owner = app.register_owner().await;
    let operator = app.system_user(SystemRole::Operator).await;
    let admin = app.system_admin().await;
    let change = json!({"platform_name": "Acme Cloud", "support_email": "help@acme.example",
        "logo_url": "https://cdn.acme.example/logo.png", "default_locale": "id-ID"});
    for token in [&owner.access, &operator.access] {
        expect_status(app.put_json(ADMIN, token, &change).await, 403).await;
    }
    let saved = expect_status(app.put_json(ADMIN, &admin.access, &change).await, 200).await;
    assert_eq!(saved["platform_name"], "Acme Cloud");
    assert!(saved["updated_at"].is_string());
    let res = app.client.get(app.url(PUBLIC)).send().await.unwrap();
    assert_eq!(expect_status(res, 200).await, saved);

    // only the keys sent change; explicit null clears a nullable one
    let cleared = json!({"logo_url": null});
    let body = expect_status(app.put_json(ADMIN, &admin.access, &cleared).await, 200).await;
    assert_eq!(body["logo_url"], serde_json::Value::Null);
    assert_eq!(body["support_email"], "help@acme.example");
    assert_eq!(body["default_locale"], "id-ID");
}

#[tokio::test]
async fn bad_settings_are_422_with_their_field() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let cases = [
        (
            json!({"platform_name": ""}),
            "body -> platform_name",
            "value_error",
        ),
        (
            json!({"platform_name": null}),
            "body -> platform_name",
            "string_type",
        ),
        (
            json!({"support_email": "nope"}),
            "body -> support_email",
            "value_error",
        ),
        (
            json!({"logo_url": "javascript:x"}),
            "body -> logo_url",
            "value_error",
        ),
        (
            json!({"default_locale": "english"}),
            "body -> default_locale",
            "value_error",
        ),
    ];
    for (body, field, kind) in cases {
        let res = app.put_json(ADMIN, &admin.access, &body).await;
        expect_validation(res, &[(field, kind)]).await;
    }
    let res = app.client.get(app.url(PUBLIC)).send().await.unwrap();
    assert_eq!(expect_status(res, 200).await["platform_name"], "Harmony");
}

#[tokio::test]
async fn system_users_view_and_edit_their_own_profile_and_password() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let operator = app.system_user(SystemRole::Operator).await;
    let me = expect_status(app.get(PROFILE, &operator.access).await, 200).await;
    assert_eq!(me["id"], operator.id());
    assert_eq!(me["system_role"], "operator");
    let res = app.get(PROFILE, &owner.access).await;
    expect_status(res, 403).await;

    let change = json!({"first_name": "Grace", "last_name": "Hopper", "phone": "+1 555 0100"});
    let me = expect_status(app.put_json(PROFILE, &operator.access, &change).await, 200).await;
    assert_eq!(me["full_name"], "Grace Hopper");
    assert_eq!(me["phone"], "+1 555 0100");
    let res = app
        .put_json(PROFILE, &operator.access, &json!({"first_name": 7}))
        .await;
    expect_validation(res, &[("body -> first_name", "string_type")]).await;
    expect_status(app.put_json(PROFILE, &owner.access, &change).await, 403).await;

    let path = "/api/v1/admin/profile/change-password";
    let wrong = json!({"current_password": "Wrong1234x", "new_password": NEW_PASSWORD});
    let res = app.post_json_as(path, &operator.access, &wrong).await;
    expect_detail(res, 400, "Current password is incorrect").await;
    let ok = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    expect_status(app.post_json_as(path, &owner.access, &ok).await, 403).await;
    expect_status(app.post_json_as(path, &operator.access, &ok).await, 200).await;
    app.login_ok(&operator.email(), NEW_PASSWORD).await;
}
