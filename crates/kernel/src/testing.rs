//! The executable contract of [`OutboxStore`]: every implementation must pass
//! [`outbox_store_contract`].
//!
//! The suite may share a database with other tests. Its messages are created
//! at a random instant in the years 2000–2020 and it claims with `now` close
//! to that instant, so messages of other tests (created at real time) are
//! never due for it; it only asserts on its own ids and leaves none of them
//! pending. Claiming is global ("oldest first"), so the suite assumes nobody
//! else uses the same outbox *while* it runs (a fresh store per test);
//! [`pending_count`](OutboxStore::pending_count) checks rely on that too.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

use crate::ids::OutboxId;
use crate::outbox::{ClaimedMessage, OutboxMessage, OutboxStore};
use time::{Duration, OffsetDateTime};

/// Runs every check of the [`OutboxStore`] contract against `store`, which
/// must be migrated and may already hold data.
pub async fn outbox_store_contract(store: &dyn OutboxStore) {
    claims_oldest_first(store).await;
    live_lease_is_exclusive(store).await;
    delivered_is_never_claimed_again(store).await;
    failed_waits_for_its_retry_time(store).await;
    giving_up_makes_a_dead_letter(store).await;
}

/// A random instant between 2000 and 2020, in whole seconds.
pub fn past_instant() -> OffsetDateTime {
    let bits = uuid::Uuid::new_v4().as_u128();
    let offset = i64::try_from(bits % 600_000_000).expect("fits") * 1_000_000;
    OffsetDateTime::from_unix_timestamp(946_684_800).expect("valid")
        + Duration::microseconds(offset)
}

/// An e-mail-like message created at `created_at`, with template variables.
pub fn message(created_at: OffsetDateTime) -> OutboxMessage {
    OutboxMessage {
        id: OutboxId::new(),
        topic: crate::outbox::TOPIC_EMAIL.to_owned(),
        payload: serde_json::json!({
            "to": "someone@example.com",
            "template": "password_reset",
            "vars": { "reset_link": "https://example.com/reset?token=secret" },
        }),
        created_at,
    }
}

async fn claim(store: &dyn OutboxStore, now: OffsetDateTime) -> Vec<ClaimedMessage> {
    store
        .claim_due(now, Duration::minutes(5), 1_000)
        .await
        .expect("claim_due")
}

fn own(claimed: &[ClaimedMessage], ids: &[OutboxId]) -> Vec<ClaimedMessage> {
    claimed
        .iter()
        .filter(|c| ids.contains(&c.message.id))
        .cloned()
        .collect()
}

/// Marks the suite's messages delivered so none stays pending.
async fn settle(store: &dyn OutboxStore, ids: &[OutboxId], at: OffsetDateTime) {
    for id in ids {
        store.mark_delivered(*id, at).await.expect("mark_delivered");
    }
}

async fn claims_oldest_first(store: &dyn OutboxStore) {
    let t0 = past_instant();
    // Whole vs fractional seconds: text comparison of RFC 3339 gets this wrong.
    let newer = message(t0 + Duration::milliseconds(5_500));
    let older = message(t0 + Duration::seconds(5));
    let before = store.pending_count().await.expect("pending_count");
    store
        .enqueue(&[newer.clone(), older.clone()])
        .await
        .expect("enqueue");
    assert_eq!(
        store.pending_count().await.expect("pending_count"),
        before + 2
    );

    assert!(
        own(&claim(store, t0).await, &[newer.id, older.id]).is_empty(),
        "a message is not due before it was created"
    );
    let claimed = own(
        &claim(store, t0 + Duration::seconds(20)).await,
        &[newer.id, older.id],
    );
    let ids: Vec<OutboxId> = claimed.iter().map(|c| c.message.id).collect();
    assert_eq!(ids, vec![older.id, newer.id], "oldest first");
    assert_eq!(
        claimed[0].message, older,
        "the message reads back unchanged"
    );
    assert_eq!(claimed[0].attempts, 0);
    settle(store, &[newer.id, older.id], t0 + Duration::seconds(30)).await;
    assert_eq!(store.pending_count().await.expect("pending_count"), before);
}

async fn live_lease_is_exclusive(store: &dyn OutboxStore) {
    let t0 = past_instant();
    let m = message(t0);
    store
        .enqueue(std::slice::from_ref(&m))
        .await
        .expect("enqueue");
    let lease = Duration::seconds(60);
    let first = store
        .claim_due(t0 + Duration::seconds(1), lease, 1_000)
        .await
        .expect("claim");
    assert_eq!(own(&first, &[m.id]).len(), 1, "a due message is claimed");
    let second = store
        .claim_due(t0 + Duration::seconds(30), lease, 1_000)
        .await
        .expect("claim");
    assert!(
        own(&second, &[m.id]).is_empty(),
        "a live lease is exclusive"
    );
    let third = store
        .claim_due(t0 + Duration::seconds(62), lease, 1_000)
        .await
        .expect("claim");
    let again = own(&third, &[m.id]);
    assert_eq!(again.len(), 1, "claimable again once the lease expired");
    assert_eq!(
        again[0].attempts, 0,
        "an expired lease is not a failed attempt"
    );
    settle(store, &[m.id], t0 + Duration::seconds(63)).await;
}

async fn delivered_is_never_claimed_again(store: &dyn OutboxStore) {
    let t0 = past_instant();
    let m = message(t0);
    let before = store.pending_count().await.expect("pending_count");
    store
        .enqueue(std::slice::from_ref(&m))
        .await
        .expect("enqueue");
    assert_eq!(
        own(&claim(store, t0 + Duration::seconds(1)).await, &[m.id]).len(),
        1
    );
    store
        .mark_delivered(m.id, t0 + Duration::seconds(2))
        .await
        .expect("mark_delivered");
    assert_eq!(store.pending_count().await.expect("pending_count"), before);
    for later in [Duration::minutes(10), Duration::days(400)] {
        assert!(
            own(&claim(store, t0 + later).await, &[m.id]).is_empty(),
            "delivered stays done"
        );
    }
}

async fn failed_waits_for_its_retry_time(store: &dyn OutboxStore) {
    let t0 = past_instant();
    let m = message(t0);
    store
        .enqueue(std::slice::from_ref(&m))
        .await
        .expect("enqueue");
    assert_eq!(
        own(&claim(store, t0 + Duration::seconds(1)).await, &[m.id]).len(),
        1
    );
    let retry_at = t0 + Duration::hours(1);
    store
        .mark_failed(m.id, &"x".repeat(5_000), Some(retry_at))
        .await
        .expect("mark_failed");
    assert!(
        own(&claim(store, t0 + Duration::minutes(10)).await, &[m.id]).is_empty(),
        "not due before its retry time, even though the failed lease was released"
    );
    let retried = own(
        &claim(store, retry_at + Duration::seconds(1)).await,
        &[m.id],
    );
    assert_eq!(retried.len(), 1, "due again at its retry time");
    assert_eq!(
        retried[0].attempts, 1,
        "one attempt was made before this one"
    );
    settle(store, &[m.id], retry_at + Duration::seconds(2)).await;
}

async fn giving_up_makes_a_dead_letter(store: &dyn OutboxStore) {
    let t0 = past_instant();
    let m = message(t0);
    let before = store.pending_count().await.expect("pending_count");
    store
        .enqueue(std::slice::from_ref(&m))
        .await
        .expect("enqueue");
    assert_eq!(
        store.pending_count().await.expect("pending_count"),
        before + 1
    );
    assert_eq!(
        own(&claim(store, t0 + Duration::seconds(1)).await, &[m.id]).len(),
        1
    );
    store
        .mark_failed(m.id, "mailbox unavailable", None)
        .await
        .expect("mark_failed");
    assert_eq!(
        store.pending_count().await.expect("pending_count"),
        before,
        "dead is not pending"
    );
    for later in [Duration::minutes(10), Duration::days(400)] {
        assert!(
            own(&claim(store, t0 + later).await, &[m.id]).is_empty(),
            "dead is never due"
        );
    }
}
