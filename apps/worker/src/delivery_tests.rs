use super::fakes::{Harness, harness, transport_error};
use super::*;
use harmony_kernel::ids::OutboxId;
use harmony_kernel::mail::MailError;
use harmony_kernel::outbox::OutboxMessage;
use serde_json::json;
use std::sync::atomic::Ordering;

#[tokio::test]
async fn delivers_with_stable_message_id_and_never_twice() {
    let h = harness(WorkerConfig::default());
    let a = h.enqueue_mail(json!({})).await;
    let b = h.enqueue_mail(json!({})).await;

    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(2, 0, 0));
    let calls = h.mailer.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].message_id, format!("<{a}@harmony>"));
    assert_eq!(calls[1].message_id, format!("<{b}@harmony>"));
    assert_eq!(calls[0].to, "ann@example.com");
    assert!(h.store.row(a).delivered && h.store.row(b).delivered);

    h.clock.advance(time::Duration::days(1));
    assert_eq!(
        h.worker.run_once().await.unwrap(),
        DeliveryReport::default()
    );
    assert_eq!(
        h.mailer.calls().len(),
        2,
        "a delivered message is never sent again"
    );
    assert_eq!(h.store.pending_count().await.unwrap(), 0);
}

#[tokio::test]
async fn transient_failure_is_retried_after_backoff() {
    let h = harness(WorkerConfig::default());
    let id = h.enqueue_mail(json!({})).await;
    h.mailer.script([transport_error(), transport_error()]);
    let start = h.clock.now();

    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(0, 1, 0));
    let row = h.store.row(id);
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.unwrap().contains("connection refused"));
    let first = row.retry_at - start;
    assert!(first >= time::Duration::seconds(2) && first <= time::Duration::milliseconds(2200));

    // Not due yet: nothing is sent.
    h.clock.advance(time::Duration::seconds(1));
    assert_eq!(
        h.worker.run_once().await.unwrap(),
        DeliveryReport::default()
    );
    assert_eq!(h.mailer.calls().len(), 1);

    // Second failure doubles the delay.
    h.clock.advance(time::Duration::seconds(2));
    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(0, 1, 0));
    let row = h.store.row(id);
    let second = row.retry_at - h.clock.now();
    assert!(second >= time::Duration::seconds(4) && second <= time::Duration::milliseconds(4400));

    h.clock.advance(time::Duration::seconds(5));
    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(1, 0, 0));
    assert!(h.store.row(id).delivered);
    assert_eq!(h.mailer.calls().len(), 3);
}

#[tokio::test]
async fn rejected_mail_goes_dead_at_once() {
    let h = harness(WorkerConfig::default());
    let id = h.enqueue_mail(json!({})).await;
    h.mailer
        .script([Err(MailError::Rejected("550 no such user".to_owned()))]);

    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(0, 0, 1));
    let row = h.store.row(id);
    assert!(row.dead && !row.delivered);
    assert!(row.last_error.unwrap().contains("550"));
    h.clock.advance(time::Duration::days(1));
    assert_eq!(
        h.worker.run_once().await.unwrap(),
        DeliveryReport::default()
    );
    assert_eq!(h.mailer.calls().len(), 1);
}

#[tokio::test]
async fn template_error_goes_dead_without_sending() {
    let h = harness(WorkerConfig::default());
    let id = h.enqueue_mail(json!({ "broken": true })).await;
    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(0, 0, 1));
    assert!(h.store.row(id).dead);
    assert!(h.mailer.calls().is_empty());
}

#[tokio::test]
async fn unknown_topic_and_bad_payload_go_dead() {
    let h = harness(WorkerConfig::default());
    let now = h.clock.now();
    let sms = OutboxMessage {
        id: OutboxId::new(),
        topic: "sms".into(),
        payload: json!({}),
        created_at: now,
    };
    let bad = OutboxMessage {
        id: OutboxId::new(),
        topic: "email".into(),
        payload: json!({"to": 1}),
        created_at: now,
    };
    let (sms, bad) = (h.enqueue(sms).await, h.enqueue(bad).await);

    assert_eq!(h.worker.run_once().await.unwrap(), Harness::report(0, 0, 2));
    assert!(
        h.store
            .row(sms)
            .last_error
            .unwrap()
            .contains("unknown outbox topic 'sms'")
    );
    assert!(
        h.store
            .row(bad)
            .last_error
            .unwrap()
            .contains("invalid e-mail payload")
    );
    assert!(h.mailer.calls().is_empty());
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let h = harness(WorkerConfig {
        max_attempts: 3,
        ..WorkerConfig::default()
    });
    let id = h.enqueue_mail(json!({})).await;
    h.mailer.script((0..10).map(|_| transport_error()));

    let mut reports = Vec::new();
    for _ in 0..5 {
        reports.push(h.worker.run_once().await.unwrap());
        h.clock.advance(time::Duration::hours(1));
    }
    let expected = [
        Harness::report(0, 1, 0),
        Harness::report(0, 1, 0),
        Harness::report(0, 0, 1),
    ];
    assert_eq!(reports[..3], expected);
    assert_eq!(reports[3..], [DeliveryReport::default(); 2]);
    let row = h.store.row(id);
    assert!(row.dead);
    assert_eq!(row.attempts, 3);
    assert!(row.last_error.unwrap().contains("gave up after 3 attempts"));
    assert_eq!(h.mailer.calls().len(), 3);
}

#[tokio::test]
async fn claim_failure_is_an_error_and_batches_are_bounded() {
    let h = harness(WorkerConfig {
        batch_size: 2,
        ..WorkerConfig::default()
    });
    for _ in 0..3 {
        h.enqueue_mail(json!({})).await;
    }
    assert_eq!(h.worker.run_once().await.unwrap().delivered, 2);
    h.store.fail_claims.store(true, Ordering::SeqCst);
    assert!(matches!(
        h.worker.run_once().await,
        Err(WorkerError::Claim(_))
    ));
    h.store.fail_claims.store(false, Ordering::SeqCst);
    assert_eq!(h.worker.run_once().await.unwrap().delivered, 1);
}

#[tokio::test]
async fn run_delivers_until_shutdown_and_stops_promptly() {
    let config = WorkerConfig {
        poll_interval: Duration::from_millis(10),
        ..WorkerConfig::default()
    };
    let h = harness(config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let worker = h.worker.clone();
    let task = tokio::spawn(async move {
        worker
            .run(async {
                let _ = rx.await;
            })
            .await;
    });

    let id = h.enqueue_mail(json!({})).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !h.store.row(id).delivered {
        assert!(
            std::time::Instant::now() < deadline,
            "not delivered by the loop"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(1), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.mailer.calls().len(), 1);
}

#[tokio::test]
async fn run_keeps_going_after_store_errors_and_exits_when_already_shut_down() {
    let h = harness(WorkerConfig {
        poll_interval: Duration::from_millis(5),
        ..WorkerConfig::default()
    });
    h.store.fail_claims.store(true, Ordering::SeqCst);
    let run = h.worker.run(tokio::time::sleep(Duration::from_millis(50)));
    tokio::time::timeout(Duration::from_secs(2), run)
        .await
        .unwrap();

    h.enqueue_mail(json!({})).await;
    h.store.fail_claims.store(false, Ordering::SeqCst);
    tokio::time::timeout(Duration::from_secs(1), h.worker.run(async {}))
        .await
        .unwrap();
    assert!(
        h.mailer.calls().is_empty(),
        "no round starts after shutdown"
    );
}

#[test]
fn truncate_respects_char_boundaries() {
    assert_eq!(truncate("short".to_owned()), "short");
    let long = "é".repeat(MAX_ERROR_LEN);
    let cut = truncate(long);
    assert!(cut.len() <= MAX_ERROR_LEN && cut.chars().all(|c| c == 'é'));
}

/// Answers with the scripted results in order, counting calls.
struct ScriptedHandler(std::sync::Mutex<Vec<Result<(), crate::jobs::JobError>>>);

#[async_trait::async_trait]
impl crate::jobs::TopicHandler for ScriptedHandler {
    async fn handle(&self, _: &OutboxMessage) -> Result<(), crate::jobs::JobError> {
        self.0.lock().unwrap().remove(0)
    }
}

fn message(topic: &str) -> OutboxMessage {
    OutboxMessage {
        id: OutboxId::new(),
        topic: topic.to_owned(),
        payload: json!({}),
        created_at: datetime_now(),
    }
}

fn datetime_now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-25 12:00 UTC)
}

#[tokio::test]
async fn other_topics_go_to_their_handler_with_the_same_retry_rules() {
    use crate::jobs::JobError;
    let h = harness(WorkerConfig::default());
    let script = vec![
        Ok(()),
        Err(JobError::Transient("storage down".into())),
        Err(JobError::Permanent("bad payload".into())),
    ];
    let worker = OutboxWorker::new(
        h.store.clone(),
        Arc::new(super::fakes::FakeRenderer),
        h.mailer.clone(),
        h.clock.clone(),
        WorkerConfig::default(),
    )
    .with_handler(
        "files.delete_object",
        Arc::new(ScriptedHandler(script.into())),
    );
    let ok = h.enqueue(message("files.delete_object")).await;
    let retried = h.enqueue(message("files.delete_object")).await;
    let dead = h.enqueue(message("files.delete_object")).await;
    let unknown = h.enqueue(message("sms")).await;
    assert_eq!(worker.run_once().await.unwrap(), Harness::report(1, 1, 2));
    assert!(h.store.row(ok).delivered);
    let row = h.store.row(retried);
    assert!(!row.dead && row.last_error.unwrap().contains("storage down"));
    assert!(h.store.row(dead).dead);
    assert!(h.store.row(unknown).dead);
    assert!(h.mailer.calls().is_empty());
}
