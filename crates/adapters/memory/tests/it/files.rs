//! The in-memory store against the files context's `FileStore` contract.

use harmony_adapters_memory::InMemoryStore;
use harmony_files::testing::{FileFixtures, file_store_contract, now};
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{tenant, tenant_user};
use harmony_kernel::{TenantId, TenantRole, UserId};
use harmony_tenancy::model::Limit;

struct Fixtures<'a>(&'a InMemoryStore);

#[async_trait::async_trait]
impl FileFixtures for Fixtures<'_> {
    async fn insert_tenant(&self, max_storage_gb: i64) -> TenantId {
        let mut t = tenant(now());
        t.max_storage_gb = Limit::new(max_storage_gb);
        let id = t.id;
        self.0
            .commit(&[Change::InsertTenant(t)])
            .await
            .expect("insert tenant");
        id
    }

    async fn insert_user(&self, tenant_id: TenantId) -> UserId {
        let u = tenant_user(tenant_id, TenantRole::Member, now());
        let id = u.id;
        self.0
            .commit(&[Change::InsertUser(u)])
            .await
            .expect("insert user");
        id
    }

    async fn deactivate_tenant(&self, tenant_id: TenantId) {
        assert!(self.0.update_tenant(tenant_id, |t| t.is_active = false));
    }

    async fn logo_url(&self, tenant_id: TenantId) -> Option<String> {
        self.0
            .tenant(tenant_id)
            .await
            .expect("tenant")
            .and_then(|t| t.logo_url)
    }

    async fn avatar_url(&self, user_id: UserId) -> Option<String> {
        self.0
            .user(user_id)
            .await
            .expect("user")
            .and_then(|u| u.avatar_url)
    }
}

#[tokio::test]
async fn in_memory_store_passes_the_file_store_contract() {
    let store = InMemoryStore::new();
    file_store_contract(&store, &Fixtures(&store)).await;
    file_store_contract(&store, &Fixtures(&store)).await;
}
