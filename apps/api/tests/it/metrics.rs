//! `/metrics`: Prometheus text format, route templates as labels, the
//! scrape-time gauges, and the switch that turns it off.

use crate::spawn::{Options, spawn_app, spawn_app_with};

/// One sample line: `name{labels} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
}

impl Sample {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn parse_value(v: &str) -> bool {
    matches!(v, "+Inf" | "-Inf" | "NaN") || v.parse::<f64>().is_ok()
}

/// `k="v",k2="v2"` with `\\`, `\"` and `\n` escapes; panics on anything else.
fn parse_labels(mut s: &str, line: &str) -> Vec<(String, String)> {
    let mut labels = Vec::new();
    while !s.is_empty() {
        let (key, rest) = s
            .split_once("=\"")
            .unwrap_or_else(|| panic!("label: {line}"));
        assert!(
            is_metric_name(key) && !key.contains(':'),
            "label name: {line}"
        );
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    _ => panic!("bad escape: {line}"),
                },
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => panic!("unterminated label value: {line}"),
            }
        };
        labels.push((key.to_owned(), value));
        s = &rest[end + 1..];
        s = s.strip_prefix(',').unwrap_or(s);
    }
    labels
}

/// A strict reader of the text exposition format 0.0.4.
fn parse_exposition(body: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let mut parts = comment.trim_start().splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("HELP"), Some(name), Some(_)) => assert!(is_metric_name(name), "{line}"),
                (Some("TYPE"), Some(name), Some(kind)) => {
                    assert!(is_metric_name(name), "{line}");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                        "{line}"
                    );
                }
                _ => {}
            }
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line}"));
        assert!(parse_value(value), "value: {line}");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let inner = rest
                    .strip_suffix('}')
                    .unwrap_or_else(|| panic!("labels: {line}"));
                (name, parse_labels(inner, line))
            }
            None => (series, Vec::new()),
        };
        assert!(is_metric_name(name), "name: {line}");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
        });
    }
    samples
}

#[test]
fn the_parser_is_strict() {
    let ok = "# HELP x_total Some help.\n# TYPE x_total counter\nx_total{a=\"1\",b=\"q\\\"\"} 3\ny 1.5e3\n";
    assert_eq!(parse_exposition(ok).len(), 2);
    for bad in ["x_total{a=1} 3", "x_total 3 4 5", "9x 1", "x{a=\"1\" 2"] {
        assert!(
            std::panic::catch_unwind(|| parse_exposition(bad)).is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn metrics_are_prometheus_text_labelled_by_route_template() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let id = uuid::Uuid::new_v4();
    app.get(&format!("/api/v1/users/{id}"), &owner.access).await;
    app.get("/api/v1/no-such-route", &owner.access).await;

    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let body = res.text().await.unwrap();
    let samples = parse_exposition(&body);
    assert!(
        !body.contains(&id.to_string()),
        "raw ids must not be labels"
    );

    let requests: Vec<_> = samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .collect();
    let user = requests
        .iter()
        .find(|s| {
            s.label("route") == Some("/api/v1/users/{user_id}") && s.label("method") == Some("GET")
        })
        .unwrap_or_else(|| panic!("no route template label in:\n{body}"));
    assert!(user.label("status").is_some());
    assert!(
        requests
            .iter()
            .any(|s| s.label("route") == Some("unmatched") && s.label("status") == Some("404"))
    );
    let has = |name: &str| samples.iter().any(|s| s.name == name);
    assert!(has("http_request_duration_seconds_bucket"), "{body}");
    for gauge in [
        "db_pool_connections",
        "db_pool_idle_connections",
        "outbox_pending_messages",
        "outbox_dead_messages",
    ] {
        assert!(has(gauge), "{gauge} missing:\n{body}");
    }
}

#[tokio::test]
async fn metrics_can_be_switched_off() {
    let app = spawn_app_with(Options {
        settings: vec![("observability.metrics_enabled", "false")],
        ..Options::default()
    })
    .await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn rate_limit_rejections_are_counted_by_policy() {
    let app = spawn_app_with(Options {
        settings: vec![("rate_limit.login.limit", "1")],
        ..Options::default()
    })
    .await;
    app.login("nobody@example.com", "wrong").await;
    assert_eq!(app.login("nobody@example.com", "wrong").await.status(), 429);
    let body = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        parse_exposition(&body)
            .iter()
            .any(|s| s.name == "rate_limit_rejections_total" && s.label("policy") == Some("login")),
        "{body}"
    );
}

fn message() -> harmony_kernel::outbox::OutboxMessage {
    harmony_kernel::outbox::OutboxMessage {
        id: harmony_kernel::OutboxId::new(),
        topic: "email".to_owned(),
        payload: serde_json::json!({}),
        created_at: time::OffsetDateTime::now_utc(),
    }
}

/// Enqueues two messages, kills one; the store then reports (pending, dead).
async fn one_pending_one_dead(store: &dyn harmony_kernel::outbox::OutboxStore) {
    store.enqueue(&[message(), message()]).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let claimed = store
        .claim_due(now, time::Duration::MINUTE, 1)
        .await
        .unwrap();
    store
        .mark_failed(claimed[0].message.id, "gave up", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn outbox_stats_count_pending_and_dead_messages() {
    let app = spawn_app().await;
    let before = app.runtime.sql.outbox_stats().await.unwrap();
    one_pending_one_dead(app.runtime.sql.as_ref()).await;
    let after = app.runtime.sql.outbox_stats().await.unwrap();
    assert_eq!(after.pending, before.pending + 1);
    assert_eq!(after.dead, before.dead + 1);

    let memory = harmony_adapters_memory::InMemoryStore::new();
    one_pending_one_dead(&memory).await;
    let stats = memory.outbox_stats();
    assert_eq!((stats.pending, stats.dead), (1, 1));
}
