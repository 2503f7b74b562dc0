//! Per-user and per-tenant limits of authenticated requests, per-tier tenant
//! quotas, and the IETF `RateLimit-Policy` / `RateLimit` fields.

use crate::expect::{expect_status, header};
use crate::spawn::{Options, spawn_app_with};

async fn me(app: &crate::spawn::TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/auth/me", token).await
}

#[tokio::test]
async fn each_user_has_a_budget_and_answers_carry_the_ietf_fields() {
    let app = spawn_app_with(Options {
        settings: vec![("rate_limit.api.per_user.limit", "3")],
        ..Options::default()
    })
    .await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    // registration is anonymous; POST /users was the owner's first request
    let res = me(&app, &owner.access).await;
    let policy = header(&res, "ratelimit-policy");
    assert_eq!(policy, r#""user";q=3;w=60, "tenant";q=6000;w=60"#);
    let state = header(&res, "ratelimit");
    assert!(state.starts_with(r#""user";r=1;t="#), "{state}");
    expect_status(res, 200).await;
    let res = me(&app, &owner.access).await;
    assert_eq!(header(&res, "x-ratelimit-remaining"), "0");
    expect_status(res, 200).await;

    let res = me(&app, &owner.access).await;
    assert_eq!(res.status(), 429);
    assert!(header(&res, "retry-after").parse::<u64>().unwrap() >= 1);
    assert!(header(&res, "ratelimit").starts_with(r#""user";r=0"#));
    let body = expect_status(res, 429).await;
    assert_eq!(body["detail"]["error"], "rate_limit_exceeded", "{body}");
    // another user of the same tenant has their own budget
    expect_status(me(&app, &member.access).await, 200).await;
}

#[tokio::test]
async fn a_tenant_shares_one_budget_set_by_its_tier() {
    let app = spawn_app_with(Options {
        settings: vec![
            ("rate_limit.api.per_tenant.limit", "3"),
            ("rate_limit.api.tenant_tiers.basic.limit", "50"),
            ("rate_limit.api.tenant_tiers.basic.window_seconds", "60"),
        ],
        ..Options::default()
    })
    .await;
    let owner = app.register_owner().await; // free tier
    let other = app.register_other_owner().await;
    let admin = app.system_admin().await;
    let path = format!(
        "/api/v1/admin/tenants/{}/subscription",
        other.user["tenant_id"].as_str().unwrap()
    );
    let basic = serde_json::json!({"tier": "basic"});
    expect_status(app.put_json(&path, &admin.access, &basic).await, 200).await;
    // POST /users counts once
    let member = app.create_user_session(&owner.access, "member").await;
    expect_status(me(&app, &member.access).await, 200).await;
    expect_status(me(&app, &owner.access).await, 200).await;
    let res = me(&app, &member.access).await;
    assert_eq!(res.status(), 429, "the tenant's fourth request");
    assert!(header(&res, "ratelimit").contains(r#""tenant";r=0"#));
    // a basic-tier tenant has the basic quota
    for _ in 0..5 {
        let res = me(&app, &other.access).await;
        assert!(header(&res, "ratelimit-policy").contains(r#""tenant";q=50;w=60"#));
        expect_status(res, 200).await;
    }
}

#[tokio::test]
async fn anonymous_and_forged_requests_are_not_counted_per_user() {
    let app = spawn_app_with(Options {
        settings: vec![("rate_limit.api.per_user.limit", "1")],
        ..Options::default()
    })
    .await;
    let owner = app.register_owner().await;
    for _ in 0..5 {
        let res = app
            .client
            .get(app.url("/api/v1/branches"))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert!(header(&res, "ratelimit-policy").is_empty());
    }
    let tampered = format!("{}x", &owner.access);
    for _ in 0..3 {
        assert_eq!(me(&app, &tampered).await.status(), 401);
    }
    expect_status(me(&app, &owner.access).await, 200).await;
}
