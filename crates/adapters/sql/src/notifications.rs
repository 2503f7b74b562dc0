//! Notifications in SQL: [`insert_notifications`] (for producers' own
//! transactions and [`NotificationStore::insert`]), row mapping and
//! [`RecipientDirectory`] over `users`; the inbox and preference queries
//! are in `notifications/store.rs`.
//!
//! Every count and aggregate is computed by the database. Preference
//! upserts are one `INSERT … ON CONFLICT (user_id, notification_type) DO
//! UPDATE` on both backends, so concurrent upserts of one row never
//! conflict or duplicate.
//!
//! [`NotificationStore::insert`]: harmony_notifications::NotificationStore::insert

mod store;

use crate::entity::{notification_preferences as prefs, notifications, users};
use crate::error::{corrupt, store_err};
use crate::store::SqlStore;
use crate::timestamps::{utc, utc_opt};
use harmony_kernel::{StoreError, TenantId, UserId};
use harmony_notifications::{
    Audience, Notification, NotificationType, Preference, Priority, Recipient, RecipientDirectory,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};
use serde_json::Value;
use uuid::Uuid;

const TABLE: &str = "notifications";

/// The row of a notification, timestamps in UTC at microsecond precision.
fn row(n: &Notification) -> notifications::ActiveModel {
    notifications::ActiveModel {
        id: Set(n.id),
        user_id: Set(n.user_id.into_uuid()),
        tenant_id: Set(n.tenant_id.map(TenantId::into_uuid)),
        notification_type: Set(n.notification_type.as_str().to_owned()),
        title: Set(n.title.clone()),
        message: Set(n.message.clone()),
        priority: Set(n.priority.as_str().to_owned()),
        data: Set(Value::Object(n.data.clone())),
        is_read: Set(n.is_read),
        read_at: Set(utc_opt(n.read_at)),
        is_active: Set(n.is_active),
        deleted_at: Set(utc_opt(n.deleted_at)),
        created_at: Set(utc(n.created_at)),
        channels_sent: Set(Value::from(n.channels_sent.clone())),
    }
}

/// Inserts `rows` on `conn` — a connection or, usually, the transaction of
/// the domain commit that raised them (built with
/// [`harmony_notifications::decide`]), so a notification never announces a
/// change that rolled back. Never begins or commits a transaction itself:
/// on a bare connection a failure may leave earlier rows inserted. A
/// duplicate id is `StoreError::Conflict`; an unknown user violates the
/// foreign key to `users` (`StoreError::Backend`).
pub(crate) async fn insert_notifications<C: ConnectionTrait>(
    conn: &C,
    rows: &[Notification],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    notifications::Entity::insert_many(rows.iter().map(row))
        .exec_without_returning(conn)
        .await
        .map_err(store_err)?;
    Ok(())
}

/// A stored row as a notification; values that no longer parse are `Corrupt`.
fn notification(m: notifications::Model) -> Result<Notification, StoreError> {
    let notification_type = NotificationType::parse(&m.notification_type)
        .ok_or_else(|| corrupt(TABLE, "notification_type", &m.notification_type))?;
    let priority =
        Priority::parse(&m.priority).ok_or_else(|| corrupt(TABLE, "priority", &m.priority))?;
    let Value::Object(data) = m.data else {
        return Err(corrupt(TABLE, "data", "not a JSON object"));
    };
    let channels_sent =
        serde_json::from_value(m.channels_sent).map_err(|e| corrupt(TABLE, "channels_sent", e))?;
    Ok(Notification {
        id: m.id,
        user_id: UserId::from_uuid(m.user_id),
        tenant_id: m.tenant_id.map(TenantId::from_uuid),
        notification_type,
        title: m.title,
        message: m.message,
        priority,
        data,
        is_read: m.is_read,
        read_at: utc_opt(m.read_at),
        is_active: m.is_active,
        deleted_at: utc_opt(m.deleted_at),
        created_at: utc(m.created_at),
        channels_sent,
    })
}

/// A stored preference row.
fn preference(m: prefs::Model) -> Preference {
    Preference {
        user_id: UserId::from_uuid(m.user_id),
        notification_type: m.notification_type,
        in_app_enabled: m.in_app_enabled,
        email_enabled: m.email_enabled,
        email_digest: m.email_digest,
        is_active: m.is_active,
    }
}

/// `(id, tenant_id)` of users not deleted.
fn live_users() -> Select<users::Entity> {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::TenantId)
        .filter(users::Column::DeletedAt.is_null())
}

fn recipient((id, tenant): (Uuid, Option<Uuid>)) -> Recipient {
    Recipient {
        user_id: UserId::from_uuid(id),
        tenant_id: tenant.map(TenantId::from_uuid),
    }
}

#[async_trait::async_trait]
impl RecipientDirectory for SqlStore {
    async fn recipients(&self, audience: Audience) -> Result<Vec<Recipient>, StoreError> {
        let query = live_users().filter(users::Column::IsActive.eq(true));
        let query = match audience {
            Audience::All => query,
            Audience::AllTenants => query.filter(users::Column::TenantId.is_not_null()),
            Audience::Tenant(t) => query.filter(users::Column::TenantId.eq(t.into_uuid())),
        };
        let rows: Vec<(Uuid, Option<Uuid>)> = query
            .into_tuple()
            .all(self.connection())
            .await
            .map_err(store_err)?;
        Ok(rows.into_iter().map(recipient).collect())
    }

    async fn find_user(&self, user_id: UserId) -> Result<Option<Recipient>, StoreError> {
        let row: Option<(Uuid, Option<Uuid>)> = live_users()
            .filter(users::Column::Id.eq(user_id.into_uuid()))
            .into_tuple()
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(row.map(recipient))
    }
}
