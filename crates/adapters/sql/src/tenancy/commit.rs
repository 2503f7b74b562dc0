//! `BranchStore::commit_branches`: every change in order, in one transaction.

use crate::entity::{branches, tenants};
use crate::error::store_err;
use crate::map::tenancy::branch_to_row;
use crate::timestamps::utc;
use harmony_kernel::{StoreError, TenantId};
use harmony_tenancy::ports::{
    BranchChange, CONFLICT_BRANCH_CODE, CONFLICT_BRANCH_HQ, CONFLICT_BRANCH_LIMIT,
};
use harmony_tenancy::{Branch, Limit};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use time::OffsetDateTime;

/// Applies `changes` atomically; dropping the transaction on error rolls back.
pub(crate) async fn commit(
    db: &DatabaseConnection,
    changes: &[BranchChange],
) -> Result<(), StoreError> {
    let txn = db.begin().await.map_err(store_err)?;
    for change in changes {
        apply(&txn, change).await?;
    }
    txn.commit().await.map_err(store_err)
}

/// Names the unique rule a branch write broke, in the port's words: the
/// `(tenant_id, code)` index reports its columns (SQLite) or its name
/// (PostgreSQL), the one-HQ index only `tenant_id` or its name.
fn branch_write_err(e: DbErr) -> StoreError {
    match store_err(e) {
        StoreError::Conflict(detail) if detail.contains("code") => {
            StoreError::Conflict(CONFLICT_BRANCH_CODE.to_owned())
        }
        StoreError::Conflict(detail)
            if detail.contains("ux_branches_one_hq") || detail.ends_with("branches.tenant_id") =>
        {
            StoreError::Conflict(CONFLICT_BRANCH_HQ.to_owned())
        }
        other => other,
    }
}

/// Locks the tenant row (a row lock on PostgreSQL, the write lock on SQLite)
/// so concurrent slot claims for one tenant run one after another, then
/// counts its live, active branches under that lock.
async fn reserve_branch_slot(
    txn: &DatabaseTransaction,
    tenant_id: TenantId,
    limit: Limit,
) -> Result<(), StoreError> {
    tenants::Entity::update_many()
        .col_expr(
            tenants::Column::UpdatedAt,
            Expr::col(tenants::Column::UpdatedAt),
        )
        .filter(tenants::Column::Id.eq(tenant_id.into_uuid()))
        .exec(txn)
        .await
        .map_err(store_err)?;
    let active = super::count_active(txn, tenant_id).await?;
    if limit.is_reached_by(active) {
        Err(StoreError::Conflict(CONFLICT_BRANCH_LIMIT.to_owned()))
    } else {
        Ok(())
    }
}

/// Compare-and-set on `version`, within the branch's own tenant.
async fn update_branch(
    txn: &DatabaseTransaction,
    branch: &Branch,
    expected_version: i64,
) -> Result<(), StoreError> {
    let mut row = branch_to_row(branch);
    row.id = NotSet;
    row.tenant_id = NotSet;
    let res = branches::Entity::update_many()
        .set(row)
        .filter(branches::Column::Id.eq(branch.id.into_uuid()))
        .filter(branches::Column::TenantId.eq(branch.tenant_id.into_uuid()))
        .filter(branches::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .map_err(branch_write_err)?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleVersion)
    }
}

async fn clear_headquarters(
    txn: &DatabaseTransaction,
    tenant_id: TenantId,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    branches::Entity::update_many()
        .col_expr(branches::Column::IsHq, Expr::value(false))
        .col_expr(
            branches::Column::Version,
            Expr::col(branches::Column::Version).add(1),
        )
        .col_expr(branches::Column::UpdatedAt, Expr::value(utc(at)))
        .filter(branches::Column::TenantId.eq(tenant_id.into_uuid()))
        .filter(branches::Column::IsHq.eq(true))
        .filter(branches::Column::IsActive.eq(true))
        .exec(txn)
        .await
        .map(|_| ())
        .map_err(store_err)
}

async fn apply(txn: &DatabaseTransaction, change: &BranchChange) -> Result<(), StoreError> {
    match change {
        BranchChange::ReserveBranchSlot { tenant_id, limit } => {
            reserve_branch_slot(txn, *tenant_id, *limit).await
        }
        BranchChange::InsertBranch(b) => branches::Entity::insert(branch_to_row(b))
            .exec_without_returning(txn)
            .await
            .map(|_| ())
            .map_err(branch_write_err),
        BranchChange::UpdateBranch {
            branch,
            expected_version,
        } => update_branch(txn, branch, *expected_version).await,
        BranchChange::ClearHeadquarters { tenant_id, at } => {
            clear_headquarters(txn, *tenant_id, *at).await
        }
        BranchChange::Audit(entry) => {
            crate::audit::append_entries(txn, std::slice::from_ref(entry)).await
        }
    }
}
