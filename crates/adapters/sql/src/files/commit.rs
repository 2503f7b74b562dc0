//! `FileStore::commit_files`: every change in order, in one transaction.
//! Audit entries are collected and appended once at the end (one chain-head
//! lock per commit, as `crate::audit` asks).

use super::map::file_to_row;
use crate::entity::{files, tenants, users};
use crate::error::store_err;
use harmony_files::ports::{CONFLICT_STORAGE_QUOTA, FileChange};
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{AuditEntry, StoreError, TenantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};

/// Applies `changes` atomically; dropping the transaction on error rolls back.
pub(crate) async fn commit(
    db: &DatabaseConnection,
    changes: &[FileChange],
) -> Result<(), StoreError> {
    let txn = db.begin().await.map_err(store_err)?;
    let mut audit: Vec<AuditEntry> = Vec::new();
    let mut outbox: Vec<OutboxMessage> = Vec::new();
    for change in changes {
        match change {
            FileChange::Audit(entry) => audit.push(entry.clone()),
            FileChange::Outbox(message) => outbox.push(message.clone()),
            other => apply(&txn, other).await?,
        }
    }
    crate::outbox::insert_messages(&txn, &outbox).await?;
    if !audit.is_empty() {
        crate::audit::append_entries(&txn, &audit).await?;
    }
    txn.commit().await.map_err(store_err)
}

/// A write that found no row: the tenant (or user of the tenant) vanished
/// or never existed, which the kernel reports like a lost race.
fn one_or(rows: u64, err: StoreError) -> Result<(), StoreError> {
    if rows == 0 { Err(err) } else { Ok(()) }
}

/// Locks the tenant row (a row lock on PostgreSQL, the write lock on SQLite,
/// taken by a no-op update before anything is read, as the seat and branch
/// reservations do), then adds `bytes` unless that exceeds `limit`.
async fn reserve_storage(
    txn: &DatabaseTransaction,
    tenant_id: TenantId,
    bytes: i64,
    limit: Option<i64>,
) -> Result<(), StoreError> {
    let id = tenant_id.into_uuid();
    let locked = tenants::Entity::update_many()
        .col_expr(
            tenants::Column::StorageUsedBytes,
            Expr::col(tenants::Column::StorageUsedBytes),
        )
        .filter(tenants::Column::Id.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    one_or(locked.rows_affected, StoreError::StaleVersion)?;
    let used: Option<i64> = tenants::Entity::find_by_id(id)
        .select_only()
        .column(tenants::Column::StorageUsedBytes)
        .into_tuple()
        .one(txn)
        .await
        .map_err(store_err)?;
    let used = used.ok_or(StoreError::StaleVersion)?;
    let after = used.saturating_add(bytes);
    if limit.is_some_and(|l| after > l) {
        return Err(StoreError::Conflict(CONFLICT_STORAGE_QUOTA.to_owned()));
    }
    tenants::Entity::update_many()
        .col_expr(tenants::Column::StorageUsedBytes, Expr::value(after))
        .filter(tenants::Column::Id.eq(id))
        .exec(txn)
        .await
        .map_err(store_err)?;
    Ok(())
}

/// Subtracts `bytes`, clamped at zero in the same statement.
async fn release_storage(
    txn: &DatabaseTransaction,
    tenant_id: TenantId,
    bytes: i64,
) -> Result<(), StoreError> {
    // `bytes` is an integer, so inlining it cannot inject anything.
    let clamp = match txn.get_database_backend() {
        DbBackend::Sqlite => format!("MAX(0, storage_used_bytes - ({bytes}))"),
        _ => format!("GREATEST(0, storage_used_bytes - ({bytes}))"),
    };
    let res = tenants::Entity::update_many()
        .col_expr(tenants::Column::StorageUsedBytes, Expr::cust(clamp))
        .filter(tenants::Column::Id.eq(tenant_id.into_uuid()))
        .exec(txn)
        .await
        .map_err(store_err)?;
    one_or(res.rows_affected, StoreError::StaleVersion)
}

async fn apply(txn: &DatabaseTransaction, change: &FileChange) -> Result<(), StoreError> {
    match change {
        FileChange::Insert(f) => files::Entity::insert(file_to_row(f))
            .exec_without_returning(txn)
            .await
            .map(|_| ())
            .map_err(store_err),
        FileChange::Update {
            file,
            expected_version,
        } => {
            let res = files::Entity::update_many()
                .set(file_to_row(file))
                .filter(files::Column::Id.eq(file.id))
                .filter(files::Column::TenantId.eq(file.tenant_id.into_uuid()))
                .filter(files::Column::Version.eq(*expected_version))
                .exec(txn)
                .await
                .map_err(store_err)?;
            one_or(res.rows_affected, StoreError::StaleVersion)
        }
        FileChange::Delete { tenant_id, id } => files::Entity::delete_many()
            .filter(files::Column::Id.eq(*id))
            .filter(files::Column::TenantId.eq(tenant_id.into_uuid()))
            .exec(txn)
            .await
            .map(|_| ())
            .map_err(store_err),
        FileChange::ReserveStorage {
            tenant_id,
            bytes,
            limit_bytes,
        } => reserve_storage(txn, *tenant_id, *bytes, *limit_bytes).await,
        FileChange::ReleaseStorage { tenant_id, bytes } => {
            release_storage(txn, *tenant_id, *bytes).await
        }
        FileChange::SetTenantLogo { tenant_id, url } => {
            let res = tenants::Entity::update_many()
                .col_expr(tenants::Column::LogoUrl, Expr::value(url.clone()))
                .filter(tenants::Column::Id.eq(tenant_id.into_uuid()))
                .exec(txn)
                .await
                .map_err(store_err)?;
            one_or(res.rows_affected, StoreError::StaleVersion)
        }
        FileChange::SetUserAvatar {
            tenant_id,
            user_id,
            url,
        } => {
            // Both ids: a user of another tenant is never touched.
            let res = users::Entity::update_many()
                .col_expr(users::Column::AvatarUrl, Expr::value(url.clone()))
                .filter(users::Column::Id.eq(user_id.into_uuid()))
                .filter(users::Column::TenantId.eq(tenant_id.into_uuid()))
                .exec(txn)
                .await
                .map_err(store_err)?;
            one_or(res.rows_affected, StoreError::StaleVersion)
        }
        FileChange::Outbox(_) | FileChange::Audit(_) => Ok(()),
    }
}
