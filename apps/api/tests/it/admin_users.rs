//! `GET /admin/users` (§3.2 A1). There is no operator constructor (no API or
//! service creates system operators), so operator access is not tested here.

use serde_json::Value;

use crate::expect::{assert_user_shape, expect_detail, expect_status, expect_validation};
use crate::spawn::spawn_app;

const LISTING_KEYS: [&str; 4] = [
    "branch_name",
    "branch_code",
    "tenant_name",
    "tenant_subdomain",
];

fn by_email<'a>(page: &'a Value, email: &str) -> &'a Value {
    page["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == email)
        .unwrap_or_else(|| panic!("{email} not listed: {page}"))
}

#[tokio::test]
async fn system_admin_lists_every_active_user_with_tenant_names() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    app.register_other_owner().await;
    let member = app.create_user(&owner.access, "member").await;
    let admin = app.system_admin().await;

    let page = expect_status(app.get("/api/v1/admin/users", &admin.access).await, 200).await;
    assert_eq!(page["total"], 4);
    assert_eq!(
        (page["page"].as_u64(), page["page_size"].as_u64()),
        (Some(1), Some(100))
    );
    for u in page["users"].as_array().unwrap() {
        assert_user_shape(u, &LISTING_KEYS);
    }
    let ada = by_email(&page, "ada@example.com");
    assert_eq!(ada["tenant_name"], "Ada's Workspace");
    assert_eq!(ada["tenant_subdomain"], "acme");
    assert_eq!(ada["branch_name"], "Head Office");
    let grace = by_email(&page, "grace@example.org");
    assert_eq!(grace["tenant_subdomain"], "globex");
    let root = by_email(&page, "root@example.com");
    assert_eq!(root["tenant_name"], Value::Null);
    assert_eq!(root["system_role"], "admin");
    assert_eq!(root["role"], "super_admin");
    assert_eq!(root["is_super_admin"], true);
    let m = by_email(&page, member["email"].as_str().unwrap());
    assert_eq!(m["tenant_subdomain"], "acme");
}

#[tokio::test]
async fn admin_list_filters() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    app.register_other_owner().await;
    app.create_user(&owner.access, "member").await;
    let admin = app.system_admin().await;
    let t = &admin.access;
    let tenant = owner.user["tenant_id"].as_str().unwrap();

    let page = expect_status(
        app.get(&format!("/api/v1/admin/users?tenant_id={tenant}"), t)
            .await,
        200,
    )
    .await;
    assert_eq!(page["total"], 2);
    assert!(
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["tenant_id"] == tenant)
    );
    let page = expect_status(
        app.get("/api/v1/admin/users?system_role=admin", t).await,
        200,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["users"][0]["email"], "root@example.com");
    let page = expect_status(
        app.get("/api/v1/admin/users?tenant_role=owner", t).await,
        200,
    )
    .await;
    assert_eq!(page["total"], 2);
    let page = expect_status(app.get("/api/v1/admin/users?search=GRACE", t).await, 200).await;
    assert_eq!(page["total"], 1);
    let page = expect_status(app.get("/api/v1/admin/users?skip=2&limit=2", t).await, 200).await;
    assert_eq!(
        (
            page["page"].as_u64(),
            page["users"].as_array().map(Vec::len)
        ),
        (Some(2), Some(2))
    );
    let page = expect_status(app.get("/api/v1/admin/users/?limit=500", t).await, 200).await;
    assert_eq!(page["page_size"], 500);
}

#[tokio::test]
async fn admin_list_validates_its_query() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let cases = [
        ("tenant_id=nope", "query -> tenant_id", "uuid_parsing"),
        ("system_role=root", "query -> system_role", "literal_error"),
        ("tenant_role=boss", "query -> tenant_role", "literal_error"),
        ("limit=501", "query -> limit", "less_than_equal"),
        ("limit=0", "query -> limit", "greater_than_equal"),
    ];
    for (query, field, kind) in cases {
        let res = app
            .get(&format!("/api/v1/admin/users?{query}"), &admin.access)
            .await;
        expect_validation(res, &[(field, kind)]).await;
    }
}

#[tokio::test]
async fn tenant_users_are_refused() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    for token in [&owner.access, &member.access] {
        let res = app.get("/api/v1/admin/users", token).await;
        let err = expect_detail(res, 403, "System access required").await;
        assert_eq!(err["code"], "system_access_required");
    }
    let res = app
        .request(reqwest::Method::GET, "/api/v1/admin/users", None, None)
        .await;
    expect_detail(res, 403, "Not authenticated").await;
}
