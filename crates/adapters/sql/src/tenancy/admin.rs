//! `TenantDirectory` for [`SqlStore`]: the operator's cross-tenant reads.
//! Head counts of a list page come from two grouped queries, never one
//! query per tenant.

use super::{count_active, like_pattern};
use crate::entity::{branches, tenants, users};
use crate::error::store_err;
use crate::map::tenancy::tenant_from_row;
use crate::store::SqlStore;
use crate::timestamps;
use harmony_kernel::{AuditEntry, OperatorScope, Page, PageRequest, StoreError, TenantId};
use harmony_tenancy::admin::{
    AccountRole, TenantDirectory, TenantFacts, TenantFilter, TenantSummaryRow, TenantUsage,
    UserCriteria,
};
use harmony_tenancy::{Branch, Limit, SubscriptionStatus, Tenant};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

fn tenant_condition(f: &TenantFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(tier) = &f.tier {
        cond = cond.add(tenants::Column::Tier.eq(tier.as_str()));
    }
    if let Some(status) = f.status {
        cond = cond.add(tenants::Column::SubscriptionStatus.eq(status.as_str()));
    }
    if let Some(active) = f.is_active {
        cond = cond.add(tenants::Column::IsActive.eq(active));
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        let any = [tenants::Column::Name, tenants::Column::Subdomain]
            .into_iter()
            .fold(Condition::any(), |any, c| {
                let lowered: Expr = Func::lower(Expr::col((tenants::Entity, c))).into();
                any.add(lowered.like(LikeExpr::new(pattern.clone()).escape('\\')))
            });
        cond = cond.add(any);
    }
    cond
}

fn live_active_users() -> Condition {
    Condition::all()
        .add(users::Column::IsActive.eq(true))
        .add(users::Column::DeletedAt.is_null())
}

fn user_condition(backend: DbBackend, c: &UserCriteria) -> Condition {
    let mut cond = if c.active_only {
        live_active_users()
    } else {
        Condition::all()
    };
    if let Some(v) = c.verified {
        cond = cond.add(users::Column::IsVerified.eq(v));
    }
    cond = match c.role {
        Some(AccountRole::System(r)) => cond.add(users::Column::SystemRole.eq(r.as_str())),
        Some(AccountRole::Tenant(r)) => cond.add(users::Column::TenantRole.eq(r.as_str())),
        None => cond,
    };
    let created = || timestamps::col(backend, users::Column::CreatedAt);
    if let Some(t) = c.created_since {
        cond = cond.add(created().gte(timestamps::val(backend, t)));
    }
    if let Some(t) = c.created_before {
        cond = cond.add(created().lt(timestamps::val(backend, t)));
    }
    cond
}

/// Active user and active branch counts of `ids`, by tenant.
async fn head_counts(
    db: &DatabaseConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (u64, u64)>, StoreError> {
    let user_rows: Vec<(Option<Uuid>, i64)> = users::Entity::find()
        .select_only()
        .column(users::Column::TenantId)
        .column_as(users::Column::Id.count(), "n")
        .filter(users::Column::TenantId.is_in(ids.iter().copied()))
        .filter(live_active_users())
        .group_by(users::Column::TenantId)
        .into_tuple()
        .all(db)
        .await
        .map_err(store_err)?;
    let branch_rows: Vec<(Uuid, i64)> = branches::Entity::find()
        .select_only()
        .column(branches::Column::TenantId)
        .column_as(branches::Column::Id.count(), "n")
        .filter(branches::Column::TenantId.is_in(ids.iter().copied()))
        .filter(branches::Column::IsActive.eq(true))
        .filter(branches::Column::DeletedAt.is_null())
        .group_by(branches::Column::TenantId)
        .into_tuple()
        .all(db)
        .await
        .map_err(store_err)?;
    let mut counts: HashMap<Uuid, (u64, u64)> = HashMap::new();
    for (id, n) in user_rows {
        if let Some(id) = id {
            counts.entry(id).or_default().0 = n.unsigned_abs();
        }
    }
    for (id, n) in branch_rows {
        counts.entry(id).or_default().1 = n.unsigned_abs();
    }
    Ok(counts)
}

type FactsRow = (
    String,
    String,
    bool,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

#[async_trait::async_trait]
impl TenantDirectory for SqlStore {
    async fn list_tenants(
        &self,
        _scope: &OperatorScope,
        filter: &TenantFilter,
        page: PageRequest,
    ) -> Result<Page<TenantSummaryRow>, StoreError> {
        let db = self.connection();
        let query = tenants::Entity::find().filter(tenant_condition(filter));
        let total = query.clone().count(db).await.map_err(store_err)?;
        let rows = query
            .order_by(
                timestamps::col(self.backend(), tenants::Column::CreatedAt),
                Order::Desc,
            )
            .order_by(tenants::Column::Id, Order::Desc)
            .offset(page.skip)
            .limit(page.limit)
            .all(db)
            .await
            .map_err(store_err)?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let counts = head_counts(db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let (active_users, active_branches) =
                    counts.get(&r.id).copied().unwrap_or_default();
                Ok(TenantSummaryRow {
                    tenant: tenant_from_row(r)?,
                    active_users,
                    active_branches,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Page { items, total })
    }

    async fn tenant(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
    ) -> Result<Option<Tenant>, StoreError> {
        tenants::Entity::find_by_id(id.into_uuid())
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(tenant_from_row)
            .transpose()
    }

    async fn tenant_by_subdomain(
        &self,
        _scope: &OperatorScope,
        subdomain: &str,
    ) -> Result<Option<Tenant>, StoreError> {
        tenants::Entity::find()
            .filter(tenants::Column::Subdomain.eq(subdomain))
            .one(self.connection())
            .await
            .map_err(store_err)?
            .map(tenant_from_row)
            .transpose()
    }

    async fn tenant_usage(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
    ) -> Result<TenantUsage, StoreError> {
        let db = self.connection();
        let of_tenant = users::Column::TenantId.eq(id.into_uuid());
        let active_users = users::Entity::find()
            .filter(of_tenant.clone())
            .filter(live_active_users())
            .count(db)
            .await
            .map_err(store_err)?;
        let last_login_at: Option<Option<OffsetDateTime>> = users::Entity::find()
            .select_only()
            .column(users::Column::LastLoginAt)
            .filter(of_tenant)
            .filter(users::Column::LastLoginAt.is_not_null())
            .order_by(
                timestamps::col(self.backend(), users::Column::LastLoginAt),
                Order::Desc,
            )
            .into_tuple()
            .one(db)
            .await
            .map_err(store_err)?;
        Ok(TenantUsage {
            active_users,
            active_branches: count_active(db, id).await?,
            last_login_at: last_login_at.flatten(),
        })
    }

    async fn tenant_branches(
        &self,
        _scope: &OperatorScope,
        id: TenantId,
        page: PageRequest,
    ) -> Result<Page<Branch>, StoreError> {
        super::active_branch_page(self, id, None, page).await
    }

    async fn tenant_facts(&self, _scope: &OperatorScope) -> Result<Vec<TenantFacts>, StoreError> {
        let rows: Vec<FactsRow> = tenants::Entity::find()
            .select_only()
            .columns([
                tenants::Column::Tier,
                tenants::Column::SubscriptionStatus,
                tenants::Column::IsActive,
                tenants::Column::CreatedAt,
                tenants::Column::TrialEndsAt,
                tenants::Column::SubscriptionEndsAt,
            ])
            .into_tuple()
            .all(self.connection())
            .await
            .map_err(store_err)?;
        rows.into_iter()
            .map(|(tier, status, is_active, created_at, trial, ends)| {
                let status = SubscriptionStatus::parse(&status).ok_or_else(|| {
                    StoreError::Corrupt(format!("tenants.subscription_status = {status:?}"))
                })?;
                Ok(TenantFacts {
                    tier,
                    status,
                    is_active,
                    created_at,
                    trial_ends_at: trial,
                    subscription_ends_at: ends,
                })
            })
            .collect()
    }

    async fn count_users(
        &self,
        _scope: &OperatorScope,
        criteria: &UserCriteria,
    ) -> Result<u64, StoreError> {
        users::Entity::find()
            .filter(user_condition(self.backend(), criteria))
            .count(self.connection())
            .await
            .map_err(store_err)
    }

    async fn count_branches(
        &self,
        _scope: &OperatorScope,
        active_only: bool,
    ) -> Result<u64, StoreError> {
        let mut query = branches::Entity::find();
        if active_only {
            query = query
                .filter(branches::Column::IsActive.eq(true))
                .filter(branches::Column::DeletedAt.is_null());
        }
        query.count(self.connection()).await.map_err(store_err)
    }

    async fn save_tenant(
        &self,
        _scope: &OperatorScope,
        tenant: &Tenant,
        expected_updated_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        super::admin_writes::save_tenant(self, tenant, expected_updated_at, audit).await
    }

    async fn active_tier_limits(
        &self,
        scope: &OperatorScope,
        code: &str,
    ) -> Result<Option<[Limit; 3]>, StoreError> {
        super::admin_writes::active_tier_limits(self, scope, code).await
    }
}
