//! `GET /users`, `POST /users`, `GET /users/{id}` (§3.2 #1–3, §10.5).

use serde_json::{Value, json};

use crate::expect::{
    assert_leaks_nothing, assert_user_shape, expect_detail, expect_status, expect_validation,
};
use crate::spawn::{PASSWORD, spawn_app};

const LISTING_KEYS: [&str; 4] = [
    "branch_name",
    "branch_code",
    "tenant_name",
    "tenant_subdomain",
];

fn emails(page: &Value) -> Vec<String> {
    page["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_returns_the_envelope_with_paging() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    app.create_user(&owner.access, "admin").await;
    app.create_user(&owner.access, "member").await;

    let page = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["page"], 1);
    assert_eq!(page["page_size"], 20);
    assert_eq!(page.as_object().unwrap().len(), 4, "{page}");
    let users = page["users"].as_array().unwrap();
    assert_eq!(users.len(), 3);
    for u in users {
        assert_user_shape(u, &LISTING_KEYS);
        assert_eq!(u["tenant_name"], Value::Null);
        assert_eq!(u["tenant_id"], owner.user["tenant_id"]);
    }
    let me = users.iter().find(|u| u["id"] == owner.user["id"]).unwrap();
    assert_eq!(me["branch_name"], "Head Office");
    assert_eq!(me["branch_code"], "HQ");

    let page = expect_status(
        app.get("/api/v1/users?skip=2&limit=2", &owner.access).await,
        200,
    )
    .await;
    assert_eq!(
        (page["page"].as_u64(), page["page_size"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!((page["total"].as_u64(), emails(&page).len()), (Some(3), 1));
    let page = expect_status(
        app.get("/api/v1/users?skip=4&limit=2", &owner.access).await,
        200,
    )
    .await;
    assert_eq!(page["page"], 3);
    assert!(emails(&page).is_empty());
}

#[tokio::test]
async fn list_filters_by_search_role_and_branch() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let admin = app.create_user(&owner.access, "admin").await;
    app.create_user(&owner.access, "member").await;
    let t = &owner.access;

    let page = expect_status(app.get("/api/v1/users?search=ADMIN0", t).await, 200).await;
    assert_eq!(emails(&page), [admin["email"].as_str().unwrap()]);
    let page = expect_status(app.get("/api/v1/users?search=lovelace", t).await, 200).await;
    assert_eq!(emails(&page), ["ada@example.com"]);
    let page = expect_status(app.get("/api/v1/users?tenant_role=member", t).await, 200).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["users"][0]["tenant_role"], "member");
    let branch = owner.user["default_branch_id"].as_str().unwrap();
    let page = expect_status(
        app.get(&format!("/api/v1/users?branch_id={branch}"), t)
            .await,
        200,
    )
    .await;
    assert_eq!(emails(&page), ["ada@example.com"]);
}

#[tokio::test]
async fn list_validates_its_query() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let t = &owner.access;
    let cases = [
        ("branch_id=nope", "query -> branch_id", "uuid_parsing"),
        ("tenant_role=boss", "query -> tenant_role", "literal_error"),
        ("limit=0", "query -> limit", "greater_than_equal"),
        ("limit=101", "query -> limit", "less_than_equal"),
        ("limit=ten", "query -> limit", "int_parsing"),
        ("skip=-1", "query -> skip", "int_parsing"),
    ];
    for (query, field, kind) in cases {
        let res = app.get(&format!("/api/v1/users?{query}"), t).await;
        expect_validation(res, &[(field, kind)]).await;
    }
    let res = app.get("/api/v1/users?limit=100", t).await;
    assert_eq!(expect_status(res, 200).await["page_size"], 100);
}

#[tokio::test]
async fn members_may_list_and_read_users() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let page = expect_status(app.get("/api/v1/users", &member.access).await, 200).await;
    assert_eq!(page["total"], 2);
    let path = format!("/api/v1/users/{}", owner.id());
    let user = expect_status(app.get(&path, &member.access).await, 200).await;
    assert_eq!(user["email"], "ada@example.com");
}

#[tokio::test]
async fn trailing_slash_is_served_like_the_declared_path() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let plain = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    let slash = expect_status(app.get("/api/v1/users/", &owner.access).await, 200).await;
    assert_eq!(plain, slash);
    let body = json!({"email": "slash@example.com", "password": PASSWORD});
    expect_status(
        app.post_json_as("/api/v1/users/", &owner.access, &body)
            .await,
        201,
    )
    .await;
}

#[tokio::test]
async fn create_makes_an_active_verified_user() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let body = json!({"email": "Bob@Example.com", "password": PASSWORD, "first_name": "Bob",
        "last_name": "Builder", "phone": "+62 811", "business_role": "Foreman"});
    let res = app
        .post_json_as("/api/v1/users", &owner.access, &body)
        .await;
    let user = expect_status(res, 201).await;
    assert_user_shape(&user, &[]);
    assert_eq!(user["email"], "bob@example.com");
    assert_eq!(user["full_name"], "Bob Builder");
    assert_eq!(user["phone"], "+62 811");
    assert_eq!(user["business_role"], "Foreman");
    assert_eq!(
        (user["tenant_role"].as_str(), user["role"].as_str()),
        (Some("member"), Some("member"))
    );
    assert_eq!(
        (user["is_active"].as_bool(), user["is_verified"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(user["tenant_id"], owner.user["tenant_id"]);
    assert_eq!(user["default_branch_id"], Value::Null);
    app.login_ok("bob@example.com", PASSWORD).await;
    // No e-mail for admin-created users (only the owner's welcome).
    assert!(
        app.deliver_mail()
            .await
            .iter()
            .all(|m| m.to != "bob@example.com")
    );
}

#[tokio::test]
async fn create_needs_the_create_permission() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let body = json!({"email": "x@example.com", "password": PASSWORD});
    let res = app
        .post_json_as("/api/v1/users", &member.access, &body)
        .await;
    let err = expect_detail(res, 403, "Permission 'tenant.users.create' required").await;
    assert_eq!(err["code"], "permission_required");
    let admin = app.create_user_session(&owner.access, "admin").await;
    expect_status(
        app.post_json_as("/api/v1/users", &admin.access, &body)
            .await,
        201,
    )
    .await;
}

#[tokio::test]
async fn create_enforces_the_free_tier_user_limit() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    for _ in 0..4 {
        app.create_user(&owner.access, "member").await;
    }
    let body = json!({"email": "sixth@example.com", "password": PASSWORD});
    let res = app
        .post_json_as("/api/v1/users", &owner.access, &body)
        .await;
    let err = expect_detail(
        res,
        403,
        "User limit reached (5). Upgrade your plan to add more users.",
    )
    .await;
    assert_eq!(err["code"], "user_limit_reached");
    let res = app
        .post_json_as(
            "/api/v1/users/invite",
            &owner.access,
            &json!({"email": "sixth@example.com"}),
        )
        .await;
    expect_detail(res, 403, "User limit reached (5). Upgrade your plan.").await;
}

#[tokio::test]
async fn create_refuses_taken_emails_and_foreign_branches() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    for email in ["ada@example.com", "GRACE@example.org"] {
        let body = json!({"email": email, "password": PASSWORD});
        let res = app
            .post_json_as("/api/v1/users", &owner.access, &body)
            .await;
        expect_detail(res, 400, "Email already registered").await;
    }
    let foreign = other.user["default_branch_id"].as_str().unwrap();
    for branch in [foreign, "5f0c6d4e-0000-4000-8000-000000000000"] {
        let body =
            json!({"email": "new@example.com", "password": PASSWORD, "default_branch_id": branch});
        let res = app
            .post_json_as("/api/v1/users", &owner.access, &body)
            .await;
        expect_detail(res, 400, "Invalid branch").await;
    }
    let own = owner.user["default_branch_id"].as_str().unwrap();
    let body = json!({"email": "new@example.com", "password": PASSWORD, "default_branch_id": own});
    let user = expect_status(
        app.post_json_as("/api/v1/users", &owner.access, &body)
            .await,
        201,
    )
    .await;
    assert_eq!(user["default_branch_id"], own);
}

#[tokio::test]
async fn create_validates_the_body() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let res = app
        .post_json_as("/api/v1/users", &owner.access, &json!({}))
        .await;
    expect_validation(
        res,
        &[
            ("body -> email", "missing"),
            ("body -> password", "missing"),
        ],
    )
    .await;
    let body = json!({"email": "x@example.com", "password": "weakpassword1", "tenant_role": "owner",
        "default_branch_id": "nope"});
    let res = app
        .post_json_as("/api/v1/users", &owner.access, &body)
        .await;
    expect_validation(
        res,
        &[
            ("body -> password", "value_error"),
            ("body -> tenant_role", "literal_error"),
            ("body -> default_branch_id", "uuid_parsing"),
        ],
    )
    .await;
}

#[tokio::test]
async fn get_returns_users_of_the_own_tenant_only() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    let member = app.create_user(&owner.access, "member").await;
    let path = format!("/api/v1/users/{}", member["id"].as_str().unwrap());
    let user = expect_status(app.get(&path, &owner.access).await, 200).await;
    assert_user_shape(&user, &[]);
    assert_eq!(user, member);

    let res = app.get(&path, &other.access).await;
    let err = expect_detail(res, 404, "User not found").await;
    assert_leaks_nothing(&err, &[member["email"].as_str().unwrap()]);
    let res = app
        .get(
            "/api/v1/users/5f0c6d4e-0000-4000-8000-000000000000",
            &owner.access,
        )
        .await;
    expect_detail(res, 404, "User not found").await;
    let res = app.get("/api/v1/users/not-a-uuid", &owner.access).await;
    expect_validation(res, &[("path -> user_id", "uuid_parsing")]).await;
}

#[tokio::test]
async fn system_users_are_refused_by_tenant_endpoints() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let res = app.get("/api/v1/users", &admin.access).await;
    expect_detail(
        res,
        403,
        "Tenant access required. System users should use admin endpoints.",
    )
    .await;
}

#[tokio::test]
async fn list_is_newest_first_and_search_is_literal() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let first = app.create_user(&owner.access, "member").await;
    let second = app.create_user(&owner.access, "member").await;
    let page = expect_status(app.get("/api/v1/users", &owner.access).await, 200).await;
    let want = [&second["email"], &first["email"], &owner.user["email"]];
    let got: Vec<&Value> = page["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["email"])
        .collect();
    assert_eq!(got, want);
    // LIKE wildcards in `search` match themselves only.
    for wildcard in ["%25", "_"] {
        let res = app
            .get(&format!("/api/v1/users?search={wildcard}"), &owner.access)
            .await;
        assert_eq!(expect_status(res, 200).await["total"], 0, "{wildcard}");
    }
}
