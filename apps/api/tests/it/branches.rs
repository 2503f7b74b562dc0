//! `/api/v1/branches` (§3.3): every endpoint and error branch, the defects
//! fixed (8, 9, 40, 43), limits under concurrency, roles, cross-tenant probes
//! and the inactive-tenant lock-out.

use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status};
use crate::spawn::{TestApp, spawn_app};

pub const BRANCHES: &str = "/api/v1/branches";
const BRANCH_KEYS: [&str; 19] = [
    "name",
    "code",
    "is_hq",
    "address",
    "city",
    "province",
    "postal_code",
    "country",
    "phone",
    "email",
    "latitude",
    "longitude",
    "timezone",
    "currency",
    "id",
    "tenant_id",
    "is_active",
    "created_at",
    "updated_at",
];

/// Raw SQL on the app's database (limits and flags no endpoint of this slice changes).
pub async fn sql(app: &TestApp, statement: &str) {
    app.runtime
        .sql
        .connection()
        .execute_unprepared(statement)
        .await
        .expect("sql");
}

pub async fn set_max_branches(app: &TestApp, n: i64) {
    sql(app, &format!("UPDATE tenants SET max_branches = {n}")).await;
}

pub async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    expect_status(app.post_json_as(BRANCHES, token, body).await, 201).await
}

pub fn path(b: &Value) -> String {
    format!("{BRANCHES}/{}", b["id"].as_str().expect("branch id"))
}

pub async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    expect_status(app.get(&format!("{BRANCHES}{query}"), token).await, 200).await
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one branch's whole story, step by step"
)]
async fn branch_lifecycle() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let page = list(&app, &owner.access, "").await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["page"].as_u64(),
            page["page_size"].as_u64()
        ),
        (Some(1), Some(1), Some(20))
    );
    let hq = page["branches"][0].clone();
    assert_eq!(
        (hq["code"].as_str(), hq["is_hq"].as_bool()),
        (Some("HQ"), Some(true))
    );
    for k in BRANCH_KEYS {
        assert!(hq.get(k).is_some(), "missing {k} in {hq}");
    }
    set_max_branches(&app, 5).await;

    let b = create(
        &app,
        &owner.access,
        &json!({"name": "Jakarta", "code": "JKT", "city": "Jakarta",
        "latitude": "-6.2088", "longitude": 106.8456}),
    )
    .await;
    assert_eq!(b["latitude"], "-6.20880000");
    assert_eq!(b["longitude"], "106.84560000");
    assert_eq!(
        (
            b["country"].as_str(),
            b["timezone"].as_str(),
            b["currency"].as_str()
        ),
        (Some("Indonesia"), Some("Asia/Jakarta"), Some("IDR"))
    );
    assert_eq!(
        (b["is_hq"].as_bool(), b["is_active"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(b["tenant_id"], owner.user["tenant_id"]);
    let got = expect_status(app.get(&path(&b), &owner.access).await, 200).await;
    assert_eq!(got, b);

    // PUT applies only the keys sent; null clears nullable fields.
    let put = expect_status(
        app.put_json(
            &path(&b),
            &owner.access,
            &json!({"name": "Jakarta Pusat", "city": null, "latitude": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (put["name"].as_str(), put["code"].as_str()),
        (Some("Jakarta Pusat"), Some("JKT"))
    );
    assert!(put["city"].is_null() && put["latitude"].is_null() && put["updated_at"].is_string());
    assert_eq!(put["longitude"], "106.84560000");

    // Codes are unique per tenant.
    let dup = app
        .post_json_as(
            BRANCHES,
            &owner.access,
            &json!({"name": "X", "code": "JKT"}),
        )
        .await;
    expect_detail(dup, 400, "Branch with code 'JKT' already exists").await;
    let res = app
        .put_json(&path(&b), &owner.access, &json!({"code": "HQ"}))
        .await;
    expect_detail(res, 400, "Branch with code 'HQ' already exists").await;

    // Search and paging.
    let found = list(&app, &owner.access, "?search=pusat").await;
    assert_eq!(found["total"], 1);
    let second = list(&app, &owner.access, "?skip=1&limit=1").await;
    assert_eq!(
        (second["page"].as_u64(), second["page_size"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        second["branches"][0]["id"], b["id"],
        "HQ first, then newest"
    );

    // Soft delete: the branch is gone for every endpoint (defect 40).
    expect_status(app.delete(&path(&b), &owner.access).await, 204).await;
    expect_detail(
        app.get(&path(&b), &owner.access).await,
        404,
        "Branch not found",
    )
    .await;
    let res = app
        .put_json(&path(&b), &owner.access, &json!({"name": "Zombie"}))
        .await;
    expect_detail(res, 404, "Branch not found").await;
    expect_detail(
        app.delete(&path(&b), &owner.access).await,
        404,
        "Branch not found",
    )
    .await;
    let res = app
        .post_json_as(&format!("{}/set-hq", path(&b)), &owner.access, &json!({}))
        .await;
    expect_detail(res, 404, "Branch not found").await;
    assert_eq!(list(&app, &owner.access, "").await["total"], 1);
    // A deleted branch keeps its code (contract; defect 43's DB constraint).
    let res = app
        .post_json_as(
            BRANCHES,
            &owner.access,
            &json!({"name": "Again", "code": "JKT"}),
        )
        .await;
    expect_detail(res, 400, "Branch with code 'JKT' already exists").await;
}

#[tokio::test]
async fn exactly_one_headquarters() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    set_max_branches(&app, -1).await;
    let hq = list(&app, &owner.access, "").await["branches"][0].clone();
    expect_detail(
        app.delete(&path(&hq), &owner.access).await,
        400,
        "Cannot delete headquarters branch",
    )
    .await;
    let res = app
        .put_json(&path(&hq), &owner.access, &json!({"is_hq": false}))
        .await;
    expect_detail(
        res,
        400,
        "A tenant must keep one headquarters branch. Set another branch as headquarters instead.",
    )
    .await;
    let res = app
        .put_json(&path(&hq), &owner.access, &json!({"is_active": false}))
        .await;
    expect_detail(res, 400, "Cannot deactivate headquarters branch").await;

    let b = create(
        &app,
        &owner.access,
        &json!({"name": "Bandung", "code": "BDG"}),
    )
    .await;
    let set = format!("{}/set-hq", path(&b));
    let promoted = expect_status(
        app.request(Method::POST, &set, Some(&owner.access), None)
            .await,
        200,
    )
    .await;
    assert_eq!(promoted["is_hq"], true);
    let again = expect_status(
        app.request(Method::POST, &set, Some(&owner.access), None)
            .await,
        200,
    )
    .await;
    assert_eq!(again, promoted, "already HQ: unchanged");
    let old = expect_status(app.get(&path(&hq), &owner.access).await, 200).await;
    assert_eq!(old["is_hq"], false, "previous HQ demoted");

    // Defect 9: create and update with is_hq=true demote the current HQ.
    let c = create(
        &app,
        &owner.access,
        &json!({"name": "Cirebon", "code": "CRB", "is_hq": true}),
    )
    .await;
    assert_eq!(c["is_hq"], true);
    let d = create(
        &app,
        &owner.access,
        &json!({"name": "Depok", "code": "DPK"}),
    )
    .await;
    let d = expect_status(
        app.put_json(&path(&d), &owner.access, &json!({"is_hq": true}))
            .await,
        200,
    )
    .await;
    assert_eq!(d["is_hq"], true);
    let all = list(&app, &owner.access, "").await;
    let hqs: Vec<_> = all["branches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["is_hq"] == true)
        .collect();
    assert_eq!(hqs.len(), 1, "{all}");
    assert_eq!(all["branches"][0]["id"], d["id"], "HQ listed first");
}

#[tokio::test]
async fn deactivation_obeys_the_delete_rules_and_reactivation_the_limit() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    set_max_branches(&app, 2).await;
    let b = create(
        &app,
        &owner.access,
        &json!({"name": "Bogor", "code": "BGR"}),
    )
    .await;
    let body = json!({"email": app.unique_email("staff"), "password": crate::spawn::PASSWORD,
        "first_name": "S", "last_name": "T", "default_branch_id": b["id"]});
    let user = expect_status(
        app.post_json_as("/api/v1/users", &owner.access, &body)
            .await,
        201,
    )
    .await;
    let msg = "Cannot delete branch with 1 active user(s). Please reassign users first.";
    expect_detail(app.delete(&path(&b), &owner.access).await, 400, msg).await;
    let res = app
        .put_json(&path(&b), &owner.access, &json!({"is_active": false}))
        .await;
    expect_detail(
        res,
        400,
        "Cannot deactivate branch with 1 active user(s). Please reassign users first.",
    )
    .await;

    let uid = user["id"].as_str().unwrap();
    expect_status(
        app.delete(&format!("/api/v1/users/{uid}"), &owner.access)
            .await,
        204,
    )
    .await;
    let off = expect_status(
        app.put_json(&path(&b), &owner.access, &json!({"is_active": false}))
            .await,
        200,
    )
    .await;
    assert_eq!(off["is_active"], false);
    assert_eq!(
        list(&app, &owner.access, "").await["total"],
        1,
        "inactive branches are not listed"
    );
    create(
        &app,
        &owner.access,
        &json!({"name": "Cianjur", "code": "CJR"}),
    )
    .await;
    // Defect 8: reactivation re-checks the limit.
    let res = app
        .put_json(&path(&b), &owner.access, &json!({"is_active": true}))
        .await;
    expect_detail(
        res,
        403,
        "Branch limit reached (2). Upgrade your plan to add more branches.",
    )
    .await;
    set_max_branches(&app, 3).await;
    let on = expect_status(
        app.put_json(&path(&b), &owner.access, &json!({"is_active": true}))
            .await,
        200,
    )
    .await;
    assert_eq!(on["is_active"], true);
}

#[tokio::test]
async fn limits_and_subscription_gate_creation() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let body = json!({"name": "Second", "code": "SEC"});
    // Free tier: max_branches 1, and registration created the HQ.
    let res = app.post_json_as(BRANCHES, &owner.access, &body).await;
    expect_detail(
        res,
        403,
        "Branch limit reached (1). Upgrade your plan to add more branches.",
    )
    .await;
    sql(&app, "UPDATE tenants SET subscription_status = 'expired'").await;
    let res = app.post_json_as(BRANCHES, &owner.access, &body).await;
    expect_detail(
        res,
        403,
        "Your subscription is not active. Please contact your administrator.",
    )
    .await;
    sql(
        &app,
        "UPDATE tenants SET subscription_status = 'trial', max_branches = -1",
    )
    .await;
    create(&app, &owner.access, &body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_creations_at_the_limit_leave_at_most_the_limit() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    set_max_branches(&app, 2).await;
    let (a, b) = (
        json!({"name": "A", "code": "A"}),
        json!({"name": "B", "code": "B"}),
    );
    let (r1, r2) = tokio::join!(
        app.post_json_as(BRANCHES, &owner.access, &a),
        app.post_json_as(BRANCHES, &owner.access, &b)
    );
    let (s1, s2) = (r1.status().as_u16(), r2.status().as_u16());
    let loser = match (s1, s2) {
        (201, _) => r2,
        (_, 201) => r1,
        _ => panic!("expected one 201: {s1} {s2}"),
    };
    expect_detail(
        loser,
        403,
        "Branch limit reached (2). Upgrade your plan to add more branches.",
    )
    .await;
    assert_eq!(list(&app, &owner.access, "").await["total"], 2);
}
