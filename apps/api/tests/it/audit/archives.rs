//! Archiving, archive files and clearing (§3.8 endpoints 5–9, 11–13):
//! rows leave the table only into a verified file, tenants stay in their
//! directory, and destructive tools need `dev.tools`.

use harmony_kernel::TenantId;
use reqwest::Method;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::{LOGS, seed, tenant_of};
use crate::expect::{expect_detail, expect_status, expect_validation, header};
use crate::spawn::{Options, TestApp, spawn_app_with};

/// An app whose archives go to a fresh directory; keep the `TempDir`.
async fn app_with(dev_tools: bool) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path: &'static str = Box::leak(dir.path().display().to_string().into_boxed_str());
    let app = spawn_app_with(Options {
        settings: vec![
            ("audit.archive_dir", path),
            ("dev.tools", if dev_tools { "true" } else { "false" }),
        ],
        ..Options::default()
    })
    .await;
    (app, dir)
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one archive's whole story, step by step"
)]
async fn system_archives_move_old_records_into_a_downloadable_file() {
    let (app, dir) = app_with(false).await;
    let root = app.system_admin().await;
    let (ta, tb) = (TenantId::new(), TenantId::new());
    let now = OffsetDateTime::now_utc();
    let old_a = seed(&app, Some(ta), "test.old", now - Duration::days(200)).await;
    let old_b = seed(&app, Some(tb), "test.old", now - Duration::days(100)).await;
    let fresh = seed(&app, Some(ta), "test.fresh", now - Duration::days(1)).await;
    let archive = |q: &'static str| {
        let url = format!("{LOGS}/archive{q}");
        let token = root.access.clone();
        let app = &app;
        async move { app.request(Method::POST, &url, Some(&token), None).await }
    };
    expect_validation(
        archive("?before_date=soon").await,
        &[("query -> before_date", "datetime_parsing")],
    )
    .await;
    let result = expect_status(archive("").await, 200).await;
    assert_eq!(
        result["message"], "Successfully archived 2 audit logs",
        "{result}"
    );
    assert_eq!(result["archived"], 2);
    let name = result["file"]["name"].as_str().expect("name").to_owned();
    assert!(
        name.starts_with("audit_archive_")
            && std::path::Path::new(&name)
                .extension()
                .is_some_and(|x| x == "json")
    );
    assert!(
        result["file"]["size_readable"]
            .as_str()
            .expect("size")
            .ends_with(" KB")
    );
    assert!(dir.path().join("audit").join(&name).is_file());
    for gone in [&old_a, &old_b] {
        expect_detail(
            app.get(&format!("{LOGS}/{}", gone.id), &root.access).await,
            404,
            "Audit log not found",
        )
        .await;
    }
    expect_status(
        app.get(&format!("{LOGS}/{}", fresh.id), &root.access).await,
        200,
    )
    .await;
    let listed = expect_status(
        app.get(&format!("{LOGS}/archives"), &root.access).await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["archives"][0]["name"], name.as_str());
    assert_eq!(listed["archives"][0]["total_records"], 2);
    let res = app
        .get(&format!("{LOGS}/archives/{name}"), &root.access)
        .await;
    assert_eq!(
        header(&res, "content-disposition"),
        format!("attachment; filename=\"{name}\"")
    );
    let doc = expect_status(res, 200).await;
    assert_eq!(doc["archived_by"], "root@example.com");
    let archived: Vec<&str> = doc["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(archived, vec![old_a.id.to_string(), old_b.id.to_string()]);
    assert!(doc["chain_tail_hash"].is_string());
    let recorded = expect_status(
        app.get(
            &format!("{LOGS}?action=system.audit_logs_archived"),
            &root.access,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        recorded["logs"][0]["details"]["archive_file"],
        name.as_str()
    );
    let verify = expect_status(
        app.get(&format!("{LOGS}/verify?tenant_id={ta}"), &root.access)
            .await,
        200,
    )
    .await;
    assert_eq!(
        verify["valid"], true,
        "the remaining chain is anchored: {verify}"
    );
    let nothing = expect_status(archive("?before_date=2001-01-01T00:00:00").await, 200).await;
    assert_eq!(nothing["message"], "No logs found to archive");
    assert_eq!(
        (nothing["archived"].clone(), nothing["file"].clone()),
        (0.into(), Value::Null)
    );
    assert_eq!(nothing["before_date"], "2001-01-01T00:00:00");
    expect_detail(
        app.get(&format!("{LOGS}/archives/x..json"), &root.access)
            .await,
        400,
        "Invalid filename",
    )
    .await;
    expect_detail(
        app.get(&format!("{LOGS}/archives/..%5Cx.json"), &root.access)
            .await,
        400,
        "Invalid filename",
    )
    .await;
    expect_detail(
        app.get(&format!("{LOGS}/archives/none.json"), &root.access)
            .await,
        404,
        "Archive file not found",
    )
    .await;
}

#[tokio::test]
async fn tenant_archives_stay_inside_the_tenant() {
    let (app, dir) = app_with(false).await;
    let (a, b) = (app.register_owner().await, app.register_other_owner().await);
    let (ta, tb) = (tenant_of(&a), tenant_of(&b));
    let old = OffsetDateTime::now_utc() - Duration::days(120);
    let old_a = seed(&app, Some(ta), "test.old", old).await;
    let old_b = seed(&app, Some(tb), "test.old", old).await;
    let res = app
        .request(
            Method::POST,
            &format!("{LOGS}/tenant/archive"),
            Some(&a.access),
            None,
        )
        .await;
    let result = expect_status(res, 200).await;
    assert_eq!(result["archived"], 1, "{result}");
    let name = result["file"]["name"].as_str().expect("name").to_owned();
    assert!(
        dir.path()
            .join("audit")
            .join(format!("tenant_{ta}"))
            .join(&name)
            .is_file()
    );
    expect_detail(
        app.get(&format!("{LOGS}/{}", old_a.id), &a.access).await,
        404,
        "Audit log not found",
    )
    .await;
    expect_status(
        app.get(&format!("{LOGS}/{}", old_b.id), &b.access).await,
        200,
    )
    .await;
    let listed = expect_status(
        app.get(&format!("{LOGS}/tenant/archives"), &a.access).await,
        200,
    )
    .await;
    assert_eq!(
        (
            listed["total"].clone(),
            listed["archives"][0]["name"].clone()
        ),
        (1.into(), Value::from(name.as_str()))
    );
    let doc = expect_status(
        app.get(&format!("{LOGS}/tenant/archives/{name}"), &a.access)
            .await,
        200,
    )
    .await;
    assert_eq!(doc["tenant_id"], ta.to_string());
    assert_eq!(doc["tenant_name"].as_str().map(str::is_empty), Some(false));
    assert!(doc["logs"][0].get("tenant_id").is_none(), "{doc}");
    expect_detail(
        app.get(&format!("{LOGS}/tenant/archives/{name}"), &b.access)
            .await,
        404,
        "Archive file not found",
    )
    .await;
    expect_status(
        app.get(&format!("{LOGS}/tenant/archives"), &b.access).await,
        200,
    )
    .await;
    expect_detail(
        app.get(&format!("{LOGS}/tenant/archives/a..json"), &a.access)
            .await,
        400,
        "Invalid filename",
    )
    .await;
    let own = expect_status(
        app.get(
            &format!("{LOGS}?action=system.audit_logs_archived"),
            &a.access,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(own["logs"][0]["tenant_id"], ta.to_string());
}

#[tokio::test]
async fn clearing_and_deleting_archives_need_dev_tools() {
    let (off, _dir) = app_with(false).await;
    let root = off.system_admin().await;
    expect_detail(
        off.delete(&format!("{LOGS}/"), &root.access).await,
        403,
        "Clearing audit logs is only allowed in DEV_MODE",
    )
    .await;
    expect_detail(
        off.delete(&format!("{LOGS}/archives/a.json"), &root.access)
            .await,
        403,
        "Deleting archive files is only allowed in DEV_MODE",
    )
    .await;

    let (on, _dir2) = app_with(true).await;
    let root = on.system_admin().await;
    seed(
        &on,
        Some(TenantId::new()),
        "test.old",
        OffsetDateTime::now_utc() - Duration::days(365),
    )
    .await;
    let result = expect_status(
        on.request(
            Method::POST,
            &format!("{LOGS}/archive"),
            Some(&root.access),
            None,
        )
        .await,
        200,
    )
    .await;
    let name = result["file"]["name"].as_str().expect("name").to_owned();
    expect_detail(
        on.delete(&format!("{LOGS}/archives/x..json"), &root.access)
            .await,
        400,
        "Invalid filename",
    )
    .await;
    expect_detail(
        on.delete(&format!("{LOGS}/archives/none.json"), &root.access)
            .await,
        404,
        "Archive file not found",
    )
    .await;
    let deleted = expect_status(
        on.delete(&format!("{LOGS}/archives/{name}"), &root.access)
            .await,
        200,
    )
    .await;
    assert_eq!(deleted["message"], format!("Archive file '{name}' deleted"));
    expect_detail(
        on.get(&format!("{LOGS}/archives/{name}"), &root.access)
            .await,
        404,
        "Archive file not found",
    )
    .await;
    let before = expect_status(on.get(LOGS, &root.access).await, 200).await;
    let cleared = expect_status(on.delete(LOGS, &root.access).await, 200).await;
    assert_eq!(cleared["message"], "Audit logs cleared");
    assert_eq!(cleared["deleted"], before["total"]);
    let after = expect_status(on.get(LOGS, &root.access).await, 200).await;
    assert_eq!(after["total"], 1, "{after}");
    assert_eq!(after["logs"][0]["action"], "system.audit_logs_cleared");
    assert_eq!(
        after["logs"][0]["details"]["records_deleted"],
        before["total"]
    );
}
