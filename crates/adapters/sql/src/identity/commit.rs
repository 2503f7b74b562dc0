//! `IdentityStore::commit`: every change in order, in one transaction.

use crate::entity::{
    branches, files, one_time_tokens as ott, refresh_tokens as rt, sessions, tenants, users,
};
use crate::error::store_err;
use crate::map::tenancy::{branch_to_row, tenant_to_row};
use crate::map::tokens::{one_time_to_row, refresh_to_row, session_to_row};
use crate::map::user::user_to_row;
use crate::outbox::insert_messages;
use crate::timestamps::utc;
use harmony_identity::model::User;
use harmony_identity::ports::Change;
use harmony_kernel::{StoreError, TenantId};
use harmony_tenancy::Limit;
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Applies `changes` atomically; dropping the transaction on error rolls back.
pub(crate) async fn commit(db: &DatabaseConnection, changes: &[Change]) -> Result<(), StoreError> {
    let txn = db.begin().await.map_err(store_err)?;
    for change in changes {
        apply(&txn, change).await?;
    }
    txn.commit().await.map_err(store_err)
}

/// Compare-and-set outcome: exactly one row must have matched.
fn expect_one(rows: u64) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleVersion)
    }
}

async fn update_user(
    txn: &DatabaseTransaction,
    user: &User,
    expected_version: i64,
) -> Result<(), StoreError> {
    let mut row = user_to_row(user);
    row.id = NotSet;
    let res = users::Entity::update_many()
        .set(row)
        .filter(users::Column::Id.eq(user.id.into_uuid()))
        .filter(users::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .map_err(store_err)?;
    expect_one(res.rows_affected)
}

async fn consume_one_time_token(
    txn: &DatabaseTransaction,
    id: Uuid,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let res = ott::Entity::update_many()
        .col_expr(ott::Column::UsedAt, Expr::value(utc(at)))
        .filter(ott::Column::Id.eq(id))
        .filter(ott::Column::UsedAt.is_null())
        .exec(txn)
        .await
        .map_err(store_err)?;
    expect_one(res.rows_affected)
}

async fn rotate_refresh_token(
    txn: &DatabaseTransaction,
    id: Uuid,
    at: OffsetDateTime,
    successor_id: Uuid,
) -> Result<(), StoreError> {
    let res = rt::Entity::update_many()
        .col_expr(rt::Column::RotatedAt, Expr::value(utc(at)))
        .col_expr(rt::Column::SuccessorId, Expr::value(successor_id))
        .filter(rt::Column::Id.eq(id))
        .filter(rt::Column::RotatedAt.is_null())
        .exec(txn)
        .await
        .map_err(store_err)?;
    expect_one(res.rows_affected)
}

/// Locks the tenant row (a row lock on PostgreSQL, the write lock on SQLite)
/// so concurrent seat claims for one tenant run one after another, then
/// counts its active users under that lock.
async fn reserve_user_seat(
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
    let active = crate::identity::listing::count_active(txn, tenant_id).await?;
    if limit.is_reached_by(active) {
        Err(StoreError::Conflict("user_limit".to_owned()))
    } else {
        Ok(())
    }
}

/// Hard-deletes a tenant. The foreign keys of the migrations cascade:
/// `users.tenant_id` and `branches.tenant_id` (ON DELETE CASCADE), and from
/// users on to `sessions`, `refresh_tokens` (via sessions) and
/// `one_time_tokens`; `users.default_branch_id` is SET NULL. Users go first
/// explicitly so the order does not depend on how a backend orders cascades.
async fn delete_tenant(txn: &DatabaseTransaction, tenant_id: TenantId) -> Result<(), StoreError> {
    let id = tenant_id.into_uuid();
    files::Entity::delete_many()
        .filter(files::Column::TenantId.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    users::Entity::delete_many()
        .filter(users::Column::TenantId.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    branches::Entity::delete_many()
        .filter(branches::Column::TenantId.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    let res = tenants::Entity::delete_many()
        .filter(tenants::Column::Id.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    expect_one(res.rows_affected)
}

/// Every tenant, one cascade each (the admin tools' reset; dev data only).
async fn delete_all_tenants(txn: &DatabaseTransaction) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = tenants::Entity::find()
        .select_only()
        .column(tenants::Column::Id)
        .into_tuple()
        .all(txn)
        .await
        .map_err(store_err)?;
    for id in ids {
        delete_tenant(txn, TenantId::from_uuid(id)).await?;
    }
    Ok(())
}

async fn apply(txn: &DatabaseTransaction, change: &Change) -> Result<(), StoreError> {
    match change {
        Change::InsertTenant(t) => {
            tenants::Entity::insert(tenant_to_row(t))
                .exec_without_returning(txn)
                .await
        }
        Change::InsertBranch(b) => {
            branches::Entity::insert(branch_to_row(b))
                .exec_without_returning(txn)
                .await
        }
        Change::InsertUser(u) => {
            users::Entity::insert(user_to_row(u))
                .exec_without_returning(txn)
                .await
        }
        Change::ReserveUserSeat { tenant_id, limit } => {
            return reserve_user_seat(txn, *tenant_id, *limit).await;
        }
        Change::UpdateUser {
            user,
            expected_version,
        } => {
            return update_user(txn, user, *expected_version).await;
        }
        Change::InsertOneTimeToken(t) => {
            ott::Entity::insert(one_time_to_row(t))
                .exec_without_returning(txn)
                .await
        }
        Change::ConsumeOneTimeToken { id, at } => {
            return consume_one_time_token(txn, *id, *at).await;
        }
        Change::RetireOneTimeTokens {
            user_id,
            purpose,
            at,
        } => ott::Entity::update_many()
            .col_expr(ott::Column::UsedAt, Expr::value(utc(*at)))
            .filter(ott::Column::UserId.eq(user_id.into_uuid()))
            .filter(ott::Column::Purpose.eq(purpose.as_str()))
            .filter(ott::Column::UsedAt.is_null())
            .exec(txn)
            .await
            .map(|r| r.rows_affected),
        Change::InsertSession(s) => {
            sessions::Entity::insert(session_to_row(s))
                .exec_without_returning(txn)
                .await
        }
        Change::RevokeSession { id, at } => sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(utc(*at)))
            .filter(sessions::Column::Id.eq(id.into_uuid()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(txn)
            .await
            .map(|r| r.rows_affected),
        Change::RevokeUserSessions { user_id, at } => sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(utc(*at)))
            .filter(sessions::Column::UserId.eq(user_id.into_uuid()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(txn)
            .await
            .map(|r| r.rows_affected),
        Change::InsertRefreshToken(t) => {
            rt::Entity::insert(refresh_to_row(t))
                .exec_without_returning(txn)
                .await
        }
        Change::RotateRefreshToken {
            id,
            at,
            successor_id,
        } => {
            return rotate_refresh_token(txn, *id, *at, *successor_id).await;
        }
        Change::Outbox(message) => {
            return insert_messages(txn, std::slice::from_ref(message)).await;
        }
        Change::DeleteTenant { tenant_id } => {
            return delete_tenant(txn, *tenant_id).await;
        }
        Change::DeleteAllTenants => return delete_all_tenants(txn).await,
        Change::Audit(entry) => {
            return crate::audit::append_entries(txn, std::slice::from_ref(entry)).await;
        }
    }
    .map(|_| ())
    .map_err(store_err)
}
