//! Tenant logo and user avatars (§3.9 #9–16): replacement retires the old
//! image (defect 17), the public URL serves it, content sniffing, the avatar
//! rule with real roles and the target's tenant (defect 20).

use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::files::{FILES, confirm_at, jpeg, png, presign_at, put_bytes, used_bytes};
use crate::spawn::{TestApp, spawn_app};

fn image(filename: &str, content_type: &str, size: i64) -> Value {
    json!({"filename": filename, "content_type": content_type, "size_bytes": size})
}

/// Presign at `presign`, upload `bytes` as `content_type`, confirm at `set`.
async fn set_image(
    app: &TestApp,
    token: &str,
    presign: &str,
    set: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let req = image("logo.png", content_type, 100);
    let p = presign_at(app, presign, token, &req).await;
    let res = put_bytes(app, p["upload_url"].as_str().unwrap(), content_type, bytes).await;
    assert_eq!(res.status(), 200);
    confirm_at(app, set, token, p["storage_key"].as_str().unwrap(), &req).await
}

fn logo_paths() -> (String, String) {
    (
        format!("{FILES}/tenant/logo/presign"),
        format!("{FILES}/tenant/logo"),
    )
}

#[tokio::test]
async fn a_new_logo_retires_the_old_one_and_is_served_publicly() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let (presign, set) = logo_paths();
    let empty = expect_status(app.get(&set, &owner.access).await, 200).await;
    assert_eq!(empty, Value::Null);
    let first = expect_status(
        set_image(&app, &owner.access, &presign, &set, "image/png", png()).await,
        201,
    )
    .await;
    assert_eq!(
        (
            &first["category"],
            &first["is_public"],
            &first["resource_type"]
        ),
        (&json!("tenant_logo"), &json!(true), &json!("tenant"))
    );
    assert_eq!(first["resource_id"], owner.user["tenant_id"]);
    let first_key = first["storage_key"].as_str().unwrap();
    let public = app.url(&format!("{FILES}/public/{first_key}"));
    let tenant = expect_status(
        app.get("/api/v1/tenant-settings/", &owner.access).await,
        200,
    )
    .await;
    assert_eq!(tenant["logo_url"], public.as_str());
    let res = app.client.get(&public).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(crate::expect::header(&res, "content-type"), "image/png");
    let csp = crate::expect::header(&res, "content-security-policy");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), png().as_slice());

    let second = expect_status(
        set_image(&app, &owner.access, &presign, &set, "image/jpeg", jpeg()).await,
        201,
    )
    .await;
    let current = expect_status(app.get(&set, &owner.access).await, 200).await;
    assert_eq!(current["id"], second["id"]);
    let logos = format!("{FILES}?category=tenant_logo");
    let list = expect_status(app.get(&logos, &owner.access).await, 200).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(
        used_bytes(&app, &owner.access).await,
        i64::try_from(jpeg().len()).unwrap()
    );
    let res = app.client.get(&public).send().await.unwrap();
    assert_eq!(res.status(), 404, "the old logo's bytes are gone");

    expect_status(app.delete(&set, &owner.access).await, 204).await;
    expect_status(app.delete(&set, &owner.access).await, 204).await;
    assert_eq!(
        expect_status(app.get(&set, &owner.access).await, 200).await,
        Value::Null
    );
    assert_eq!(used_bytes(&app, &owner.access).await, 0);
    let tenant = expect_status(
        app.get("/api/v1/tenant-settings/", &owner.access).await,
        200,
    )
    .await;
    assert_eq!(tenant["logo_url"], Value::Null);
}

#[tokio::test]
async fn image_rules_and_content_sniffing() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let (presign, set) = logo_paths();
    let res = app
        .post_json_as(
            &presign,
            &owner.access,
            &image("l.pdf", "application/pdf", 5),
        )
        .await;
    let d = expect_validation(res, &[("body -> content_type", "value_error")]).await;
    assert_eq!(
        d[0]["message"],
        "Value error, Content type must be an image type (image/*)"
    );
    let res = app
        .post_json_as(&presign, &owner.access, &image("l.bmp", "image/png", 5))
        .await;
    expect_detail(res, 400, "Extension '.bmp' not allowed for images").await;
    let res = app
        .post_json_as(
            &presign,
            &owner.access,
            &image("l.png", "image/png", 5 * 1_048_576 + 1),
        )
        .await;
    expect_detail(res, 400, "File exceeds maximum size of 5MB").await;
    let avatar = format!("{FILES}/users/{}/avatar/presign", owner.id());
    let res = app
        .post_json_as(&avatar, &owner.access, &image("a.svg", "image/svg+xml", 5))
        .await;
    expect_detail(
        res,
        400,
        "Content type 'image/svg+xml' not allowed for category 'user_avatar'",
    )
    .await;
    // PNG declared, JPEG or garbage uploaded: refused at confirm.
    for bytes in [jpeg(), b"not an image at all".to_vec()] {
        let res = set_image(&app, &owner.access, &presign, &set, "image/png", bytes).await;
        expect_detail(
            res,
            400,
            "File content does not match its content type 'image/png'",
        )
        .await;
    }
    // Confirm without original_request: 400; a logo key on the generic confirm: 404.
    let req = image("l.png", "image/png", 10);
    let p = presign_at(&app, &presign, &owner.access, &req).await;
    let key = p["storage_key"].as_str().unwrap();
    put_bytes(&app, p["upload_url"].as_str().unwrap(), "image/png", png()).await;
    let res = app
        .post_json_as(
            &format!("{set}?storage_key={key}"),
            &owner.access,
            &json!({"confirm": null}),
        )
        .await;
    expect_detail(res, 400, "Original upload request required").await;
    let generic = format!("{FILES}/upload/confirm");
    let doc = json!({"filename": "l.png", "content_type": "image/png", "size_bytes": 10, "category": "attachment"});
    let res = confirm_at(&app, &generic, &owner.access, key, &doc).await;
    expect_detail(res, 404, "Upload not found").await;
    // Members may not upload public categories nor set the logo.
    let member = app.create_user_session(&owner.access, "member").await;
    let logo_doc = json!({"filename": "l.png", "content_type": "image/png", "size_bytes": 10, "category": "tenant_logo"});
    let res = app
        .post_json_as(
            &format!("{FILES}/upload/presign"),
            &member.access,
            &logo_doc,
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app.post_json_as(&presign, &member.access, &req).await;
    assert_eq!(res.status(), 403);
    let res = app.delete(&set, &member.access).await;
    assert_eq!(res.status(), 403);
    // The owner confirms it for real; a second confirm is 409, not a 500.
    expect_status(confirm_at(&app, &set, &owner.access, key, &req).await, 201).await;
    let res = confirm_at(&app, &set, &owner.access, key, &req).await;
    expect_detail(res, 409, "File already confirmed").await;
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "the avatar rule from every side")]
async fn avatars_follow_the_avatar_rule() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let other = app.register_other_owner().await;
    let avatar = |id: &str| format!("{FILES}/users/{id}/avatar");
    let req = image("me.png", "image/png", 100);
    // Members: their own avatar only.
    let mine = avatar(&member.id());
    let file = expect_status(
        set_image(
            &app,
            &member.access,
            &format!("{mine}/presign"),
            &mine,
            "image/png",
            png(),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (
            &file["category"],
            &file["resource_type"],
            &file["resource_id"]
        ),
        (&json!("user_avatar"), &json!("user"), &json!(member.id()))
    );
    let me = expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
    assert!(
        me["avatar_url"]
            .as_str()
            .unwrap()
            .ends_with(file["storage_key"].as_str().unwrap())
    );
    let owners = avatar(&owner.id());
    let res = app
        .post_json_as(&format!("{owners}/presign"), &member.access, &req)
        .await;
    expect_detail(res, 403, "Cannot upload avatar for other users").await;
    let res = app.delete(&owners, &member.access).await;
    expect_detail(res, 403, "Cannot delete avatar for other users").await;
    let p = presign_at(&app, &format!("{owners}/presign"), &owner.access, &req).await;
    let res = confirm_at(
        &app,
        &owners,
        &member.access,
        p["storage_key"].as_str().unwrap(),
        &req,
    )
    .await;
    expect_detail(res, 403, "Cannot set avatar for other users").await;
    // The owner manages the member's avatar; anyone of the tenant reads it.
    let got = expect_status(app.get(&mine, &owner.access).await, 200).await;
    assert_eq!(got["id"], file["id"]);
    let second = expect_status(
        set_image(
            &app,
            &owner.access,
            &format!("{mine}/presign"),
            &mine,
            "image/jpeg",
            jpeg(),
        )
        .await,
        201,
    )
    .await;
    let got = expect_status(app.get(&mine, &member.access).await, 200).await;
    assert_eq!(got["id"], second["id"]);
    let avatars = format!("{FILES}?category=user_avatar");
    assert_eq!(
        expect_status(app.get(&avatars, &owner.access).await, 200).await["total"],
        1
    );
    // Another tenant's owner: the user is not in their tenant (defect 20).
    let res = app
        .post_json_as(&format!("{mine}/presign"), &other.access, &req)
        .await;
    expect_detail(res, 404, "User not found").await;
    let res = app.delete(&mine, &other.access).await;
    expect_detail(res, 404, "User not found").await;
    assert_eq!(
        expect_status(app.get(&mine, &other.access).await, 200).await,
        Value::Null
    );
    let res = confirm_at(
        &app,
        &mine,
        &other.access,
        second["storage_key"].as_str().unwrap(),
        &req,
    )
    .await;
    assert_eq!(res.status(), 404);
    // B's logo endpoints never show nor take A's logo.
    let (presign, set) = logo_paths();
    let logo = image("l.png", "image/png", 10);
    let p = presign_at(&app, &presign, &owner.access, &logo).await;
    put_bytes(&app, p["upload_url"].as_str().unwrap(), "image/png", png()).await;
    let res = confirm_at(
        &app,
        &set,
        &other.access,
        p["storage_key"].as_str().unwrap(),
        &logo,
    )
    .await;
    expect_detail(res, 404, "Upload not found").await;
    expect_status(
        set_image(&app, &owner.access, &presign, &set, "image/png", png()).await,
        201,
    )
    .await;
    assert_eq!(
        expect_status(app.get(&set, &other.access).await, 200).await,
        Value::Null
    );
    expect_status(app.delete(&set, &other.access).await, 204).await;
    assert!(
        expect_status(app.get(&set, &owner.access).await, 200)
            .await
            .is_object()
    );
    // Deleting the avatar clears it.
    expect_status(app.delete(&mine, &member.access).await, 204).await;
    assert_eq!(
        expect_status(app.get(&mine, &owner.access).await, 200).await,
        Value::Null
    );
    let me = expect_status(app.get("/api/v1/auth/me", &member.access).await, 200).await;
    assert_eq!(me["avatar_url"], Value::Null);
    // Path validation.
    let res = app
        .request(Method::GET, &avatar("nope"), Some(&owner.access), None)
        .await;
    expect_validation(res, &[("path -> user_id", "uuid_parsing")]).await;
}
