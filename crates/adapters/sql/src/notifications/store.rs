//! [`NotificationStore`] for [`SqlStore`]: every read and write is scoped to
//! the owner's active rows in the `WHERE` clause; counts and stats are SQL
//! aggregates.

use super::{insert_notifications, notification, preference};
use crate::entity::notification_preferences::{self as prefs};
use crate::entity::notifications::{self, Column};
use crate::entity::users;
use crate::error::{corrupt, store_err};
use crate::store::SqlStore;
use crate::timestamps::{self as ts, utc};
use harmony_kernel::{Page, PageRequest, StoreError, TenantId, UserId};
use harmony_notifications::Notification;
use harmony_notifications::{
    NotificationFilter, NotificationStats, NotificationStore, Preference, PreferenceUpdate,
};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// The owner's active (not soft-deleted) notifications.
fn live(owner: UserId) -> Condition {
    Condition::all()
        .add(Column::UserId.eq(owner.into_uuid()))
        .add(Column::IsActive.eq(true))
}

fn unsigned(n: Option<i64>) -> u64 {
    n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

/// `SUM` of read rows; `is_read` is a boolean on PostgreSQL and 0/1 on
/// SQLite, both of which `CASE WHEN` accepts.
const READ_SUM: &str = "SUM(CASE WHEN \"notifications\".\"is_read\" THEN 1 ELSE 0 END)";

impl SqlStore {
    /// Sets `updates` on the rows matching `cond`; returns how many changed.
    async fn update_where(
        &self,
        cond: Condition,
        updates: [(Column, Expr); 2],
    ) -> Result<u64, StoreError> {
        let mut query = notifications::Entity::update_many().filter(cond);
        for (c, v) in updates {
            query = query.col_expr(c, v);
        }
        let res = query.exec(self.connection()).await.map_err(store_err)?;
        Ok(res.rows_affected)
    }

    async fn mark_where(&self, cond: Condition, now: OffsetDateTime) -> Result<u64, StoreError> {
        let cond = cond.add(Column::IsRead.eq(false));
        let set = [
            (Column::IsRead, Expr::value(true)),
            (Column::ReadAt, Expr::value(utc(now))),
        ];
        self.update_where(cond, set).await
    }

    async fn delete_where(&self, cond: Condition, now: OffsetDateTime) -> Result<u64, StoreError> {
        let set = [
            (Column::IsActive, Expr::value(false)),
            (Column::DeletedAt, Expr::value(utc(now))),
        ];
        self.update_where(cond, set).await
    }
}

#[async_trait::async_trait]
impl NotificationStore for SqlStore {
    async fn insert(&self, notifications: &[Notification]) -> Result<(), StoreError> {
        let txn = self.connection().begin().await.map_err(store_err)?;
        insert_notifications(&txn, notifications).await?;
        txn.commit().await.map_err(store_err)
    }

    async fn list(
        &self,
        owner: UserId,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<Notification>, StoreError> {
        let mut cond = live(owner);
        if filter.unread_only {
            cond = cond.add(Column::IsRead.eq(false));
        }
        if let Some(t) = &filter.notification_type {
            cond = cond.add(Column::NotificationType.eq(t.as_str()));
        }
        let query = notifications::Entity::find().filter(cond);
        let total = query
            .clone()
            .count(self.connection())
            .await
            .map_err(store_err)?;
        let rows = query
            .order_by(ts::col(self.backend(), Column::CreatedAt), Order::Desc)
            .order_by(Column::Id, Order::Desc)
            .offset(page.skip)
            .limit(page.limit)
            .all(self.connection())
            .await
            .map_err(store_err)?;
        let items = rows
            .into_iter()
            .map(notification)
            .collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn unread_count(&self, owner: UserId) -> Result<u64, StoreError> {
        notifications::Entity::find()
            .filter(live(owner).add(Column::IsRead.eq(false)))
            .count(self.connection())
            .await
            .map_err(store_err)
    }

    async fn get(&self, owner: UserId, id: Uuid) -> Result<Option<Notification>, StoreError> {
        notifications::Entity::find()
            .filter(live(owner).add(Column::Id.eq(id)))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(notification)
            .transpose()
    }

    async fn mark_read(
        &self,
        owner: UserId,
        ids: &[Uuid],
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let cond = live(owner).add(Column::Id.is_in(ids.iter().copied()));
        self.mark_where(cond, now).await
    }

    async fn mark_all_read(
        &self,
        owner: UserId,
        notification_type: Option<String>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut cond = live(owner);
        if let Some(t) = notification_type {
            cond = cond.add(Column::NotificationType.eq(t));
        }
        self.mark_where(cond, now).await
    }

    async fn soft_delete(
        &self,
        owner: UserId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let n = self
            .delete_where(live(owner).add(Column::Id.eq(id)), now)
            .await?;
        Ok(n > 0)
    }

    async fn soft_delete_read(
        &self,
        owner: UserId,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.delete_where(live(owner).add(Column::IsRead.eq(true)), now)
            .await
    }

    async fn preferences(&self, users: &[UserId]) -> Result<Vec<Preference>, StoreError> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let rows = prefs::Entity::find()
            .filter(prefs::Column::UserId.is_in(users.iter().map(|u| u.into_uuid())))
            .filter(prefs::Column::IsActive.eq(true))
            .all(self.connection())
            .await
            .map_err(store_err)?;
        Ok(rows.into_iter().map(preference).collect())
    }

    async fn upsert_preference(
        &self,
        owner: UserId,
        update: &PreferenceUpdate,
    ) -> Result<Preference, StoreError> {
        let now = utc(OffsetDateTime::now_utc());
        let new = update.create_for(owner);
        let mut on_conflict =
            OnConflict::columns([prefs::Column::UserId, prefs::Column::NotificationType]);
        let given = [
            (prefs::Column::InAppEnabled, update.in_app_enabled),
            (prefs::Column::EmailEnabled, update.email_enabled),
            (prefs::Column::EmailDigest, update.email_digest),
        ];
        on_conflict.update_columns(given.into_iter().filter_map(|(c, v)| v.map(|_| c)));
        on_conflict.value(prefs::Column::UpdatedAt, Expr::value(now));
        let row = prefs::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(owner.into_uuid()),
            notification_type: Set(new.notification_type.clone()),
            in_app_enabled: Set(new.in_app_enabled),
            email_enabled: Set(new.email_enabled),
            email_digest: Set(new.email_digest),
            is_active: Set(new.is_active),
            created_at: Set(now),
            updated_at: Set(None),
        };
        // The read-back shares the upsert's transaction, so it sees this
        // upsert's result (a concurrent one waits for the row lock).
        let txn = self.connection().begin().await.map_err(store_err)?;
        prefs::Entity::insert(row)
            .on_conflict(on_conflict)
            .exec_without_returning(&txn)
            .await
            .map_err(store_err)?;
        let stored = prefs::Entity::find()
            .filter(prefs::Column::UserId.eq(owner.into_uuid()))
            .filter(prefs::Column::NotificationType.eq(new.notification_type.as_str()))
            .one(&txn)
            .await
            .map_err(store_err)?
            .ok_or_else(|| corrupt("notification_preferences", "id", "upserted row vanished"))?;
        txn.commit().await.map_err(store_err)?;
        Ok(preference(stored))
    }

    async fn reset_preferences(&self, owner: UserId) -> Result<u64, StoreError> {
        let res = prefs::Entity::delete_many()
            .filter(prefs::Column::UserId.eq(owner.into_uuid()))
            .exec(self.connection())
            .await
            .map_err(store_err)?;
        Ok(res.rows_affected)
    }

    async fn stats(&self, tenant: Option<TenantId>) -> Result<NotificationStats, StoreError> {
        let mut query = notifications::Entity::find()
            .select_only()
            .column_as(Column::Id.count(), "total")
            .column_as(Expr::cust(READ_SUM), "read")
            .filter(Column::IsActive.eq(true));
        if let Some(t) = tenant {
            query = query
                .join(JoinType::InnerJoin, to_users())
                .filter(users::Column::TenantId.eq(t.into_uuid()));
        }
        let (total, read): (Option<i64>, Option<i64>) = query
            .into_tuple()
            .one(self.connection())
            .await
            .map_err(store_err)?
            .unwrap_or((None, None));
        let (total, read) = (unsigned(total), unsigned(read));
        let mut out = NotificationStats {
            total,
            unread: total.saturating_sub(read),
            read,
            by_type: std::collections::BTreeMap::new(),
        };
        if tenant.is_none() {
            let rows: Vec<(String, i64)> = notifications::Entity::find()
                .select_only()
                .column(Column::NotificationType)
                .column_as(Column::Id.count(), "n")
                .filter(Column::IsActive.eq(true))
                .group_by(Column::NotificationType)
                .into_tuple()
                .all(self.connection())
                .await
                .map_err(store_err)?;
            out.by_type = rows
                .into_iter()
                .map(|(t, n)| (t, unsigned(Some(n))))
                .collect();
        }
        Ok(out)
    }
}

/// `notifications.user_id = users.id`, for the tenant stats join.
fn to_users() -> sea_orm::RelationDef {
    notifications::Entity::belongs_to(users::Entity)
        .from(Column::UserId)
        .to(users::Column::Id)
        .into()
}
