//! `BranchStore` for [`SqlStore`]: scoped branch reads and the atomic commit.

mod admin;
mod admin_writes;
mod commit;
mod platform;
mod settings;

use crate::entity::{branches, tenants, users};
use crate::error::store_err;
use crate::map::tenancy::{branch_from_row, tenant_from_row};
use crate::store::SqlStore;
use crate::timestamps;
use harmony_kernel::{BranchId, Page, PageRequest, StoreError, TenantId, TenantScope};
use harmony_tenancy::Branch;
use harmony_tenancy::Tenant;
use harmony_tenancy::ports::{BranchChange, BranchStore};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// The live (not soft-deleted) branches of one tenant: the only way this
/// adapter reaches branch rows for tenancy's reads.
fn live_branches(tenant_id: TenantId) -> Select<branches::Entity> {
    branches::Entity::find()
        .filter(branches::Column::TenantId.eq(tenant_id.into_uuid()))
        .filter(branches::Column::DeletedAt.is_null())
}

/// Live and active branches of one tenant: what `max_branches` counts.
pub(crate) async fn count_active<C: ConnectionTrait>(
    db: &C,
    tenant_id: TenantId,
) -> Result<u64, StoreError> {
    live_branches(tenant_id)
        .filter(branches::Column::IsActive.eq(true))
        .count(db)
        .await
        .map_err(store_err)
}

fn like_pattern(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn search_condition(search: &str) -> Condition {
    let pattern = like_pattern(search);
    [
        branches::Column::Name,
        branches::Column::Code,
        branches::Column::City,
    ]
    .into_iter()
    .fold(Condition::any(), |cond, c| {
        let lowered: Expr = Func::lower(Expr::col((branches::Entity, c))).into();
        cond.add(lowered.like(LikeExpr::new(pattern.clone()).escape('\\')))
    })
}

/// A page of a tenant's active branches, HQ first, then newest; the one
/// query behind the tenant's list and the operator's tenant view.
pub(crate) async fn active_branch_page(
    store: &SqlStore,
    tenant_id: TenantId,
    search: Option<&str>,
    page: PageRequest,
) -> Result<Page<Branch>, StoreError> {
    let db = store.connection();
    let mut query = live_branches(tenant_id).filter(branches::Column::IsActive.eq(true));
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        query = query.filter(search_condition(s));
    }
    let total = query.clone().count(db).await.map_err(store_err)?;
    let rows = query
        .order_by(branches::Column::IsHq, Order::Desc)
        .order_by(
            timestamps::col(store.backend(), branches::Column::CreatedAt),
            Order::Desc,
        )
        .order_by(branches::Column::Id, Order::Desc)
        .offset(page.skip)
        .limit(page.limit)
        .all(db)
        .await
        .map_err(store_err)?;
    Ok(Page {
        items: rows.into_iter().map(branch_from_row).collect(),
        total,
    })
}

#[async_trait::async_trait]
impl BranchStore for SqlStore {
    async fn commit_branches(&self, changes: &[BranchChange]) -> Result<(), StoreError> {
        commit::commit(self.connection(), changes).await
    }

    async fn tenant(&self, scope: &TenantScope) -> Result<Option<Tenant>, StoreError> {
        tenants::Entity::find_by_id(scope.tenant_id().into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(tenant_from_row)
            .transpose()
    }

    async fn branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<Option<Branch>, StoreError> {
        let row = live_branches(scope.tenant_id())
            .filter(branches::Column::Id.eq(id.into_uuid()))
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(row.map(branch_from_row))
    }

    async fn list_branches(
        &self,
        scope: &TenantScope,
        search: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError> {
        active_branch_page(self, scope.tenant_id(), search.as_deref(), page).await
    }

    async fn count_active_branches(&self, scope: &TenantScope) -> Result<u64, StoreError> {
        count_active(self.connection(), scope.tenant_id()).await
    }

    async fn count_active_users_with_default_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<u64, StoreError> {
        users::Entity::find()
            .filter(users::Column::TenantId.eq(scope.tenant_id().into_uuid()))
            .filter(users::Column::DefaultBranchId.eq(id.into_uuid()))
            .filter(users::Column::IsActive.eq(true))
            .filter(users::Column::DeletedAt.is_null())
            .count(self.connection())
            .await
            .map_err(store_err)
    }
}

/// Runs a compare-and-set `update` (it must match exactly one row, else
/// `StaleVersion`) and appends `audit`, in one transaction: the shape of
/// every single-record settings write.
pub(crate) async fn update_one_audited<E: sea_orm::EntityTrait>(
    store: &SqlStore,
    update: sea_orm::UpdateMany<E>,
    audit: &harmony_kernel::AuditEntry,
) -> Result<(), StoreError> {
    use sea_orm::TransactionTrait;
    let txn = store.connection().begin().await.map_err(store_err)?;
    let res = update.exec(&txn).await.map_err(store_err)?;
    if res.rows_affected != 1 {
        return Err(StoreError::StaleVersion);
    }
    crate::audit::append_entries(&txn, std::slice::from_ref(audit)).await?;
    txn.commit().await.map_err(store_err)
}
