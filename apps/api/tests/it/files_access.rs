//! Who may touch which file (§3.9 #5–8, #17): deleting twice (defect 18),
//! members editing only their uploads (defect 19), cross-tenant probes,
//! system admins through `X-Tenant-ID`, deactivated tenants (defect 10).

use reqwest::Method;
use serde_json::{Value, json};

use crate::branches::sql;
use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::files::{FILES, call, doc, tenant_of, upload, used_bytes};
use crate::spawn::spawn_app;

#[tokio::test]
async fn deleting_twice_releases_storage_once_and_members_edit_only_their_files() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let mine = upload(&app, &owner.access, &doc("o.txt", 4), b"four".to_vec()).await;
    let theirs = upload(&app, &member.access, &doc("m.txt", 2), b"mm".to_vec()).await;
    assert_eq!(used_bytes(&app, &owner.access).await, 6);
    let mine_path = format!("{FILES}/{}", mine["id"].as_str().unwrap());
    let theirs_path = format!("{FILES}/{}", theirs["id"].as_str().unwrap());
    // Members may change only their own uploads (defect 19).
    let rename = json!({"filename": "renamed.txt", "metadata": {"k": "v"}, "is_public": true});
    let res = app
        .request(
            Method::PATCH,
            &mine_path,
            Some(&member.access),
            Some(&rename),
        )
        .await;
    expect_detail(res, 403, "You can only modify files you uploaded").await;
    let res = app
        .request(
            Method::PATCH,
            &theirs_path,
            Some(&member.access),
            Some(&rename),
        )
        .await;
    let patched = expect_status(res, 200).await;
    assert_eq!(
        (
            &patched["filename"],
            &patched["is_public"],
            &patched["metadata"]["k"]
        ),
        (&json!("renamed.txt"), &json!(true), &json!("v"))
    );
    assert!(
        patched["metadata"].get("storage_key").is_some(),
        "merged: {patched}"
    );
    let res = app
        .request(
            Method::PATCH,
            &theirs_path,
            Some(&owner.access),
            Some(&rename),
        )
        .await;
    expect_status(res, 200).await;
    // Members hold no files.delete.
    let res = app.delete(&mine_path, &member.access).await;
    assert_eq!(res.status(), 403);
    // Soft delete, again, then hard: released once (defect 18).
    expect_status(app.delete(&mine_path, &owner.access).await, 204).await;
    assert_eq!(used_bytes(&app, &owner.access).await, 2);
    expect_status(app.delete(&mine_path, &owner.access).await, 204).await;
    let hard = format!("{mine_path}?hard_delete=true");
    expect_status(app.delete(&hard, &owner.access).await, 204).await;
    assert_eq!(used_bytes(&app, &owner.access).await, 2);
    expect_detail(
        app.get(&mine_path, &owner.access).await,
        404,
        "File not found",
    )
    .await;
    expect_detail(
        app.delete(&hard, &owner.access).await,
        404,
        "File not found",
    )
    .await;
    let s = expect_status(
        app.get(&format!("{FILES}/storage"), &owner.access).await,
        200,
    )
    .await;
    assert_eq!(s["file_count"], 1);
}

#[tokio::test]
async fn another_tenant_sees_nothing_of_tenant_a() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    let file = upload(&app, &a.access, &doc("secret.txt", 6), b"secret".to_vec()).await;
    let id = file["id"].as_str().unwrap();
    let path = format!("{FILES}/{id}");
    let probes: [(Method, String, Option<Value>); 5] = [
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/download"), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"filename": "mine.txt"})),
        ),
        (Method::DELETE, path.clone(), None),
        (Method::DELETE, format!("{path}?hard_delete=true"), None),
    ];
    for (method, p, body) in probes {
        let res = app
            .request(method.clone(), &p, Some(&b.access), body.as_ref())
            .await;
        let body = expect_detail(res, 404, "File not found").await;
        assert!(!body.to_string().contains("secret"), "{method} {p}: {body}");
    }
    let list = expect_status(app.get(FILES, &b.access).await, 200).await;
    assert_eq!(list["total"], 0);
    assert_eq!(used_bytes(&app, &b.access).await, 0);
    // A's tenant id in B's X-Tenant-ID is ignored for tenant users.
    let res = call(
        &app,
        Method::GET,
        FILES,
        &b.access,
        Some(&tenant_of(&a)),
        None,
    )
    .await;
    assert_eq!(expect_status(res, 200).await["total"], 0);
    // Tenant owners have no admin download.
    let admin = format!("{FILES}/admin/{id}/download");
    let res = app.get(&admin, &b.access).await;
    expect_detail(res, 403, "Super Admin access required for this operation").await;
    // A's file is untouched.
    let got = expect_status(app.get(&path, &a.access).await, 200).await;
    assert_eq!(got["filename"], "secret.txt");
}

#[tokio::test]
async fn system_admins_act_through_x_tenant_id_and_inactive_tenants_are_refused() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let tenant = tenant_of(&owner);
    let root = app.system_admin().await;
    let file = upload(&app, &owner.access, &doc("a.txt", 1), b"a".to_vec()).await;
    let id = file["id"].as_str().unwrap();
    let res = app.get(FILES, &root.access).await;
    expect_detail(res, 400, "X-Tenant-ID header required for system users").await;
    let res = call(&app, Method::GET, FILES, &root.access, Some("nope"), None).await;
    expect_validation(res, &[("header -> x-tenant-id", "uuid_parsing")]).await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let res = call(&app, Method::GET, FILES, &root.access, Some(unknown), None).await;
    expect_detail(res, 404, &format!("Tenant {unknown} not found")).await;
    let res = call(&app, Method::GET, FILES, &root.access, Some(&tenant), None).await;
    assert_eq!(expect_status(res, 200).await["items"][0]["id"], id);
    // The system admin uploads into the tenant.
    let presign = format!("{FILES}/upload/presign");
    let res = call(
        &app,
        Method::POST,
        &presign,
        &root.access,
        Some(&tenant),
        Some(&doc("r.txt", 2)),
    )
    .await;
    let p = expect_status(res, 200).await;
    assert!(p["storage_key"].as_str().unwrap().contains(&tenant));
    // Admin download (G-SUPER): admins yes, operators no.
    let admin = format!("{FILES}/admin/{id}/download");
    let d = expect_status(app.get(&admin, &root.access).await, 200).await;
    let bytes = app
        .client
        .get(d["download_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), b"a");
    let unknown_file = format!("{FILES}/admin/{unknown}/download");
    expect_detail(
        app.get(&unknown_file, &root.access).await,
        404,
        "File not found",
    )
    .await;
    let operator = app.system_operator().await;
    let res = app.get(&admin, &operator.access).await;
    expect_detail(res, 403, "Super Admin access required for this operation").await;
    // Deactivated tenant: no file access (defect 10).
    sql(&app, "UPDATE tenants SET is_active = false").await;
    let res = call(&app, Method::GET, FILES, &root.access, Some(&tenant), None).await;
    expect_detail(res, 403, "Tenant is inactive").await;
    let res = app.get(&format!("{FILES}/{id}"), &owner.access).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_quota_holds_at_the_exact_byte() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let presign = format!("{FILES}/upload/presign");
    // 1 GB quota with 10 bytes left
    sql(
        &app,
        "UPDATE tenants SET max_storage_gb = 1, storage_used_bytes = 1073741814",
    )
    .await;
    let res = app
        .post_json_as(&presign, &owner.access, &doc("over.txt", 11))
        .await;
    expect_detail(res, 403, "Storage quota exceeded. Used: 1.00GB / 1GB").await;
    // exactly the remaining 10 bytes fit, through presign and confirm
    let file = upload(
        &app,
        &owner.access,
        &doc("fits.txt", 10),
        b"0123456789".to_vec(),
    )
    .await;
    assert_eq!(file["size_bytes"], 10);
    assert_eq!(used_bytes(&app, &owner.access).await, 1_073_741_824);
    // and now not one byte more
    let res = app
        .post_json_as(&presign, &owner.access, &doc("one.txt", 1))
        .await;
    assert_eq!(res.status(), 403);
}
