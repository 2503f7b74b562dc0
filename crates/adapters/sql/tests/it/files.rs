//! The SQL store against the files context's `FileStore` contract: SQLite
//! always, PostgreSQL when `HARMONY_TEST_DATABASE_URL` is set; plus a
//! PostgreSQL race of reservations at the quota.

#![allow(clippy::expect_used)] // fixtures panic on failure

use harmony_adapters_sql::SqlStore;
use harmony_adapters_sql::entity::{tenants, users};
use harmony_files::ports::{CONFLICT_STORAGE_QUOTA, FileChange, FileStore};
use harmony_files::testing::{FileFixtures, file_store_contract, scope};
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::testing::{now, tenant, tenant_user};
use harmony_kernel::{StoreError, TenantId, TenantRole, UserId};
use harmony_tenancy::Limit;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

struct Fixtures<'a>(&'a SqlStore);

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
        let user = tenant_user(tenant_id, TenantRole::Member, now());
        let id = user.id;
        self.0
            .commit(&[Change::InsertUser(user)])
            .await
            .expect("insert user");
        id
    }

    async fn deactivate_tenant(&self, tenant_id: TenantId) {
        tenants::Entity::update_many()
            .col_expr(tenants::Column::IsActive, Expr::value(false))
            .filter(tenants::Column::Id.eq(tenant_id.into_uuid()))
            .exec(self.0.connection())
            .await
            .expect("deactivate tenant");
    }

    async fn logo_url(&self, tenant_id: TenantId) -> Option<String> {
        tenants::Entity::find_by_id(tenant_id.into_uuid())
            .select_only()
            .column(tenants::Column::LogoUrl)
            .into_tuple::<Option<String>>()
            .one(self.0.connection())
            .await
            .expect("logo url")
            .flatten()
    }

    async fn avatar_url(&self, user_id: UserId) -> Option<String> {
        users::Entity::find_by_id(user_id.into_uuid())
            .select_only()
            .column(users::Column::AvatarUrl)
            .into_tuple::<Option<String>>()
            .one(self.0.connection())
            .await
            .expect("avatar url")
            .flatten()
    }
}

#[tokio::test]
async fn sqlite() {
    let (store, _dir) = crate::support::sqlite_store().await;
    file_store_contract(&store, &Fixtures(&store)).await;
    file_store_contract(&store, &Fixtures(&store)).await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    file_store_contract(&db.store, &Fixtures(&db.store)).await;
    file_store_contract(&db.store, &Fixtures(&db.store)).await;
    db.drop_db().await;
}

/// 20 parallel reservations of a tenth of the quota each, on the pool's
/// separate connections: the row lock lets exactly ten through and the
/// counter never passes the quota.
#[tokio::test]
async fn postgres_parallel_reservations_at_the_quota() {
    let Some(db) = crate::support::pg_store().await else {
        return;
    };
    let fx = Fixtures(&db.store);
    let t = fx.insert_tenant(1).await;
    let quota: i64 = 1 << 30;
    let chunk = quota / 10;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = db.store.clone();
            tokio::spawn(async move {
                store
                    .commit_files(&[FileChange::ReserveStorage {
                        tenant_id: t,
                        bytes: chunk,
                        limit_bytes: Some(quota),
                    }])
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(c)) => assert_eq!(c, CONFLICT_STORAGE_QUOTA),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    let (used, _, _) = db.store.storage_usage(&scope(t)).await.expect("usage");
    assert!(used <= quota, "{used} > {quota}");
    assert_eq!(ok, 10);
    assert_eq!(used, 10 * chunk);
    db.drop_db().await;
}
