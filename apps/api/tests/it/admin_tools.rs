//! Admin tools (§3.7): stored runtime settings shared by API processes,
//! system info with masked secrets, the log ring buffer, and the dev-tools
//! gated seed and reset.

use std::time::{Duration, Instant};

use harmony_kernel::SystemRole;
use serde_json::{Value, json};

use crate::expect::{expect_detail, expect_status, expect_validation};
use crate::spawn::{OWNER_EMAIL, Options, PASSWORD, TestApp, spawn_app, spawn_app_with};

const TOOLS: &str = "/api/v1/admin/tools";

async fn forgot(app: &TestApp) -> u16 {
    app.post_json(
        "/api/v1/auth/forgot-password",
        &json!({"email": "x@example.com"}),
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn only_system_admins_use_the_tools() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let operator = app.system_user(SystemRole::Operator).await;
    for path in ["/settings", "/system-info", "/logs"] {
        for token in [&owner.access, &operator.access] {
            expect_status(app.get(&format!("{TOOLS}{path}"), token).await, 403).await;
        }
    }
    for path in ["/settings", "/seed-data", "/reset-database"] {
        let res = app
            .post_json_as(&format!("{TOOLS}{path}"), &operator.access, &json!({}))
            .await;
        expect_status(res, 403).await;
    }
    // nothing was reset by the refused calls
    app.login_ok(OWNER_EMAIL, PASSWORD).await;
}

#[tokio::test]
async fn runtime_settings_are_stored_validated_and_audited() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let path = format!("{TOOLS}/settings");
    let body = expect_status(app.get(&path, &admin.access).await, 200).await;
    assert_eq!(
        body,
        json!({"dev_mode": true, "log_level": "INFO", "rate_limit_enabled": true})
    );
    let res = app
        .post_json_as(&path, &admin.access, &json!({"log_level": "debug"}))
        .await;
    assert_eq!(expect_status(res, 200).await["log_level"], "DEBUG");
    let res = app
        .post_json_as(&path, &admin.access, &json!({"log_level": "loud"}))
        .await;
    expect_detail(
        res,
        400,
        "Invalid log level. Must be one of: DEBUG, INFO, WARNING, ERROR, CRITICAL",
    )
    .await;
    let res = app
        .post_json_as(&path, &admin.access, &json!({"dev_mode": false}))
        .await;
    expect_validation(res, &[("body -> dev_mode", "value_error")]).await;
    let res = app
        .post_json_as(&path, &admin.access, &json!({"dev_mode": "yes"}))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        expect_status(app.get(&path, &admin.access).await, 200).await["log_level"],
        "DEBUG"
    );

    let logs = "/api/v1/admin/audit-logs?action=system.settings_updated";
    let found = expect_status(app.get(logs, &admin.access).await, 200).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        found["logs"][0]["details"]["changes"],
        json!({"log_level": "DEBUG"})
    );
}

#[tokio::test]
async fn the_rate_limit_switch_reaches_every_process() {
    let app = spawn_app().await;
    let other = app.sibling(Options::default()).await;
    let admin = app.system_admin().await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(forgot(&other).await);
    }
    assert!(
        statuses.contains(&429),
        "limits apply before the switch: {statuses:?}"
    );

    let path = format!("{TOOLS}/settings");
    let off = json!({"rate_limit_enabled": false});
    let res = app.post_json_as(&path, &admin.access, &off).await;
    assert_eq!(expect_status(res, 200).await["rate_limit_enabled"], false);
    // the process that stored it applies it at once
    for _ in 0..4 {
        assert_eq!(forgot(&app).await, 200);
    }
    // the other process within its poll interval (100 ms in tests)
    let deadline = Instant::now() + Duration::from_secs(5);
    while forgot(&other).await == 429 {
        assert!(
            Instant::now() < deadline,
            "the sibling never saw the switch"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for _ in 0..4 {
        assert_eq!(forgot(&other).await, 200);
    }
    drop(other);
}

#[tokio::test]
async fn system_info_reports_health_and_masks_secrets() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let info = expect_status(
        app.get(&format!("{TOOLS}/system-info"), &admin.access)
            .await,
        200,
    )
    .await;
    assert_eq!(info["database_status"], "connected");
    assert_eq!(info["redis_status"], "not_configured");
    // the newest migration applied, by its file name
    let migration = info["migration_version"].as_str().unwrap();
    assert!(
        migration.starts_with("m2026") && migration > "m20261125_000008",
        "{info}"
    );
    assert!(info["uptime"].as_str().unwrap().ends_with('s'), "{info}");
    assert!(info["uptime_seconds"].is_u64());
    let env = info["env_vars"].as_object().unwrap();
    assert!(!env.is_empty());
    for (name, value) in env {
        if name.to_ascii_uppercase().contains("DATABASE_URL") {
            assert_eq!(value, "********", "{name}");
        }
    }
    assert!(!info.to_string().contains("INSECURE-test-secret"), "{info}");
}

#[tokio::test]
async fn logs_come_from_the_buffer_and_validate_paging() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let body = expect_status(
        app.get(
            &format!("{TOOLS}/logs?level=warning&limit=5"),
            &admin.access,
        )
        .await,
        200,
    )
    .await;
    let lines = body.as_array().unwrap();
    assert!(lines.len() <= 5);
    for l in lines {
        assert_eq!(l["level"], "WARNING", "{l}");
        assert!(l["timestamp"].is_string() && l["message"].is_string());
    }
    let res = app
        .get(&format!("{TOOLS}/logs?limit=0"), &admin.access)
        .await;
    expect_validation(res, &[("query -> limit", "greater_than_equal")]).await;
    let res = app
        .get(&format!("{TOOLS}/logs?offset=-1"), &admin.access)
        .await;
    expect_validation(res, &[("query -> offset", "greater_than_equal")]).await;
}

#[tokio::test]
async fn seed_then_reset_with_dev_tools() {
    let app = spawn_app().await;
    let admin = app.system_admin().await;
    let res = app
        .post_json_as(&format!("{TOOLS}/seed-data"), &admin.access, &json!({}))
        .await;
    let seeded = expect_status(res, 200).await;
    assert_eq!(
        seeded["created"],
        json!({"tenants": 3, "branches": 3, "users": 9})
    );
    let creds = seeded["details"]["sample_credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 3);
    let owner = &creds[0];
    app.login_ok(
        owner["email"].as_str().unwrap(),
        owner["password"].as_str().unwrap(),
    )
    .await;
    let again = app
        .post_json_as(&format!("{TOOLS}/seed-data"), &admin.access, &json!({}))
        .await;
    assert_eq!(expect_status(again, 200).await["created"]["tenants"], 0);

    let res = app
        .post_json_as(
            &format!("{TOOLS}/reset-database"),
            &admin.access,
            &json!({}),
        )
        .await;
    let reset = expect_status(res, 200).await;
    assert_eq!(
        reset["deleted"],
        json!({"tenants": 3, "branches": 3, "users": 9})
    );
    assert_eq!(reset["preserved"]["super_admins"], 1);
    let tenants = expect_status(app.get("/api/v1/admin/tenants", &admin.access).await, 200).await;
    assert_eq!(tenants["total"], 0, "{tenants}");
    let res = app
        .login(
            owner["email"].as_str().unwrap(),
            owner["password"].as_str().unwrap(),
        )
        .await;
    expect_status(res, 401).await;
    // one record per call, the empty second seeding included
    for (action, calls) in [("system.seed_data", 2), ("system.reset_database", 1)] {
        let path = format!("/api/v1/admin/audit-logs?action={action}");
        let found: Value = expect_status(app.get(&path, &admin.access).await, 200).await;
        assert_eq!(found["total"], calls, "{action}: {found}");
    }
}

#[tokio::test]
async fn seed_and_reset_need_dev_tools() {
    let app = spawn_app_with(Options {
        settings: vec![("dev.tools", "false")],
        ..Options::default()
    })
    .await;
    let owner = app.register_owner().await;
    let admin = app.system_admin().await;
    for path in ["/seed-data", "/reset-database"] {
        let res = app
            .post_json_as(&format!("{TOOLS}{path}"), &admin.access, &json!({}))
            .await;
        let body = expect_status(res, 403).await;
        assert_eq!(body["code"], "dev_tools_disabled");
    }
    expect_status(app.get("/api/v1/auth/me", &owner.access).await, 200).await;
    let res = app
        .post_json_as(
            &format!("{TOOLS}/settings"),
            &admin.access,
            &json!({"dev_mode": true}),
        )
        .await;
    expect_validation(res, &[("body -> dev_mode", "value_error")]).await;
}
