//! Wiring shared by the scenarios.

use harmony_adapters_memory::{FixedClock, InMemoryStore};
use harmony_identity::model::User;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{now, seed_tenant, system_user, tenant_user};
use harmony_kernel::{Principal, SystemRole, TenantRole};
use harmony_notifications::NotificationService;
use std::sync::Arc;

/// A service over one memory store, with the store for assertions.
pub struct World {
    pub store: Arc<InMemoryStore>,
    pub service: NotificationService,
}

pub fn world() -> World {
    let store = Arc::new(InMemoryStore::new());
    let service =
        NotificationService::new(store.clone(), store.clone(), Arc::new(FixedClock(now())));
    World { store, service }
}

pub fn principal(u: &User) -> Principal {
    match u.tenant_id() {
        Some(t) => Principal::verified_tenant_user(u.id, None, t, TenantRole::Member),
        None => Principal::verified_system_user(u.id, None, SystemRole::Admin),
    }
}

pub fn admin() -> Principal {
    Principal::verified_system_user(harmony_kernel::UserId::new(), None, SystemRole::Admin)
}

pub fn operator() -> Principal {
    Principal::verified_system_user(harmony_kernel::UserId::new(), None, SystemRole::Operator)
}

/// Two tenants (owner + one member in the first) and one system admin.
pub struct People {
    pub tenant_id: harmony_kernel::TenantId,
    pub owner: User,
    pub member: User,
    pub other_owner: User,
    pub sysadmin: User,
}

pub async fn people(store: &InMemoryStore) -> People {
    let (tenant, _, owner) = seed_tenant(store).await;
    let (_, _, other_owner) = seed_tenant(store).await;
    let member = tenant_user(tenant.id, TenantRole::Member, now());
    let sysadmin = system_user(SystemRole::Admin, now());
    store
        .commit(&[
            Change::InsertUser(member.clone()),
            Change::InsertUser(sysadmin.clone()),
        ])
        .await
        .unwrap();
    People {
        tenant_id: tenant.id,
        owner,
        member,
        other_owner,
        sysadmin,
    }
}
