//! What the notifications context needs from the outside: the inboxes and
//! preferences, and the directory of users a broadcast reaches.

use crate::model::{Notification, Preference, PreferenceUpdate};
use harmony_kernel::{Page, PageRequest};
use harmony_kernel::{StoreError, TenantId, UserId};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// Filters of the inbox list (§3.10 #1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationFilter {
    /// Only unread ones.
    pub unread_only: bool,
    /// Only this stored type value (an unknown value matches nothing).
    pub notification_type: Option<String>,
}

/// Counters of admin stats (§3.10 A2), active notifications only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationStats {
    /// All active notifications in scope.
    pub total: u64,
    /// Of which unread.
    pub unread: u64,
    /// Of which read.
    pub read: u64,
    /// Per stored type value (filled for the global stats only).
    pub by_type: BTreeMap<String, u64>,
}

/// Every user read and write takes the inbox owner's id, which the service
/// takes from the verified `Principal` — never from a request path — so one
/// user can neither see, mark nor delete another's notifications.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait NotificationStore: Send + Sync {
    /// Inserts all or none (one transaction of its own). Producers that need
    /// the insert in their own commit use the adapter's transactional insert
    /// with the records [`crate::decide`] returned.
    async fn insert(&self, notifications: &[Notification]) -> Result<(), StoreError>;

    /// The owner's active notifications passing `filter`, newest first
    /// (`created_at` desc, then id desc), with the filtered total.
    async fn list(
        &self,
        owner: UserId,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<Notification>, StoreError>;

    /// The owner's active unread notifications, regardless of filters.
    async fn unread_count(&self, owner: UserId) -> Result<u64, StoreError>;

    /// One active notification of the owner.
    async fn get(&self, owner: UserId, id: Uuid) -> Result<Option<Notification>, StoreError>;

    /// Marks read the listed ids that are the owner's, active and unread;
    /// returns how many changed (soft-deleted ones are not counted, defect 39).
    async fn mark_read(
        &self,
        owner: UserId,
        ids: &[Uuid],
        now: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Marks read every active unread notification of the owner (optionally
    /// of one stored type value); returns how many.
    async fn mark_all_read(
        &self,
        owner: UserId,
        notification_type: Option<String>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Soft-deletes one active notification of the owner; `false` when
    /// there is none.
    async fn soft_delete(
        &self,
        owner: UserId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Soft-deletes every active READ notification of the owner; returns how many.
    async fn soft_delete_read(&self, owner: UserId, now: OffsetDateTime)
    -> Result<u64, StoreError>;

    /// The active preference rows of these users, in any order (one user for
    /// GET all, a broadcast's recipients for [`crate::decide`]).
    async fn preferences(&self, users: &[UserId]) -> Result<Vec<Preference>, StoreError>;

    /// Upserts the owner's row for `update.notification_type`: the matching
    /// row (active or not) gets the given flags, else a row is created with
    /// the §9.2 defaults. Atomic per row (unique on user and type).
    async fn upsert_preference(
        &self,
        owner: UserId,
        update: &PreferenceUpdate,
    ) -> Result<Preference, StoreError>;

    /// Hard-deletes all of the owner's rows; returns how many.
    async fn reset_preferences(&self, owner: UserId) -> Result<u64, StoreError>;

    /// Admin stats over active notifications: everyone's with `by_type`, or
    /// those of users whose `tenant_id` is `tenant` (any user status).
    async fn stats(&self, tenant: Option<TenantId>) -> Result<NotificationStats, StoreError>;
}

/// Who a broadcast reaches (the send grammar without `user:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every active user, system and tenant.
    All,
    /// Every active user that belongs to a tenant.
    AllTenants,
    /// The active users of one tenant.
    Tenant(TenantId),
}

/// One user a notification goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recipient {
    /// The user.
    pub user_id: UserId,
    /// Their tenant, for tenant users.
    pub tenant_id: Option<TenantId>,
}

/// The users — identity's data, so identity's adapters implement it; this
/// context never reads the users table itself.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait RecipientDirectory: Send + Sync {
    /// The active, not deleted users of `audience`, in any order.
    async fn recipients(&self, audience: Audience) -> Result<Vec<Recipient>, StoreError>;

    /// One user that exists and is not deleted (active or not: a direct
    /// message may wait for a suspended user); `None` otherwise.
    async fn find_user(&self, user_id: UserId) -> Result<Option<Recipient>, StoreError>;
}
