//! Adapter-specific outbox behaviour the port cannot observe.

use crate::support::sqlite_store;
use harmony_adapters_sql::entity::outbox;
use harmony_kernel::outbox::OutboxStore;
use harmony_kernel::testing::{message, past_instant};
use sea_orm::EntityTrait;
use time::Duration;

#[tokio::test]
async fn delivery_drops_template_variables_and_failures_keep_a_short_error() {
    let (store, _dir) = sqlite_store().await;
    let t0 = past_instant();
    let (sent, failed) = (message(t0), message(t0));
    store
        .enqueue(&[sent.clone(), failed.clone()])
        .await
        .expect("enqueue");
    store
        .mark_delivered(sent.id, t0 + Duration::seconds(1))
        .await
        .expect("delivered");
    store
        .mark_failed(failed.id, &"é".repeat(3_000), None)
        .await
        .expect("failed");

    let row = |id: harmony_kernel::OutboxId| {
        let db = store.connection().clone();
        async move {
            outbox::Entity::find_by_id(id.into_uuid())
                .one(&db)
                .await
                .expect("row")
        }
    };
    let sent_row = row(sent.id).await.expect("present");
    assert_eq!(
        sent_row.payload["vars"],
        serde_json::json!({}),
        "secrets are not kept"
    );
    assert_eq!(sent_row.payload["to"], sent.payload["to"]);
    assert!(sent_row.delivered_at.is_some() && sent_row.lock_token.is_none());
    let failed_row = row(failed.id).await.expect("present");
    assert_eq!(
        failed_row.last_error.map(|e| e.chars().count()),
        Some(1_000)
    );
    assert_eq!(failed_row.attempts, 1);
    assert!(failed_row.dead_at.is_some());
    assert_eq!(
        failed_row.payload, failed.payload,
        "undelivered payload is intact"
    );
}
