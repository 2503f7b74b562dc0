//! The SQL store against the `NotificationStore` contract: SQLite always,
//! PostgreSQL when `HARMONY_TEST_DATABASE_URL` is set; plus the recipient
//! directory, tenant stats and a PostgreSQL race of preference upserts.
//!
//! `notifications.user_id` and `notification_preferences.user_id` reference
//! `users`, while the contract invents user ids; [`Seeded`] creates a
//! system user for each new id before delegating.

#![allow(clippy::expect_used, clippy::unwrap_used)] // fixtures panic on failure

use harmony_adapters_sql::SqlStore;
use harmony_adapters_sql::entity::users;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{now, system_user, tenant, tenant_user};
use harmony_kernel::{Page, PageRequest, StoreError, SystemRole, TenantId, TenantRole, UserId};
use harmony_notifications::testing::{notification, notification_store_contract};
use harmony_notifications::{
    Audience, Notification, NotificationFilter, NotificationStats, NotificationStore,
    NotificationType, Preference, PreferenceUpdate, RecipientDirectory,
};
use sea_orm::EntityTrait;
use time::OffsetDateTime;
use uuid::Uuid;

/// Delegates to the store after making sure each written user exists.
struct Seeded<'a>(&'a SqlStore);

impl Seeded<'_> {
    async fn ensure(&self, user: UserId) {
        let found = users::Entity::find_by_id(user.into_uuid())
            .one(self.0.connection())
            .await
            .expect("find user");
        if found.is_none() {
            let mut u = system_user(SystemRole::Operator, now());
            u.id = user;
            self.0
                .commit(&[Change::InsertUser(u)])
                .await
                .expect("insert user");
        }
    }
}

#[async_trait::async_trait]
impl NotificationStore for Seeded<'_> {
    async fn insert(&self, notifications: &[Notification]) -> Result<(), StoreError> {
        for n in notifications {
            self.ensure(n.user_id).await;
        }
        self.0.insert(notifications).await
    }
    async fn list(
        &self,
        owner: UserId,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<Notification>, StoreError> {
        self.0.list(owner, filter, page).await
    }
    async fn unread_count(&self, owner: UserId) -> Result<u64, StoreError> {
        self.0.unread_count(owner).await
    }
    async fn get(&self, owner: UserId, id: Uuid) -> Result<Option<Notification>, StoreError> {
        self.0.get(owner, id).await
    }
    async fn mark_read(
        &self,
        owner: UserId,
        ids: &[Uuid],
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.0.mark_read(owner, ids, now).await
    }
    async fn mark_all_read(
        &self,
        owner: UserId,
        ty: Option<String>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.0.mark_all_read(owner, ty, now).await
    }
    async fn soft_delete(
        &self,
        owner: UserId,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.0.soft_delete(owner, id, now).await
    }
    async fn soft_delete_read(
        &self,
        owner: UserId,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.0.soft_delete_read(owner, now).await
    }
    async fn preferences(&self, users: &[UserId]) -> Result<Vec<Preference>, StoreError> {
        self.0.preferences(users).await
    }
    async fn upsert_preference(
        &self,
        owner: UserId,
        update: &PreferenceUpdate,
    ) -> Result<Preference, StoreError> {
        self.ensure(owner).await;
        self.0.upsert_preference(owner, update).await
    }
    async fn reset_preferences(&self, owner: UserId) -> Result<u64, StoreError> {
        self.0.reset_preferences(owner).await
    }
    async fn stats(&self, tenant: Option<TenantId>) -> Result<NotificationStats, StoreError> {
        self.0.stats(tenant).await
    }
}

/// Recipients per audience, `find_user`, and tenant stats joined on users.
async fn directory_and_tenant_stats(store: &SqlStore) {
    let org = tenant(now());
    let tid = org.id;
    let member = tenant_user(tid, TenantRole::Member, now());
    let mut inactive = tenant_user(tid, TenantRole::Member, now());
    inactive.is_active = false;
    let mut deleted = tenant_user(tid, TenantRole::Member, now());
    deleted.deleted_at = Some(now());
    let sys = system_user(SystemRole::Admin, now());
    let (mem, ina, del, adm) = (member.id, inactive.id, deleted.id, sys.id);
    let changes = vec![
        Change::InsertTenant(org),
        Change::InsertUser(member),
        Change::InsertUser(inactive),
        Change::InsertUser(deleted),
        Change::InsertUser(sys),
    ];
    store.commit(&changes).await.expect("seed");

    let of_tenant = store.recipients(Audience::Tenant(tid)).await.unwrap();
    assert_eq!(of_tenant.len(), 1);
    assert_eq!(of_tenant[0].user_id, mem);
    assert_eq!(of_tenant[0].tenant_id, Some(tid));
    let all = store.recipients(Audience::All).await.unwrap();
    assert!(all.iter().any(|r| r.user_id == adm) && all.iter().any(|r| r.user_id == mem));
    assert!(!all.iter().any(|r| r.user_id == ina || r.user_id == del));
    let tenants = store.recipients(Audience::AllTenants).await.unwrap();
    assert!(tenants.iter().all(|r| r.tenant_id.is_some()));
    assert!(tenants.iter().any(|r| r.user_id == mem));
    assert_eq!(
        store.find_user(ina).await.unwrap().unwrap().tenant_id,
        Some(tid)
    );
    assert!(store.find_user(del).await.unwrap().is_none(), "deleted");
    assert!(store.find_user(UserId::new()).await.unwrap().is_none());

    let mut rows: Vec<_> = (0..)
        .zip([mem, ina, mem])
        .map(|(k, u)| notification(u, NotificationType::UserJoined, k))
        .collect();
    rows.push(notification(adm, NotificationType::UserJoined, 9));
    store.insert(&rows).await.unwrap();
    store.mark_read(mem, &[rows[0].id], now()).await.unwrap();
    store.soft_delete(mem, rows[2].id, now()).await.unwrap();
    let stats = store.stats(Some(tid)).await.unwrap();
    assert_eq!((stats.total, stats.read, stats.unread), (2, 1, 1));
    assert!(stats.by_type.is_empty(), "by_type is global only");
}

#[tokio::test]
async fn sqlite() {
    let (store, _dir) = crate::support::sqlite_store().await;
    notification_store_contract(&Seeded(&store)).await;
    notification_store_contract(&Seeded(&store)).await;
    directory_and_tenant_stats(&store).await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    notification_store_contract(&Seeded(&db.store)).await;
    notification_store_contract(&Seeded(&db.store)).await;
    directory_and_tenant_stats(&db.store).await;
    db.drop_db().await;
}

/// 10 parallel upserts of one (user, type) on the pool's separate
/// connections: all succeed and leave exactly one row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_parallel_upserts_leave_one_row() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    let user = system_user(SystemRole::Operator, now());
    let owner = user.id;
    db.store
        .commit(&[Change::InsertUser(user)])
        .await
        .expect("insert user");
    let tasks: Vec<_> = (0..10)
        .map(|k| {
            let store = db.store.clone();
            tokio::spawn(async move {
                let update = PreferenceUpdate {
                    notification_type: "user.joined".to_owned(),
                    in_app_enabled: Some(k % 2 == 0),
                    email_enabled: None,
                    email_digest: None,
                };
                store.upsert_preference(owner, &update).await
            })
        })
        .collect();
    for task in tasks {
        let row = task.await.expect("task").expect("upsert");
        assert_eq!(row.notification_type, "user.joined");
    }
    let rows = db.store.preferences(&[owner]).await.expect("preferences");
    assert_eq!(rows.len(), 1, "{rows:?}");
    db.drop_db().await;
}
