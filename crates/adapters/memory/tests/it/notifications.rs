//! The in-memory notification store against the `NotificationStore`
//! contract, and its `RecipientDirectory` over identity's users.

use harmony_adapters_memory::InMemoryStore;
use harmony_identity::model::UserKind;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{now, seed_tenant, system_user, tenant_user};
use harmony_kernel::{SystemRole, TenantRole, UserId};
use harmony_notifications::testing::{notification, notification_store_contract};
use harmony_notifications::{Audience, NotificationStore, NotificationType, RecipientDirectory};

#[tokio::test]
async fn in_memory_store_passes_the_notification_store_contract() {
    notification_store_contract(&InMemoryStore::new()).await;
}

#[tokio::test]
async fn directory_returns_active_users_per_audience() {
    let store = InMemoryStore::new();
    let (tenant, _, owner) = seed_tenant(&store).await;
    let (other, _, other_owner) = seed_tenant(&store).await;
    let admin = system_user(SystemRole::Admin, now());
    let mut inactive = tenant_user(tenant.id, TenantRole::Member, now());
    inactive.is_active = false;
    let mut deleted = tenant_user(tenant.id, TenantRole::Member, now());
    deleted.deleted_at = Some(now());
    store
        .commit(&[
            Change::InsertUser(admin.clone()),
            Change::InsertUser(inactive.clone()),
            Change::InsertUser(deleted.clone()),
        ])
        .await
        .unwrap();

    let ids = |v: Vec<harmony_notifications::Recipient>| {
        let mut ids: Vec<UserId> = v.into_iter().map(|r| r.user_id).collect();
        ids.sort();
        ids
    };
    let mut expected_all = vec![owner.id, other_owner.id, admin.id];
    expected_all.sort();
    assert_eq!(
        ids(store.recipients(Audience::All).await.unwrap()),
        expected_all
    );
    let mut tenants = vec![owner.id, other_owner.id];
    tenants.sort();
    assert_eq!(
        ids(store.recipients(Audience::AllTenants).await.unwrap()),
        tenants
    );
    let one = store.recipients(Audience::Tenant(other.id)).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].tenant_id, Some(other.id));

    assert!(store.find_user(inactive.id).await.unwrap().is_some());
    assert!(store.find_user(deleted.id).await.unwrap().is_none());
    assert!(store.find_user(UserId::new()).await.unwrap().is_none());
    assert!(matches!(admin.kind, UserKind::System(_)));
}

#[tokio::test]
async fn tenant_stats_count_the_tenants_users_notifications() {
    let store = InMemoryStore::new();
    let (tenant, _, owner) = seed_tenant(&store).await;
    let (_, _, stranger) = seed_tenant(&store).await;
    store
        .insert(&[
            notification(owner.id, NotificationType::UserJoined, 0),
            notification(owner.id, NotificationType::UserJoined, 1),
            notification(stranger.id, NotificationType::UserJoined, 2),
        ])
        .await
        .unwrap();
    let stats = store.stats(Some(tenant.id)).await.unwrap();
    assert_eq!((stats.total, stats.unread, stats.read), (2, 2, 0));
    assert!(stats.by_type.is_empty(), "by_type is global only");
    assert_eq!(store.stats(None).await.unwrap().total, 3);
}
