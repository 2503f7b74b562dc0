//! The read side of platform administration: `/admin/tenants` views (§3.5
//! #2–#7, #11) and `/admin/stats` (§3.6), for system admins AND operators
//! (issue 3), with defects 29–32 fixed.

use harmony_adapters_sql::entity::tenants;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::branches::{create, set_max_branches, sql};
use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{Session, TestApp, spawn_app};

mod stats;

pub const ADMIN: &str = "/api/v1/admin/tenants";

/// Acme (owner, admin, member, a second branch) and Globex, plus both system roles.
pub struct World {
    pub app: TestApp,
    pub owner: Session,
    pub acme: String,
    pub globex: String,
    pub root: Session,
    pub operator: Session,
}

pub async fn world() -> World {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let other = app.register_other_owner().await;
    app.create_user(&owner.access, "admin").await;
    app.create_user(&owner.access, "member").await;
    set_max_branches(&app, 5).await;
    create(
        &app,
        &owner.access,
        &json!({"name": "Depot", "code": "DEP", "city": "Bandung"}),
    )
    .await;
    let root = app.system_admin().await;
    let operator = app.system_operator().await;
    World {
        acme: owner.user["tenant_id"].as_str().unwrap().to_owned(),
        globex: other.user["tenant_id"].as_str().unwrap().to_owned(),
        app,
        owner,
        root,
        operator,
    }
}

pub async fn get(app: &TestApp, token: &str, path: impl std::fmt::Display) -> Value {
    expect_status(app.get(&format!("{ADMIN}{path}"), token).await, 200).await
}

/// Writes a tenant timestamp through the entity, so it is stored as the adapter stores it.
pub async fn set_time(app: &TestApp, subdomain: &str, col: tenants::Column, at: OffsetDateTime) {
    tenants::Entity::update_many()
        .col_expr(col, Expr::value(at))
        .filter(tenants::Column::Subdomain.eq(subdomain))
        .exec(app.runtime.sql.connection())
        .await
        .expect("update tenant");
}

fn subdomains(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subdomain"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn list_has_summaries_filters_search_and_paging() {
    let w = world().await;
    let (app, t) = (&w.app, &w.root.access);
    let page = get(app, t, "").await;
    assert_eq!(subdomains(&page), ["globex", "acme"], "newest first");
    assert_eq!(
        (
            &page["total"],
            &page["page"],
            &page["page_size"],
            &page["total_pages"]
        ),
        (&json!(2), &json!(1), &json!(100), &json!(1))
    );
    let acme = &page["items"][1];
    let keys: Vec<&str> = acme
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 9, "{acme}");
    assert_eq!(
        (&acme["user_count"], &acme["branch_count"]),
        (&json!(3), &json!(2))
    );
    assert_eq!(
        (&acme["id"], &acme["tier"]),
        (&json!(w.acme), &json!("free"))
    );
    assert_eq!(acme["subscription_status"], "active");

    sql(app, "UPDATE tenants SET tier = 'premium', subscription_status = 'trial' WHERE subdomain = 'globex'").await;
    sql(
        app,
        "UPDATE tenants SET is_active = false WHERE subdomain = 'acme'",
    )
    .await;
    for (query, expected) in [
        ("?tier=premium", vec!["globex"]),
        ("?tier=enterprise", vec![]),
        ("?status=trial", vec!["globex"]),
        ("?status=active", vec!["acme"]),
        ("?is_active=false", vec!["acme"]),
        ("?is_active=true&tier=premium", vec!["globex"]),
        ("?search=ACM", vec!["acme"]),
        ("?search=lob", vec!["globex"]),
        ("?search=workspace", vec!["globex", "acme"]),
        ("?search=%25", vec![]),
        ("/?skip=1&limit=1", vec!["acme"]),
    ] {
        let page = get(app, t, query).await;
        assert_eq!(subdomains(&page), expected, "{query}");
    }
    let page = get(app, t, "?skip=1&limit=1").await;
    assert_eq!(
        (
            &page["total"],
            &page["page"],
            &page["page_size"],
            &page["total_pages"]
        ),
        (&json!(2), &json!(2), &json!(1), &json!(2))
    );
    let page = get(app, t, "?search=nothing-like-this").await;
    assert_eq!(
        (&page["total"], &page["total_pages"]),
        (&json!(0), &json!(0))
    );
}

#[tokio::test]
async fn unknown_filters_and_bad_ids_are_422() {
    let app = spawn_app().await;
    let root = app.system_admin().await;
    for (query, field, kind) in [
        ("?tier=gold", "query -> tier", "literal_error"),
        ("?status=paused", "query -> status", "literal_error"),
        ("?is_active=maybe", "query -> is_active", "bool_parsing"),
        ("?limit=501", "query -> limit", "less_than_equal"),
        ("?limit=0", "query -> limit", "greater_than_equal"),
        ("?skip=x", "query -> skip", "int_parsing"),
    ] {
        let res = app.get(&format!("{ADMIN}{query}"), &root.access).await;
        expect_validation(res, &[(field, kind)]).await;
    }
    for path in ["/nope", "/nope/users", "/nope/branches", "/nope/stats"] {
        let res = app.get(&format!("{ADMIN}{path}"), &root.access).await;
        expect_validation(res, &[("path -> tenant_id", "uuid_parsing")]).await;
    }
    let id = uuid::Uuid::new_v4();
    let res = app
        .get(&format!("{ADMIN}/{id}/users?role=boss"), &root.access)
        .await;
    expect_validation(res, &[("query -> role", "literal_error")]).await;
}

#[tokio::test]
async fn unknown_tenants_are_404_with_the_contract_messages() {
    let app = spawn_app().await;
    let root = app.system_admin().await;
    let id = uuid::Uuid::new_v4();
    for path in ["", "/users", "/branches", "/stats"] {
        let res = app.get(&format!("{ADMIN}/{id}{path}"), &root.access).await;
        expect_detail(res, 404, &format!("Tenant with ID {id} not found")).await;
    }
    let res = app
        .get(&format!("{ADMIN}/subdomain/nobody"), &root.access)
        .await;
    expect_detail(res, 404, "Tenant with subdomain 'nobody' not found").await;
}

#[tokio::test]
async fn both_system_roles_read_every_view_and_tenant_users_are_refused() {
    let w = world().await;
    let app = &w.app;
    let paths = [
        ADMIN.to_owned(),
        format!("{ADMIN}/stats"),
        format!("{ADMIN}/subdomain/acme"),
        format!("{ADMIN}/{}", w.acme),
        format!("{ADMIN}/{}/users", w.acme),
        format!("{ADMIN}/{}/branches", w.acme),
        format!("{ADMIN}/{}/stats", w.acme),
        "/api/v1/admin/stats".to_owned(),
    ];
    let tenant_admin = app.create_user_session(&w.owner.access, "admin").await;
    let member = app.create_user_session(&w.owner.access, "member").await;
    for path in &paths {
        for token in [&w.root.access, &w.operator.access] {
            expect_status(app.get(path, token).await, 200).await;
        }
        for token in [&w.owner.access, &tenant_admin.access, &member.access] {
            expect_detail(app.get(path, token).await, 403, "System access required").await;
        }
    }
}

#[tokio::test]
async fn detail_counts_active_rows_and_subdomain_lookup_sends_zero() {
    let w = world().await;
    let (app, t) = (&w.app, &w.operator.access);
    sql(
        app,
        "UPDATE users SET is_active = false WHERE tenant_role = 'member'",
    )
    .await;
    let acme = get(app, t, &format!("/{}", w.acme)).await;
    assert_eq!(acme.as_object().unwrap().len(), 20, "{acme}");
    assert_eq!(
        (&acme["user_count"], &acme["branch_count"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(
        (&acme["name"], &acme["max_users"]),
        (&json!("Ada's Workspace"), &json!(5))
    );
    assert_eq!(
        (&acme["features"], &acme["trial_ends_at"]),
        (&json!({}), &Value::Null)
    );
    let by_sub = get(app, t, "/subdomain/globex").await;
    assert_eq!(
        (&by_sub["id"], &by_sub["user_count"]),
        (&json!(w.globex), &json!(0))
    );
    assert_eq!(by_sub["branch_count"], 0);
}

#[tokio::test]
async fn tenant_users_filter_by_role_and_search() {
    let w = world().await;
    let (app, t) = (&w.app, &w.root.access);
    let users = |q: &'static str| get(app, t, format!("/{}/users{q}", w.acme));
    let page = users("").await;
    assert_eq!(
        (&page["total"], &page["page_size"]),
        (&json!(3), &json!(100))
    );
    assert!(
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["tenant_subdomain"] == "acme" && u["tenant_name"] == "Ada's Workspace")
    );
    let page = users("?role=member").await;
    assert_eq!(page["total"], 1, "defect 30: the role filter works");
    assert_eq!(page["users"][0]["tenant_role"], "member");
    let page = users("?role=owner").await;
    assert_eq!(page["users"][0]["email"], "ada@example.com");
    let page = users("?search=ADA@").await;
    assert_eq!(page["total"], 1);
    let page = users("?skip=2&limit=2").await;
    assert_eq!(
        (&page["page"], page["users"].as_array().map(Vec::len)),
        (&json!(2), Some(1))
    );
    let page = get(app, t, &format!("/{}/users", w.globex)).await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn tenant_branches_are_the_active_ones_headquarters_first() {
    let w = world().await;
    let (app, t) = (&w.app, &w.operator.access);
    let page = get(app, t, &format!("/{}/branches", w.acme)).await;
    assert_eq!(
        (&page["total"], &page["page"], &page["page_size"]),
        (&json!(2), &json!(1), &json!(100))
    );
    assert_eq!(
        (&page["branches"][0]["code"], &page["branches"][1]["code"]),
        (&json!("HQ"), &json!("DEP"))
    );
    assert_eq!(page["branches"][0].as_object().unwrap().len(), 19);
    sql(
        app,
        "UPDATE branches SET is_active = false WHERE code = 'DEP'",
    )
    .await;
    let page = get(app, t, &format!("/{}/branches?limit=1", w.acme)).await;
    assert_eq!((&page["total"], &page["page_size"]), (&json!(1), &json!(1)));
    let res = app
        .get(&format!("{ADMIN}/{}/branches?limit=501", w.acme), t)
        .await;
    expect_validation(res, &[("query -> limit", "less_than_equal")]).await;
}
