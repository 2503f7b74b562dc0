//! `OutboxStore` over the shared in-memory state.

use crate::identity::InMemoryStore;
use harmony_kernel::outbox::{ClaimedMessage, OutboxMessage, OutboxStore, TOPIC_EMAIL};
use harmony_kernel::{OutboxId, StoreError};
use time::{Duration, OffsetDateTime};

/// A message and its delivery bookkeeping.
#[derive(Debug, Clone)]
pub(crate) struct OutboxEntry {
    pub(crate) message: OutboxMessage,
    attempts: u32,
    lease_until: Option<OffsetDateTime>,
    retry_at: Option<OffsetDateTime>,
    delivered_at: Option<OffsetDateTime>,
    dead: bool,
    last_error: Option<String>,
}

impl OutboxEntry {
    pub(crate) const fn new(message: OutboxMessage) -> Self {
        Self {
            message,
            attempts: 0,
            lease_until: None,
            retry_at: None,
            delivered_at: None,
            dead: false,
            last_error: None,
        }
    }

    const fn is_pending(&self) -> bool {
        self.delivered_at.is_none() && !self.dead
    }

    fn is_due(&self, now: OffsetDateTime) -> bool {
        self.is_pending()
            && self.retry_at.is_none_or(|at| at <= now)
            && self.lease_until.is_none_or(|until| until <= now)
    }
}

/// Outbox depth for metrics: messages still to deliver, and dead letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Neither delivered nor dead.
    pub pending: u64,
    /// Given up on.
    pub dead: u64,
}

impl InMemoryStore {
    /// Counts pending and dead outbox messages, like `SqlStore::outbox_stats`.
    pub fn outbox_stats(&self) -> OutboxStats {
        let state = self.lock();
        let count =
            |f: fn(&OutboxEntry) -> bool| state.outbox.iter().filter(|e| f(e)).count() as u64;
        OutboxStats {
            pending: count(OutboxEntry::is_pending),
            dead: count(|e| e.dead),
        }
    }

    /// The last recorded failure of a message (tests).
    pub fn outbox_last_error(&self, id: OutboxId) -> Option<String> {
        let state = self.lock();
        state
            .outbox
            .iter()
            .find(|e| e.message.id == id)
            .and_then(|e| e.last_error.clone())
    }
}

#[async_trait::async_trait]
impl OutboxStore for InMemoryStore {
    async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        let mut state = self.lock();
        state
            .outbox
            .extend(messages.iter().cloned().map(OutboxEntry::new));
        Ok(())
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let mut state = self.lock();
        let mut due: Vec<&mut OutboxEntry> =
            state.outbox.iter_mut().filter(|e| e.is_due(now)).collect();
        due.sort_by_key(|e| e.message.created_at); // stable: insertion order breaks ties
        let claimed = due
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|e| {
                e.lease_until = Some(now + lease);
                let attempts = e.attempts;
                e.attempts += 1;
                ClaimedMessage {
                    message: e.message.clone(),
                    attempts,
                }
            })
            .collect();
        Ok(claimed)
    }

    async fn mark_delivered(&self, id: OutboxId, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut state = self.lock();
        if let Some(e) = state.outbox.iter_mut().find(|e| e.message.id == id) {
            e.delivered_at = Some(at);
            e.lease_until = None;
            if e.message.topic == TOPIC_EMAIL
                && let Some(vars) = e.message.payload.get_mut("vars")
            {
                *vars = serde_json::json!({}); // links and names are secrets once sent
            }
        }
        Ok(())
    }

    async fn mark_failed(
        &self,
        id: OutboxId,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        if let Some(e) = state.outbox.iter_mut().find(|e| e.message.id == id) {
            e.last_error = Some(error.to_owned());
            e.lease_until = None;
            e.retry_at = retry_at;
            e.dead = retry_at.is_none();
        }
        Ok(())
    }

    async fn pending_count(&self) -> Result<u64, StoreError> {
        Ok(self.lock().outbox.iter().filter(|e| e.is_pending()).count() as u64)
    }
}
