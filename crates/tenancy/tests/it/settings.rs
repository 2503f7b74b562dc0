//! `TenantSettingsService` against the in-memory store: guards, quota
//! figures (unlimited, storage), merges, format validation and stale writes.

use harmony_adapters_memory::InMemoryStore;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_kernel::{
    AccessError, Principal, StoreError, SystemClock, SystemRole, TenantRole, UserId,
};
use harmony_tenancy::settings::TenantSettingsService;
use harmony_tenancy::settings::model::{FormatSettings, LimitUsage, SettingsUpdate, StorageUsage};
use harmony_tenancy::settings::ports::MockTenantSettingsStore;
use harmony_tenancy::testing::{now, tenant};
use harmony_tenancy::{Branch, Limit, TenancyError, Tenant};
use serde_json::json;
use std::sync::Arc;

async fn fixture() -> (Arc<InMemoryStore>, TenantSettingsService, Tenant) {
    let store = Arc::new(InMemoryStore::new());
    let t = tenant(1, now());
    store
        .commit(&[
            Change::InsertTenant(t.clone()),
            Change::InsertBranch(Branch::headquarters(t.id, now())),
        ])
        .await
        .unwrap();
    let svc = TenantSettingsService::new(store.clone(), Arc::new(SystemClock));
    (store, svc, t)
}

fn user(t: &Tenant, role: TenantRole) -> Principal {
    Principal::verified_tenant_user(UserId::new(), None, t.id, role)
}

#[test]
fn unlimited_limits_are_available_and_never_reached() {
    let u = LimitUsage::new(7, Limit::UNLIMITED);
    assert_eq!((u.available, u.reached, u.percent), (-1, false, 0.0));
    let u = LimitUsage::new(3, Limit::new(3));
    assert_eq!((u.available, u.reached, u.percent), (0, true, 100.0));
    let u = LimitUsage::new(1, Limit::new(3));
    assert!((u.percent - 33.33).abs() < f64::EPSILON);
    let s = StorageUsage::new(3 * 1_073_741_824 / 2, Limit::new(1));
    assert_eq!((s.used_gb, s.available_gb, s.reached), (1.5, 0.0, true));
    let s = StorageUsage::new(0, Limit::new(0));
    assert_eq!((s.percent, s.reached), (0.0, true));
}

#[tokio::test]
async fn guards_refuse_system_users_inactive_tenants_and_members() {
    let (store, svc, t) = fixture().await;
    let root = Principal::verified_system_user(UserId::new(), None, SystemRole::Admin);
    assert!(matches!(
        svc.tenant(&root).await,
        Err(TenancyError::Access(AccessError::TenantRequired))
    ));
    let member = user(&t, TenantRole::Member);
    assert!(svc.usage(&member).await.is_ok());
    assert!(matches!(
        svc.update_format(&member, FormatSettings::default()).await,
        Err(TenancyError::Access(AccessError::MissingPermission(
            "tenant.settings.edit"
        )))
    ));
    assert!(matches!(
        svc.cancel_scheduled_change(&member).await,
        Err(TenancyError::Access(AccessError::TenantAdminRequired))
    ));
    store.update_tenant(t.id, |t| t.is_active = false);
    assert!(matches!(
        svc.feature_enabled(&member, "x").await,
        Err(TenancyError::TenantInactive)
    ));
}

#[tokio::test]
async fn settings_merge_clear_and_validate() {
    let (_, svc, t) = fixture().await;
    let owner = user(&t, TenantRole::Owner);
    let mut f = FormatSettings {
        timezone: "UTC".to_owned(),
        ..FormatSettings::default()
    };
    svc.update_format(&owner, f.clone()).await.unwrap();
    let update = SettingsUpdate {
        name: Some("Renamed".to_owned()),
        logo_url: Some(Some("https://l".to_owned())),
        settings: json!({"lang": "id"}).as_object().cloned(),
    };
    let saved = svc.update_settings(&owner, &update).await.unwrap();
    assert_eq!(saved.settings["format"]["timezone"], "UTC");
    assert_eq!(saved.settings["lang"], "id");
    let clear = SettingsUpdate {
        logo_url: Some(None),
        ..SettingsUpdate::default()
    };
    let saved = svc.update_settings(&owner, &clear).await.unwrap();
    assert_eq!((saved.logo_url, saved.name.as_str()), (None, "Renamed"));
    assert_eq!(svc.format(&owner).await.unwrap(), f);
    let bad = SettingsUpdate {
        name: Some("x".to_owned()),
        ..SettingsUpdate::default()
    };
    assert!(matches!(
        svc.update_settings(&owner, &bad).await,
        Err(TenancyError::Validation { field: "name", .. })
    ));
    f.price_decimal_places = 5;
    assert!(matches!(
        svc.update_format(&owner, f).await,
        Err(TenancyError::Validation { .. })
    ));
    let (tiers, current) = svc.tiers(&owner).await.unwrap();
    assert_eq!(
        (tiers.len(), current.as_str()),
        (4, "free"),
        "fallback list"
    );
}

#[tokio::test]
async fn a_concurrent_change_is_a_conflict() {
    let t = tenant(1, now());
    let mut store = MockTenantSettingsStore::new();
    let stored = t.clone();
    store
        .expect_tenant()
        .returning(move |_| Ok(Some(stored.clone())));
    store
        .expect_update_tenant()
        .withf(|_, _, expected, audit| expected.is_none() && audit.action == "settings.updated")
        .times(1)
        .returning(|_, _, _, _| Err(StoreError::StaleVersion));
    let svc = TenantSettingsService::new(Arc::new(store), Arc::new(SystemClock));
    let err = svc
        .update_settings(&user(&t, TenantRole::Admin), &SettingsUpdate::default())
        .await
        .unwrap_err();
    assert!(matches!(err, TenancyError::Conflict), "got {err:?}");
}

#[tokio::test]
async fn memory_store_refuses_stale_writes() {
    let (store, svc, t) = fixture().await;
    let owner = user(&t, TenantRole::Owner);
    let read = svc.tenant(&owner).await.unwrap();
    svc.update_settings(&owner, &SettingsUpdate::default())
        .await
        .unwrap();
    let scope = owner.tenant_scope().unwrap();
    let audit = harmony_kernel::AuditEntry::by(&owner, "settings.updated", "tenant", now());
    let err = harmony_tenancy::settings::ports::TenantSettingsStore::update_tenant(
        store.as_ref(),
        &scope,
        &read,
        read.updated_at,
        &audit,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::StaleVersion));
}
