//! `/api/v1/admin/audit-logs` (§3.8) plus `verify` and `export`: every
//! endpoint and error branch, tenant isolation, roles, archiving that
//! deletes exactly what it wrote, and the dev-tools gate. Records are seeded
//! through the `AuditStore` port of the runtime's SQL store.

use harmony_audit::AuditStore;
use harmony_kernel::{AuditEntry, Origin, TenantId, UserId};
use reqwest::Method;
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::expect::{expect_detail, expect_status, expect_validation, header};

mod archives;
use crate::spawn::{Session, TestApp, spawn_app};

pub const LOGS: &str = "/api/v1/admin/audit-logs";

pub fn tenant_of(s: &Session) -> TenantId {
    let raw = s.user["tenant_id"].as_str().expect("tenant id");
    TenantId::from_uuid(Uuid::parse_str(raw).expect("uuid"))
}

pub fn ids(body: &Value) -> Vec<String> {
    body["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Appends one record (resource `widget`) and returns it.
pub async fn seed(
    app: &TestApp,
    tenant: Option<TenantId>,
    action: &str,
    at: OffsetDateTime,
) -> AuditEntry {
    let origin = Origin {
        ip: Some("203.0.113.7".into()),
        user_agent: Some("audit-tests".into()),
        request_id: Some(Uuid::new_v4().to_string()),
    };
    let e = AuditEntry::anonymous(&origin, action, "widget", at)
        .tenant(tenant)
        .user(Some(UserId::new()))
        .resource_id(Uuid::new_v4())
        .detail("note", "seeded, with \"quotes\"");
    app.runtime
        .sql
        .append(std::slice::from_ref(&e))
        .await
        .expect("append");
    e
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "every read endpoint from both sides")]
async fn tenant_admins_see_only_their_own_tenant() {
    let app = spawn_app().await;
    let (a, b) = (app.register_owner().await, app.register_other_owner().await);
    let (ta, tb) = (tenant_of(&a), tenant_of(&b));
    let now = OffsetDateTime::now_utc();
    let ra = seed(&app, Some(ta), "test.alpha", now).await;
    let rb = seed(&app, Some(tb), "test.beta", now).await;
    let rp = seed(&app, None, "test.platform", now).await;
    let admin_b = app.create_user_session(&b.access, "admin").await;

    for token in [&b.access, &admin_b.access] {
        let body =
            expect_status(app.get(&format!("{LOGS}?tenant_id={ta}"), token).await, 200).await;
        assert!(ids(&body).contains(&rb.id.to_string()), "{body}");
        assert!(
            body["logs"]
                .as_array()
                .expect("logs")
                .iter()
                .all(|l| l["tenant_id"] == tb.to_string()),
            "{body}"
        );
        expect_detail(
            app.get(&format!("{LOGS}/{}", ra.id), token).await,
            404,
            "Audit log not found",
        )
        .await;
        let got = expect_status(app.get(&format!("{LOGS}/{}", rb.id), token).await, 200).await;
        assert_eq!(got["action"], "test.beta");
        assert_eq!(got["details"]["note"], "seeded, with \"quotes\"");
        let stats = expect_status(
            app.get(&format!("{LOGS}/statistics?tenant_id={ta}"), token)
                .await,
            200,
        )
        .await;
        assert_eq!(stats["total_logs"], body["total"], "{stats}");
        assert!(stats["actions_by_type"].get("test.alpha").is_none());
        let actions = expect_status(app.get(&format!("{LOGS}/actions"), token).await, 200).await;
        assert!(
            actions
                .as_array()
                .expect("list")
                .contains(&Value::from("test.beta"))
        );
        assert!(
            !actions
                .as_array()
                .expect("list")
                .contains(&Value::from("test.alpha"))
        );
        let resources =
            expect_status(app.get(&format!("{LOGS}/resources"), token).await, 200).await;
        assert!(
            resources
                .as_array()
                .expect("list")
                .contains(&Value::from("widget"))
        );
        let res = app
            .get(&format!("{LOGS}/export?tenant_id={ta}"), token)
            .await;
        assert!(header(&res, "content-type").starts_with("text/csv"));
        let csv = res.text().await.expect("csv");
        assert!(csv.starts_with("id,created_at,tenant_id,user_id,impersonator_id,action,"));
        assert!(csv.contains(&rb.id.to_string()) && !csv.contains(&ra.id.to_string()));
        assert!(!csv.contains(&rp.id.to_string()));
        let json = expect_status(
            app.get(&format!("{LOGS}/export?format=json"), token).await,
            200,
        )
        .await;
        assert!(
            json.as_array()
                .expect("array")
                .iter()
                .all(|l| l["tenant_id"] == tb.to_string())
        );
        let verify = expect_status(
            app.get(&format!("{LOGS}/verify?tenant_id={ta}"), token)
                .await,
            200,
        )
        .await;
        assert_eq!(verify["tenant_id"], tb.to_string());
        assert_eq!(verify["valid"], true, "{verify}");
        assert_eq!(verify["first_break"], Value::Null);
    }

    let root = app.system_admin().await;
    let all = expect_status(
        app.get(&format!("{LOGS}/?limit=100"), &root.access).await,
        200,
    )
    .await;
    for r in [&ra, &rb, &rp] {
        assert!(ids(&all).contains(&r.id.to_string()), "{all}");
    }
    let only_a = expect_status(
        app.get(&format!("{LOGS}?tenant_id={ta}"), &root.access)
            .await,
        200,
    )
    .await;
    assert!(
        ids(&only_a).contains(&ra.id.to_string()) && !ids(&only_a).contains(&rb.id.to_string())
    );
    let platform = expect_status(
        app.get(&format!("{LOGS}/verify?platform=true"), &root.access)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (platform["tenant_id"].clone(), platform["valid"].clone()),
        (Value::Null, Value::Bool(true))
    );
    assert!(platform["checked"].as_u64().expect("checked") >= 1);
}

#[tokio::test]
async fn members_are_refused_and_operators_only_read() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let member = app.create_user_session(&owner.access, "member").await;
    let entry = seed(
        &app,
        Some(tenant_of(&owner)),
        "test.read",
        OffsetDateTime::now_utc(),
    )
    .await;
    let denied = "Permission 'audit.view' required";
    for path in [
        LOGS.to_owned(),
        format!("{LOGS}/statistics"),
        format!("{LOGS}/actions"),
        format!("{LOGS}/resources"),
        format!("{LOGS}/verify"),
        format!("{LOGS}/export"),
        format!("{LOGS}/{}", entry.id),
        format!("{LOGS}/tenant/archives"),
    ] {
        expect_detail(app.get(&path, &member.access).await, 403, denied).await;
    }
    let res = app
        .request(
            Method::POST,
            &format!("{LOGS}/tenant/archive"),
            Some(&member.access),
            None,
        )
        .await;
    expect_detail(res, 403, denied).await;

    let operator = app.system_operator().await;
    for path in [
        LOGS.to_owned(),
        format!("{LOGS}/statistics"),
        format!("{LOGS}/{}", entry.id),
        format!("{LOGS}/export?format=json"),
        format!("{LOGS}/verify"),
    ] {
        expect_status(app.get(&path, &operator.access).await, 200).await;
    }
    let super_only = "Super Admin access required for this operation";
    for token in [&operator.access, &owner.access] {
        expect_detail(app.delete(LOGS, token).await, 403, super_only).await;
        let res = app
            .request(Method::POST, &format!("{LOGS}/archive"), Some(token), None)
            .await;
        expect_detail(res, 403, super_only).await;
        expect_detail(
            app.get(&format!("{LOGS}/archives"), token).await,
            403,
            super_only,
        )
        .await;
        expect_detail(
            app.get(&format!("{LOGS}/archives/a.json"), token).await,
            403,
            super_only,
        )
        .await;
        expect_detail(
            app.delete(&format!("{LOGS}/archives/a.json"), token).await,
            403,
            super_only,
        )
        .await;
    }
    expect_detail(
        app.get(&format!("{LOGS}/tenant/archives"), &operator.access)
            .await,
        403,
        denied,
    )
    .await;
    let root = app.system_admin().await;
    expect_detail(
        app.get(&format!("{LOGS}/tenant/archives"), &root.access)
            .await,
        403,
        "Tenant access required. System users should use admin endpoints.",
    )
    .await;
    expect_detail(
        app.request(Method::GET, LOGS, None, None).await,
        403,
        "Not authenticated",
    )
    .await;
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "every filter and every 422")]
async fn the_list_filters_pages_and_validates() {
    let app = spawn_app().await;
    let root = app.system_admin().await;
    let t = TenantId::new();
    let t0 = OffsetDateTime::now_utc() - Duration::hours(2);
    let first = seed(&app, Some(t), "test.one", t0).await;
    let second = seed(&app, Some(t), "test.two", t0 + Duration::minutes(10)).await;
    let third = seed(&app, Some(t), "test.two", t0 + Duration::minutes(20)).await;
    let get = |q: String| {
        let app = &app;
        let token = root.access.clone();
        async move {
            expect_status(
                app.get(&format!("{LOGS}?tenant_id={t}&{q}"), &token).await,
                200,
            )
            .await
        }
    };
    let all = get(String::new()).await;
    assert_eq!(
        ids(&all),
        vec![
            third.id.to_string(),
            second.id.to_string(),
            first.id.to_string()
        ]
    );
    assert_eq!(
        (
            all["total"].clone(),
            all["limit"].clone(),
            all["offset"].clone()
        ),
        (3.into(), 50.into(), 0.into())
    );
    let page = get("skip=1&limit=1".into()).await;
    assert_eq!(ids(&page), vec![second.id.to_string()]);
    assert_eq!(
        (
            page["total"].clone(),
            page["limit"].clone(),
            page["offset"].clone()
        ),
        (3.into(), 1.into(), 1.into())
    );
    assert_eq!(
        ids(&get("action=test.one".into()).await),
        vec![first.id.to_string()]
    );
    assert_eq!(
        get("resource=widget&status=success".into()).await["total"],
        3
    );
    assert_eq!(get("status=failure".into()).await["total"], 0);
    let user = second.user_id.expect("user");
    assert_eq!(
        ids(&get(format!("user_id={user}")).await),
        vec![second.id.to_string()]
    );
    let rid = third
        .origin
        .request_id
        .clone()
        .expect("request id")
        .to_uppercase();
    assert_eq!(
        ids(&get(format!("search={}", &rid[..8])).await),
        vec![third.id.to_string()]
    );
    assert_eq!(get("search=203.0.113".into()).await["total"], 3);
    let from = (t0 + Duration::minutes(5))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("fmt");
    let to = (t0 + Duration::minutes(15))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("fmt");
    let window = get(format!(
        "start_date={}&end_date={}",
        from.replace('+', "%2B"),
        to.replace('+', "%2B")
    ))
    .await;
    assert_eq!(ids(&window), vec![second.id.to_string()]);

    let bad = |q: &str| {
        let url = format!("{LOGS}?{q}");
        let token = root.access.clone();
        let app = &app;
        async move { app.get(&url, &token).await }
    };
    expect_validation(
        bad("limit=0").await,
        &[("query -> limit", "greater_than_equal")],
    )
    .await;
    expect_validation(
        bad("limit=101").await,
        &[("query -> limit", "less_than_equal")],
    )
    .await;
    expect_validation(
        bad("skip=-1").await,
        &[("query -> skip", "greater_than_equal")],
    )
    .await;
    expect_validation(
        bad("user_id=nope").await,
        &[("query -> user_id", "uuid_parsing")],
    )
    .await;
    expect_validation(
        bad("tenant_id=nope").await,
        &[("query -> tenant_id", "uuid_parsing")],
    )
    .await;
    expect_validation(
        bad("status=error").await,
        &[("query -> status", "literal_error")],
    )
    .await;
    expect_validation(
        bad("start_date=yesterday").await,
        &[("query -> start_date", "datetime_parsing")],
    )
    .await;
    let res = app
        .get(&format!("{LOGS}/export?format=xml"), &root.access)
        .await;
    expect_validation(res, &[("query -> format", "literal_error")]).await;
    let res = app
        .get(&format!("{LOGS}/verify?platform=false"), &root.access)
        .await;
    expect_validation(res, &[("query -> tenant_id", "missing")]).await;
    expect_validation(
        app.get(&format!("{LOGS}/not-a-uuid"), &root.access).await,
        &[("path -> log_id", "uuid_parsing")],
    )
    .await;
    expect_detail(
        app.get(&format!("{LOGS}/{}", Uuid::new_v4()), &root.access)
            .await,
        404,
        "Audit log not found",
    )
    .await;
}
