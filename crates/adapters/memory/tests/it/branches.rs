//! The in-memory store against tenancy's `BranchStore` contract.

use harmony_adapters_memory::InMemoryStore;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::tenant_user;
use harmony_kernel::{BranchId, TenantId, TenantRole};
use harmony_tenancy::Tenant;
use harmony_tenancy::testing::{BranchFixtures, branch_store_contract, now};

struct Fixtures<'a>(&'a InMemoryStore);

#[async_trait::async_trait]
impl BranchFixtures for Fixtures<'_> {
    async fn insert_tenant(&self, tenant: &Tenant) {
        self.0
            .commit(&[Change::InsertTenant(tenant.clone())])
            .await
            .expect("insert tenant");
    }

    async fn insert_user_with_default_branch(&self, tenant_id: TenantId, branch_id: BranchId) {
        let mut user = tenant_user(tenant_id, TenantRole::Member, now());
        user.default_branch_id = Some(branch_id);
        self.0
            .commit(&[Change::InsertUser(user)])
            .await
            .expect("insert user");
    }
}

#[tokio::test]
async fn in_memory_store_passes_the_branch_store_contract() {
    let store = InMemoryStore::new();
    branch_store_contract(&store, &Fixtures(&store)).await;
    branch_store_contract(&store, &Fixtures(&store)).await;
}
