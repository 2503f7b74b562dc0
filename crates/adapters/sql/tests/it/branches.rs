//! The SQL store against tenancy's `BranchStore` contract: SQLite always,
//! PostgreSQL when `HARMONY_TEST_DATABASE_URL` is set.

#![allow(clippy::expect_used)] // fixtures panic on failure

use harmony_adapters_sql::SqlStore;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::tenant_user;
use harmony_kernel::{BranchId, TenantId, TenantRole};
use harmony_tenancy::Tenant;
use harmony_tenancy::testing::{BranchFixtures, branch_store_contract, now};

struct Fixtures<'a>(&'a SqlStore);

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
async fn sqlite() {
    let (store, _dir) = crate::support::sqlite_store().await;
    branch_store_contract(&store, &Fixtures(&store)).await;
    branch_store_contract(&store, &Fixtures(&store)).await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    branch_store_contract(&db.store, &Fixtures(&db.store)).await;
    branch_store_contract(&db.store, &Fixtures(&db.store)).await;
    db.drop_db().await;
}
