//! [`AuditStore`] for [`SqlStore`]: filters, counts and distinct values are
//! computed by the database.

use super::{append_entries, record};
use crate::entity::audit_logs::{self, Column};
use crate::error::store_err;
use crate::store::SqlStore;
use crate::timestamps as ts;
use harmony_audit::{AuditFilter, AuditRecord, AuditStatistics, AuditStore, TenantFilter};
use harmony_kernel::{Page, PageRequest, StoreError, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// `%needle%` with LIKE's wildcards escaped (escape character `\`).
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

/// Live rows the tenant filter admits.
fn scope(tenant: TenantFilter) -> Condition {
    let cond = Condition::all().add(Column::IsActive.eq(true));
    match tenant {
        TenantFilter::All => cond,
        TenantFilter::One(t) => cond.add(Column::TenantId.eq(t.into_uuid())),
    }
}

fn condition(backend: DbBackend, f: &AuditFilter) -> Condition {
    let mut cond = scope(f.tenant);
    if let Some(a) = &f.action {
        cond = cond.add(Column::Action.eq(a.as_str()));
    }
    if let Some(r) = &f.resource {
        cond = cond.add(Column::Resource.eq(r.as_str()));
    }
    if let Some(s) = f.status {
        cond = cond.add(Column::Status.eq(s.as_str()));
    }
    if let Some(u) = f.user_id {
        cond = cond.add(Column::UserId.eq(u.into_uuid()));
    }
    if let Some(start) = f.start {
        cond = cond.add(ts::col(backend, Column::CreatedAt).gte(ts::val(backend, start)));
    }
    if let Some(end) = f.end {
        cond = cond.add(ts::col(backend, Column::CreatedAt).lte(ts::val(backend, end)));
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        let any =
            [Column::RequestId, Column::IpAddress]
                .into_iter()
                .fold(Condition::any(), |any, c| {
                    let lowered: Expr = Func::lower(Expr::col((audit_logs::Entity, c))).into();
                    any.add(lowered.like(LikeExpr::new(pattern.clone()).escape('\\')))
                });
        cond = cond.add(any);
    }
    cond
}

fn records(rows: Vec<audit_logs::Model>) -> Result<Vec<AuditRecord>, StoreError> {
    rows.into_iter().map(record).collect()
}

fn count(n: Option<i64>) -> u64 {
    n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

impl SqlStore {
    async fn count_where(&self, cond: Condition) -> Result<u64, StoreError> {
        audit_logs::Entity::find()
            .filter(cond)
            .count(self.connection())
            .await
            .map_err(store_err)
    }

    async fn count_distinct(&self, tenant: TenantFilter, c: Column) -> Result<u64, StoreError> {
        let n: Option<i64> = audit_logs::Entity::find()
            .select_only()
            .column_as(Expr::col(c).count_distinct(), "n")
            .filter(scope(tenant))
            .into_tuple()
            .one(self.connection())
            .await
            .map_err(store_err)?;
        Ok(count(n))
    }

    async fn grouped(
        &self,
        tenant: TenantFilter,
        c: Column,
        limit: Option<u64>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = audit_logs::Entity::find()
            .select_only()
            .column(c)
            .column_as(Column::Id.count(), "n")
            .filter(scope(tenant))
            .group_by(c)
            .order_by(Column::Id.count(), Order::Desc)
            .order_by(c, Order::Asc)
            .limit(limit)
            .into_tuple()
            .all(self.connection())
            .await
            .map_err(store_err)?;
        Ok(rows.into_iter().map(|(k, n)| (k, count(Some(n)))).collect())
    }

    async fn distinct(&self, tenant: TenantFilter, c: Column) -> Result<Vec<String>, StoreError> {
        audit_logs::Entity::find()
            .select_only()
            .column(c)
            .distinct()
            .filter(scope(tenant))
            .order_by(c, Order::Asc)
            .into_tuple()
            .all(self.connection())
            .await
            .map_err(store_err)
    }
}

#[async_trait::async_trait]
impl AuditStore for SqlStore {
    async fn append(&self, entries: &[harmony_kernel::AuditEntry]) -> Result<(), StoreError> {
        let txn = self.connection().begin().await.map_err(store_err)?;
        append_entries(&txn, entries).await?;
        txn.commit().await.map_err(store_err)
    }

    async fn list(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError> {
        let backend = self.backend();
        let cond = condition(backend, filter);
        let total = self.count_where(cond.clone()).await?;
        let rows = audit_logs::Entity::find()
            .filter(cond)
            .order_by(ts::col(backend, Column::CreatedAt), Order::Desc)
            .order_by(Column::Seq, Order::Desc)
            .order_by(Column::Id, Order::Desc)
            .offset(page.skip)
            .limit(page.limit)
            .all(self.connection())
            .await
            .map_err(store_err)?;
        Ok(Page {
            items: records(rows)?,
            total,
        })
    }

    async fn get(&self, tenant: TenantFilter, id: Uuid) -> Result<Option<AuditRecord>, StoreError> {
        audit_logs::Entity::find()
            .filter(scope(tenant).add(Column::Id.eq(id)))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(record)
            .transpose()
    }

    async fn statistics(
        &self,
        tenant: TenantFilter,
        now: OffsetDateTime,
    ) -> Result<AuditStatistics, StoreError> {
        let backend = self.backend();
        let since =
            ts::col(backend, Column::CreatedAt).gte(ts::val(backend, now - Duration::hours(24)));
        let logins = |action: &str| {
            scope(tenant)
                .add(Column::Action.eq(action))
                .add(since.clone())
        };
        Ok(AuditStatistics {
            total_logs: self.count_where(scope(tenant)).await?,
            total_users: self.count_distinct(tenant, Column::UserId).await?,
            total_actions: self.count_distinct(tenant, Column::Action).await?,
            failed_logins_24h: self.count_where(logins("auth.login_failed")).await?,
            successful_logins_24h: self.count_where(logins("auth.login")).await?,
            logs_24h: self.count_where(scope(tenant).add(since.clone())).await?,
            actions_by_type: self.grouped(tenant, Column::Action, Some(10)).await?,
            actions_by_status: self.grouped(tenant, Column::Status, None).await?,
        })
    }

    async fn actions(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError> {
        self.distinct(tenant, Column::Action).await
    }

    async fn resources(&self, tenant: TenantFilter) -> Result<Vec<String>, StoreError> {
        self.distinct(tenant, Column::Resource).await
    }

    async fn chain(&self, tenant: Option<TenantId>) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = audit_logs::Entity::find()
            .filter(Column::ChainKey.eq(super::chain_key(tenant)))
            .order_by(Column::Seq, Order::Asc)
            .all(self.connection())
            .await
            .map_err(store_err)?;
        records(rows)
    }

    async fn delete_all(&self) -> Result<u64, StoreError> {
        audit_logs::Entity::delete_many()
            .exec(self.connection())
            .await
            .map(|r| r.rows_affected)
            .map_err(store_err)
    }

    async fn older_than(
        &self,
        cutoff: OffsetDateTime,
        tenant: TenantFilter,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let backend = self.backend();
        let mut cond =
            Condition::all().add(ts::col(backend, Column::CreatedAt).lt(ts::val(backend, cutoff)));
        if let TenantFilter::One(t) = tenant {
            cond = cond.add(Column::TenantId.eq(t.into_uuid()));
        }
        let rows = audit_logs::Entity::find()
            .filter(cond)
            .order_by(ts::col(backend, Column::CreatedAt), Order::Asc)
            .order_by(Column::Seq, Order::Asc)
            .all(self.connection())
            .await
            .map_err(store_err)?;
        records(rows)
    }

    async fn delete_ids(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let txn = self.connection().begin().await.map_err(store_err)?;
        let mut deleted = 0;
        // Chunks keep the statement under the backends' parameter limits.
        for chunk in ids.chunks(500) {
            deleted += audit_logs::Entity::delete_many()
                .filter(Column::Id.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await
                .map_err(store_err)?
                .rows_affected;
        }
        txn.commit().await.map_err(store_err)?;
        Ok(deleted)
    }
}
