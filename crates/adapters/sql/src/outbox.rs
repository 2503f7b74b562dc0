//! [`OutboxStore`] for [`SqlStore`], and the insert used by domain commits.

use crate::entity::outbox::{self, Column};
use crate::error::store_err;
use crate::store::SqlStore;
use crate::timestamps::{self as ts, utc};
use harmony_kernel::outbox::{ClaimedMessage, OutboxMessage, OutboxStore};
use harmony_kernel::{OutboxId, StoreError};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 1000;

fn message_row(m: &OutboxMessage) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(m.id.into_uuid()),
        topic: Set(m.topic.clone()),
        payload: Set(m.payload.clone()),
        created_at: Set(utc(m.created_at)),
        attempts: Set(0),
        next_attempt_at: Set(utc(m.created_at)),
        locked_until: Set(None),
        lock_token: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        dead_at: Set(None),
    }
}

/// Inserts messages on `db` (a connection or a domain commit's transaction).
pub(crate) async fn insert_messages<C: ConnectionTrait>(
    db: &C,
    messages: &[OutboxMessage],
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    outbox::Entity::insert_many(messages.iter().map(message_row))
        .exec_without_returning(db)
        .await
        .map(|_| ())
        .map_err(store_err)
}

/// Not delivered, not dead, retry time reached, and no live lease.
fn due(backend: DbBackend, now: OffsetDateTime) -> Condition {
    Condition::all()
        .add(Column::DeliveredAt.is_null())
        .add(Column::DeadAt.is_null())
        .add(ts::col(backend, Column::NextAttemptAt).lte(ts::val(backend, now)))
        .add(
            Condition::any()
                .add(Column::LockedUntil.is_null())
                .add(ts::col(backend, Column::LockedUntil).lt(ts::val(backend, now))),
        )
}

fn claimed(row: outbox::Model) -> ClaimedMessage {
    ClaimedMessage {
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        message: OutboxMessage {
            id: OutboxId::from_uuid(row.id),
            topic: row.topic,
            payload: row.payload,
            created_at: row.created_at,
        },
    }
}

/// The payload without template variables (reset links and the like).
fn without_vars(mut payload: serde_json::Value) -> serde_json::Value {
    if let Some(vars) = payload.as_object_mut().and_then(|o| o.get_mut("vars")) {
        *vars = serde_json::json!({});
    }
    payload
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_ERROR_CHARS).collect()
}

/// Outbox depth for metrics: messages still to deliver, and dead letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Neither delivered nor dead (due now or scheduled for a retry).
    pub pending: u64,
    /// Given up on; they need an operator.
    pub dead: u64,
}

impl SqlStore {
    /// Counts pending and dead outbox messages (read-only, for the `/metrics`
    /// scrape; kept off the `OutboxStore` port because only operators need it).
    ///
    /// # Errors
    /// `StoreError` on backend failure.
    pub async fn outbox_stats(&self) -> Result<OutboxStats, StoreError> {
        let db = self.connection();
        let dead = outbox::Entity::find()
            .filter(Column::DeadAt.is_not_null())
            .count(db)
            .await
            .map_err(store_err)?;
        Ok(OutboxStats {
            pending: self.pending_count().await?,
            dead,
        })
    }
}

#[async_trait::async_trait]
impl OutboxStore for SqlStore {
    async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        insert_messages(self.connection(), messages).await
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let backend = self.backend();
        let txn = self.connection().begin().await.map_err(store_err)?;
        let mut select = outbox::Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(due(backend, now))
            .order_by(ts::col(backend, Column::CreatedAt), Order::Asc)
            .order_by(Column::Id, Order::Asc)
            .limit(u64::from(limit));
        if backend == DbBackend::Postgres {
            select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let ids: Vec<Uuid> = select.into_tuple().all(&txn).await.map_err(store_err)?;
        if ids.is_empty() {
            txn.commit().await.map_err(store_err)?;
            return Ok(Vec::new());
        }
        let token = Uuid::new_v4();
        // The due condition is repeated so a row another worker leased in the
        // meantime (possible on SQLite, which has no row locks) is skipped.
        outbox::Entity::update_many()
            .col_expr(Column::LockedUntil, Expr::value(utc(now + lease)))
            .col_expr(Column::LockToken, Expr::value(token))
            .filter(Column::Id.is_in(ids))
            .filter(due(backend, now))
            .exec(&txn)
            .await
            .map_err(store_err)?;
        let rows = outbox::Entity::find()
            .filter(Column::LockToken.eq(token))
            .order_by(ts::col(backend, Column::CreatedAt), Order::Asc)
            .order_by(Column::Id, Order::Asc)
            .all(&txn)
            .await
            .map_err(store_err)?;
        txn.commit().await.map_err(store_err)?;
        Ok(rows.into_iter().map(claimed).collect())
    }

    async fn mark_delivered(&self, id: OutboxId, at: OffsetDateTime) -> Result<(), StoreError> {
        let db = self.connection();
        let Some(row) = outbox::Entity::find_by_id(id.into_uuid())
            .one(db)
            .await
            .map_err(store_err)?
        else {
            return Ok(());
        };
        let update = outbox::ActiveModel {
            id: Set(row.id),
            payload: Set(without_vars(row.payload)),
            delivered_at: Set(Some(utc(at))),
            locked_until: Set(None),
            lock_token: Set(None),
            topic: NotSet,
            created_at: NotSet,
            attempts: NotSet,
            next_attempt_at: NotSet,
            last_error: NotSet,
            dead_at: NotSet,
        };
        outbox::Entity::update(update)
            .exec(db)
            .await
            .map(|_| ())
            .map_err(store_err)
    }

    async fn mark_failed(
        &self,
        id: OutboxId,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let mut update = outbox::Entity::update_many()
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .col_expr(Column::LastError, Expr::value(truncate(error)))
            .col_expr(
                Column::LockedUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            )
            .col_expr(Column::LockToken, Expr::value(Option::<Uuid>::None));
        update = match retry_at {
            Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(utc(at))),
            None => update.col_expr(Column::DeadAt, Expr::value(utc(OffsetDateTime::now_utc()))),
        };
        update
            .filter(Column::Id.eq(id.into_uuid()))
            .exec(self.connection())
            .await
            .map(|_| ())
            .map_err(store_err)
    }

    async fn pending_count(&self) -> Result<u64, StoreError> {
        outbox::Entity::find()
            .filter(Column::DeliveredAt.is_null())
            .filter(Column::DeadAt.is_null())
            .count(self.connection())
            .await
            .map_err(store_err)
    }
}
