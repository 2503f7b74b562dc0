//! `FileStore` on SQL: the `files` table plus the tenant's storage counter,
//! logo and avatar columns. Writes are in `files/commit.rs`, row mapping in
//! `files/map.rs`. Every tenant read filters by the scope's tenant.

mod commit;
mod map;

use crate::entity::{files, tenants, users};
use crate::error::store_err;
use crate::store::SqlStore;
use crate::timestamps;
use harmony_files::model::{FileCategory, FileRecord, FileStatus};
use harmony_files::ports::{FileChange, FileFilter, FileStore};
use harmony_kernel::{OperatorScope, Page, PageRequest, StoreError, TenantId, TenantScope, UserId};
use map::{category_text, file_from_row, files_from_rows, status_text};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Statement, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

fn of_tenant(tenant_id: TenantId) -> Select<files::Entity> {
    files::Entity::find().filter(files::Column::TenantId.eq(tenant_id.into_uuid()))
}

fn active(query: Select<files::Entity>) -> Select<files::Entity> {
    query.filter(files::Column::Status.eq(status_text(FileStatus::Active)))
}

impl SqlStore {
    /// Newest first, ties by id, so pages are stable.
    fn newest_first(&self, query: Select<files::Entity>) -> Select<files::Entity> {
        query
            .order_by(
                timestamps::col(self.backend(), files::Column::CreatedAt),
                Order::Desc,
            )
            .order_by(files::Column::Id, Order::Desc)
    }
}

#[async_trait::async_trait]
impl FileStore for SqlStore {
    async fn commit_files(&self, changes: &[FileChange]) -> Result<(), StoreError> {
        commit::commit(self.connection(), changes).await
    }

    async fn file(&self, scope: &TenantScope, id: Uuid) -> Result<Option<FileRecord>, StoreError> {
        of_tenant(scope.tenant_id())
            .filter(files::Column::Id.eq(id))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(file_from_row)
            .transpose()
    }

    async fn file_by_key(
        &self,
        scope: &TenantScope,
        key: &str,
    ) -> Result<Option<FileRecord>, StoreError> {
        of_tenant(scope.tenant_id())
            .filter(files::Column::StorageKey.eq(key))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(file_from_row)
            .transpose()
    }

    async fn list_files(
        &self,
        scope: &TenantScope,
        filter: &FileFilter,
        page: PageRequest,
    ) -> Result<Page<FileRecord>, StoreError> {
        let db = self.connection();
        let mut query = active(of_tenant(scope.tenant_id()));
        if let Some(c) = filter.category {
            query = query.filter(files::Column::Category.eq(category_text(c)));
        }
        if let Some(t) = &filter.resource_type {
            query = query.filter(files::Column::ResourceType.eq(t.as_str()));
        }
        if let Some(r) = filter.resource_id {
            query = query.filter(files::Column::ResourceId.eq(r));
        }
        let total = query.clone().count(db).await.map_err(store_err)?;
        let rows = self
            .newest_first(query)
            .offset(page.skip)
            .limit(page.limit)
            .all(db)
            .await
            .map_err(store_err)?;
        Ok(Page {
            items: files_from_rows(rows)?,
            total,
        })
    }

    async fn files_of_resource(
        &self,
        scope: &TenantScope,
        category: FileCategory,
        resource_type: &str,
        resource_id: Uuid,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let query = active(of_tenant(scope.tenant_id()))
            .filter(files::Column::Category.eq(category_text(category)))
            .filter(files::Column::ResourceType.eq(resource_type))
            .filter(files::Column::ResourceId.eq(resource_id));
        let rows = self
            .newest_first(query)
            .all(self.connection())
            .await
            .map_err(store_err)?;
        files_from_rows(rows)
    }

    async fn storage_usage(&self, scope: &TenantScope) -> Result<(i64, i64, u64), StoreError> {
        let db = self.connection();
        let tenant: Option<(i64, i64)> = tenants::Entity::find_by_id(scope.tenant_id().into_uuid())
            .select_only()
            .column(tenants::Column::StorageUsedBytes)
            .column(tenants::Column::MaxStorageGb)
            .into_tuple()
            .one(db)
            .await
            .map_err(store_err)?;
        // A vanished tenant reads as nothing stored and no room.
        let (used, limit) = tenant.unwrap_or((0, 0));
        let count = active(of_tenant(scope.tenant_id()))
            .count(db)
            .await
            .map_err(store_err)?;
        Ok((used, limit, count))
    }

    async fn any_active_file(
        &self,
        _scope: &OperatorScope,
        id: Uuid,
    ) -> Result<Option<FileRecord>, StoreError> {
        active(files::Entity::find().filter(files::Column::Id.eq(id)))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(file_from_row)
            .transpose()
    }

    async fn stale_pending(
        &self,
        _scope: &OperatorScope,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let backend = self.backend();
        let rows = files::Entity::find()
            .filter(files::Column::Status.eq(status_text(FileStatus::Pending)))
            .filter(
                timestamps::col(backend, files::Column::CreatedAt)
                    .lt(timestamps::val(backend, before)),
            )
            .order_by(
                timestamps::col(backend, files::Column::CreatedAt),
                Order::Asc,
            )
            .order_by(files::Column::Id, Order::Asc)
            .limit(u64::from(limit))
            .all(self.connection())
            .await
            .map_err(store_err)?;
        files_from_rows(rows)
    }

    async fn recompute_storage(
        &self,
        _scope: &OperatorScope,
    ) -> Result<Vec<(TenantId, i64, i64)>, StoreError> {
        recompute(self).await
    }

    async fn tenant_active(&self, scope: &TenantScope) -> Result<Option<bool>, StoreError> {
        tenants::Entity::find_by_id(scope.tenant_id().into_uuid())
            .filter(tenants::Column::DeletedAt.is_null())
            .select_only()
            .column(tenants::Column::IsActive)
            .into_tuple()
            .one(self.connection())
            .await
            .map_err(store_err)
    }

    async fn user_in_tenant(
        &self,
        scope: &TenantScope,
        user_id: UserId,
    ) -> Result<bool, StoreError> {
        let n = users::Entity::find()
            .filter(users::Column::Id.eq(user_id.into_uuid()))
            .filter(users::Column::TenantId.eq(scope.tenant_id().into_uuid()))
            .filter(users::Column::DeletedAt.is_null())
            .count(self.connection())
            .await
            .map_err(store_err)?;
        Ok(n > 0)
    }
}

/// One aggregate over every tenant, then a guarded update per drifted
/// counter (`… AND storage_used_bytes = old`, so a reservation that landed
/// in between is not overwritten; that tenant is fixed on the next run).
async fn recompute(store: &SqlStore) -> Result<Vec<(TenantId, i64, i64)>, StoreError> {
    let db = store.connection();
    let sql = "SELECT t.id, t.storage_used_bytes, \
               CAST(COALESCE(SUM(f.size_bytes), 0) AS BIGINT) AS actual \
               FROM tenants t LEFT JOIN files f ON f.tenant_id = t.id AND f.status = 'active' \
               GROUP BY t.id, t.storage_used_bytes";
    let rows = db
        .query_all_raw(Statement::from_string(store.backend(), sql))
        .await
        .map_err(store_err)?;
    let mut drifted = Vec::new();
    for row in rows {
        let id: Uuid = row.try_get_by_index(0).map_err(store_err)?;
        let old: i64 = row.try_get_by_index(1).map_err(store_err)?;
        let new: i64 = row.try_get_by_index(2).map_err(store_err)?;
        if old != new {
            drifted.push((TenantId::from_uuid(id), old, new));
        }
    }
    let txn = db.begin().await.map_err(store_err)?;
    let mut changed = Vec::with_capacity(drifted.len());
    for (tenant_id, old, new) in drifted {
        let res = tenants::Entity::update_many()
            .col_expr(tenants::Column::StorageUsedBytes, Expr::value(new))
            .filter(tenants::Column::Id.eq(tenant_id.into_uuid()))
            .filter(tenants::Column::StorageUsedBytes.eq(old))
            .exec(&txn)
            .await
            .map_err(store_err)?;
        if res.rows_affected == 1 {
            changed.push((tenant_id, old, new));
        }
    }
    txn.commit().await.map_err(store_err)?;
    Ok(changed)
}
