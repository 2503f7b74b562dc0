//! `/api/v1/branches` access rules: roles (§3.3, §4.5), cross-tenant probes
//! and the inactive-tenant lock-out, and 422s for malformed input.

use reqwest::Method;
use serde_json::json;

use crate::branches::{BRANCHES, create, list, path, set_max_branches, sql};
use crate::expect::{assert_leaks_nothing, expect_detail, expect_status, expect_validation};
use crate::spawn::spawn_app;

#[tokio::test]
async fn members_read_admins_write_system_users_are_refused() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    set_max_branches(&app, -1).await;
    let b = create(
        &app,
        &owner.access,
        &json!({"name": "Medan", "code": "MDN"}),
    )
    .await;
    let admin = app.create_user_session(&owner.access, "admin").await;
    create(
        &app,
        &admin.access,
        &json!({"name": "By admin", "code": "ADM"}),
    )
    .await;
    let member = app.create_user_session(&owner.access, "member").await;
    assert_eq!(list(&app, &member.access, "").await["total"], 3);
    expect_status(app.get(&path(&b), &member.access).await, 200).await;
    let denied = "Admin access required for this operation";
    let writes = [
        (
            Method::POST,
            BRANCHES.to_owned(),
            Some(json!({"name": "M", "code": "M"})),
        ),
        (Method::PUT, path(&b), Some(json!({"name": "M"}))),
        (Method::DELETE, path(&b), None),
        (Method::POST, format!("{}/set-hq", path(&b)), None),
    ];
    for (m, p, body) in &writes {
        let res = app
            .request(m.clone(), p, Some(&member.access), body.as_ref())
            .await;
        expect_detail(res, 403, denied).await;
    }
    let root = app.system_admin().await;
    let tenant_only = "Tenant access required. System users should use admin endpoints.";
    expect_detail(app.get(BRANCHES, &root.access).await, 403, tenant_only).await;
    for (m, p, body) in &writes {
        let res = app
            .request(m.clone(), p, Some(&root.access), body.as_ref())
            .await;
        expect_detail(res, 403, tenant_only).await;
    }
    let res = app.request(Method::GET, BRANCHES, None, None).await;
    expect_detail(res, 403, "Not authenticated").await;
}

#[tokio::test]
async fn tenant_b_cannot_reach_tenant_a_branches() {
    let app = spawn_app().await;
    let a = app.register_owner().await;
    let b = app.register_other_owner().await;
    set_max_branches(&app, -1).await;
    let victim = create(
        &app,
        &a.access,
        &json!({"name": "Secret Site", "code": "SECRET", "city": "Hidden"}),
    )
    .await;
    let secrets = [
        "Secret Site",
        "SECRET",
        "Hidden",
        a.user["tenant_id"].as_str().unwrap(),
    ];
    let probes = [
        (Method::GET, path(&victim), None),
        (
            Method::PUT,
            path(&victim),
            Some(json!({"name": "Owned", "is_active": false})),
        ),
        (Method::DELETE, path(&victim), None),
        (Method::POST, format!("{}/set-hq", path(&victim)), None),
    ];
    for (m, p, body) in probes {
        let res = app.request(m, &p, Some(&b.access), body.as_ref()).await;
        let err = expect_detail(res, 404, "Branch not found").await;
        assert_leaks_nothing(&err, &secrets);
    }
    let theirs = list(&app, &b.access, "?search=secret").await;
    assert_eq!(theirs["total"], 0);
    let after = expect_status(app.get(&path(&victim), &a.access).await, 200).await;
    assert_eq!(after, victim, "A's branch is unchanged");
}

#[tokio::test]
async fn deactivated_tenants_are_locked_out() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let hq = list(&app, &owner.access, "").await["branches"][0].clone();
    sql(&app, "UPDATE tenants SET is_active = false").await;
    let probes = [
        (Method::GET, BRANCHES.to_owned(), None),
        (
            Method::POST,
            BRANCHES.to_owned(),
            Some(json!({"name": "N", "code": "N"})),
        ),
        (Method::GET, path(&hq), None),
        (Method::PUT, path(&hq), Some(json!({"name": "N"}))),
        (Method::DELETE, path(&hq), None),
        (Method::POST, format!("{}/set-hq", path(&hq)), None),
    ];
    for (m, p, body) in probes {
        let res = app.request(m, &p, Some(&owner.access), body.as_ref()).await;
        expect_detail(res, 403, "Tenant is inactive").await;
    }
}

#[tokio::test]
async fn invalid_input_is_a_422() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let t = &owner.access;
    let res = app.post_json_as(BRANCHES, t, &json!({})).await;
    expect_validation(
        res,
        &[("body -> name", "missing"), ("body -> code", "missing")],
    )
    .await;
    let long = "x".repeat(51);
    let res = app
        .post_json_as(
            BRANCHES,
            t,
            &json!({"name": "", "code": long, "latitude": "north",
        "longitude": 181, "country": null}),
        )
        .await;
    expect_validation(
        res,
        &[
            ("body -> name", "string_too_short"),
            ("body -> code", "string_too_long"),
            ("body -> country", "string_type"),
            ("body -> latitude", "decimal_parsing"),
            ("body -> longitude", "less_than_equal"),
        ],
    )
    .await;
    let hq = list(&app, t, "").await["branches"][0].clone();
    let res = app
        .put_json(&path(&hq), t, &json!({"name": null, "is_active": "yes"}))
        .await;
    expect_validation(
        res,
        &[
            ("body -> name", "string_type"),
            ("body -> is_active", "bool_type"),
        ],
    )
    .await;
    let res = app.get(&format!("{BRANCHES}?skip=-1&limit=101"), t).await;
    expect_validation(
        res,
        &[
            ("query -> skip", "greater_than_equal"),
            ("query -> limit", "less_than_equal"),
        ],
    )
    .await;
    let res = app.get(&format!("{BRANCHES}/not-a-uuid"), t).await;
    expect_validation(res, &[("path -> branch_id", "uuid_parsing")]).await;
}
