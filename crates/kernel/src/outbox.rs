//! The transactional outbox: messages written in the same transaction as the
//! change that causes them, delivered later by a worker with retries.
//!
//! Domain stores insert [`OutboxMessage`]s inside their own commit; the worker
//! drains them through [`OutboxStore`]. Nothing is lost when the mail server or
//! a process goes down: a message stays due until it is marked delivered.

use crate::error::StoreError;
use crate::ids::OutboxId;
use time::{Duration, OffsetDateTime};

/// One message waiting for delivery.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutboxMessage {
    /// Unique id; also the idempotency key downstream (e-mail `Message-ID`).
    pub id: OutboxId,
    /// What kind of message this is, e.g. [`TOPIC_EMAIL`]; picks the handler.
    pub topic: String,
    /// Topic-specific content.
    pub payload: serde_json::Value,
    /// When the causing change happened.
    pub created_at: OffsetDateTime,
}

/// The topic of e-mail jobs ([`crate::mail::EmailJob`] payloads).
pub const TOPIC_EMAIL: &str = "email";

/// A tenant was closed and its rows deleted; payload `{"tenant_id": …}`.
/// Contexts that keep things outside the database (file bytes) clean up.
pub const TOPIC_TENANT_CLOSED: &str = "tenant.closed";

/// A message a worker holds a lease on.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedMessage {
    /// The message.
    pub message: OutboxMessage,
    /// Delivery attempts made before this one.
    pub attempts: u32,
}

/// Storage of the outbox, as the delivery worker needs it.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync {
    /// Inserts messages on their own (use cases insert theirs in their commit).
    ///
    /// # Errors
    /// `StoreError` when the write fails; nothing is written then.
    async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<(), StoreError>;

    /// Leases up to `limit` due messages (not delivered, not dead, retry time
    /// reached, no live lease) until `now + lease`, oldest first. Concurrent
    /// callers MUST NOT receive the same message while its lease is live.
    ///
    /// # Errors
    /// `StoreError` on backend failure.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError>;

    /// Marks a message delivered; it is never claimed again. The store MUST
    /// drop secrets from the payload (template variables such as reset links).
    ///
    /// # Errors
    /// `StoreError` on backend failure.
    async fn mark_delivered(&self, id: OutboxId, at: OffsetDateTime) -> Result<(), StoreError>;

    /// Records a failed attempt. `retry_at = None` gives up (dead letter).
    ///
    /// # Errors
    /// `StoreError` on backend failure.
    async fn mark_failed(
        &self,
        id: OutboxId,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;

    /// Messages neither delivered nor dead (for health and tests).
    ///
    /// # Errors
    /// `StoreError` on backend failure.
    async fn pending_count(&self) -> Result<u64, StoreError>;
}
