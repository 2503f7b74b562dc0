use harmony_adapters_memory::InMemoryStore;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_kernel::OutboxId;
use harmony_kernel::mail::{EmailJob, MailTemplate};
use harmony_kernel::outbox::{OutboxMessage, OutboxStore};
use time::Duration;
use time::macros::datetime;

fn job(n: i64) -> OutboxMessage {
    let job = EmailJob {
        to: "a@b.com".into(),
        template: MailTemplate::PasswordReset,
        vars: serde_json::json!({ "reset_url": "https://x/reset?token=secret" }),
    };
    job.into_outbox(datetime!(2026-01-01 0:00 UTC) + Duration::seconds(n))
}

#[tokio::test]
async fn committed_messages_are_claimed_leased_retried_and_scrubbed() {
    let store = InMemoryStore::new();
    let now = datetime!(2026-01-02 0:00 UTC);
    let (a, b) = (job(2), job(1));
    store.commit(&[Change::Outbox(a.clone())]).await.unwrap();
    store.enqueue(std::slice::from_ref(&b)).await.unwrap();
    let lease = Duration::minutes(1);
    let claimed = store.claim_due(now, lease, 10).await.unwrap();
    let ids: Vec<OutboxId> = claimed.iter().map(|c| c.message.id).collect();
    assert_eq!(ids, vec![b.id, a.id], "oldest first");
    assert!(
        store.claim_due(now, lease, 10).await.unwrap().is_empty(),
        "leased"
    );
    store
        .mark_failed(a.id, "smtp down", Some(now + Duration::minutes(5)))
        .await
        .unwrap();
    store.mark_delivered(b.id, now).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 1);
    assert!(
        store
            .claim_due(now + Duration::minutes(2), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retry = store
        .claim_due(now + Duration::minutes(6), lease, 10)
        .await
        .unwrap();
    assert_eq!((retry[0].message.id, retry[0].attempts), (a.id, 1));
    assert_eq!(store.outbox_last_error(a.id).as_deref(), Some("smtp down"));
    store.mark_failed(a.id, "rejected", None).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0);
    let delivered = store
        .outbox_messages()
        .into_iter()
        .find(|m| m.id == b.id)
        .unwrap();
    assert_eq!(delivered.payload["vars"], serde_json::json!({}));
}

#[tokio::test]
async fn a_failing_commit_writes_nothing() {
    let store = InMemoryStore::new();
    let changes = [
        Change::Outbox(job(1)),
        Change::ConsumeOneTimeToken {
            id: uuid::Uuid::now_v7(),
            at: datetime!(2026-01-01 0:00 UTC),
        },
    ];
    assert!(store.commit(&changes).await.is_err());
    assert_eq!(store.pending_count().await.unwrap(), 0);
}
