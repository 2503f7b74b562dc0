//! The audit trail in SQL: [`append_entries`] (used inside domain commits'
//! transactions and by [`AuditStore::append`]) and row mapping; the queries
//! are in `audit/queries.rs`.
//!
//! Appends serialise per chain on its `audit_chain_heads` row: on
//! PostgreSQL the row is created if missing (`INSERT … ON CONFLICT DO
//! NOTHING`) and locked with `SELECT … FOR UPDATE` until the transaction
//! ends; on SQLite the write transaction already serialises writers (the
//! insert of the head takes the write lock before the head is read).

mod queries;

use crate::entity::{audit_chain_heads as heads, audit_logs};
use crate::error::{corrupt, store_err};
use crate::timestamps::utc;
use harmony_audit::{AuditRecord, GENESIS_HASH, chain_hash, normalise};
use harmony_kernel::{AuditEntry, AuditStatus, Origin, StoreError, TenantId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, LockType, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, BTreeSet};

/// The `chain_key` of a tenant's chain (`platform` for records without one).
pub(crate) fn chain_key(tenant: Option<TenantId>) -> String {
    tenant.map_or_else(|| "platform".to_owned(), |t| t.to_string())
}

/// The head of `key`'s chain, created at (0, genesis) if missing and locked
/// on PostgreSQL until the surrounding transaction ends.
async fn lock_head<C: ConnectionTrait>(conn: &C, key: &str) -> Result<(i64, String), StoreError> {
    let backend = conn.get_database_backend();
    let insert = Query::insert()
        .into_table(heads::Entity)
        .columns([
            heads::Column::ChainKey,
            heads::Column::LastSeq,
            heads::Column::LastHash,
        ])
        .values_panic([
            Expr::value(key.to_owned()),
            Expr::value(0i64),
            Expr::value(GENESIS_HASH.to_owned()),
        ])
        .on_conflict(
            OnConflict::column(heads::Column::ChainKey)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    conn.execute(&insert).await.map_err(store_err)?;
    let mut select = heads::Entity::find().filter(heads::Column::ChainKey.eq(key));
    if backend == DbBackend::Postgres {
        select = select.lock(LockType::Update);
    }
    let head = select
        .one(conn)
        .await
        .map_err(store_err)?
        .ok_or_else(|| corrupt("audit_chain_heads", "chain_key", "head vanished"))?;
    Ok((head.last_seq, head.last_hash))
}

/// The row of a chained, normalised record.
fn row(r: &AuditRecord) -> audit_logs::ActiveModel {
    let e = &r.entry;
    audit_logs::ActiveModel {
        id: Set(e.id),
        tenant_id: Set(e.tenant_id.map(TenantId::into_uuid)),
        chain_key: Set(chain_key(e.tenant_id)),
        seq: Set(r.seq),
        user_id: Set(e.user_id.map(UserId::into_uuid)),
        impersonator_id: Set(e.impersonator_id.map(UserId::into_uuid)),
        action: Set(e.action.clone()),
        resource: Set(e.resource.clone()),
        resource_id: Set(e.resource_id.clone()),
        details: Set(serde_json::Value::Object(e.details.clone()).to_string()),
        status: Set(e.status.as_str().to_owned()),
        ip_address: Set(e.origin.ip.clone()),
        user_agent: Set(e.origin.user_agent.clone()),
        request_id: Set(e.origin.request_id.clone()),
        created_at: Set(utc(e.at)),
        prev_hash: Set(r.prev_hash.clone()),
        hash: Set(r.hash.clone()),
        is_active: Set(true),
    }
}

/// Appends `entries` to their chains on `conn` — a connection or, usually,
/// the transaction of the domain commit they describe, so the change and
/// its record commit or roll back together. Never begins or commits a
/// transaction itself; on PostgreSQL it must run inside one (the head locks
/// last until it ends).
///
/// Each entry is normalised, gets its chain's next `seq`, and is hashed
/// over the previous record's hash; the chain heads move with them. The
/// heads of all chains involved are locked first, in `chain_key` order, so
/// two transactions touching the same chains cannot deadlock (callers that
/// append several times in one transaction should append platform entries
/// last, or all at once).
pub(crate) async fn append_entries<C: ConnectionTrait>(
    conn: &C,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    let keys: BTreeSet<String> = entries.iter().map(|e| chain_key(e.tenant_id)).collect();
    let mut heads_now: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for key in keys {
        let head = lock_head(conn, &key).await?;
        heads_now.insert(key, head);
    }
    for entry in entries {
        let entry = normalise(entry);
        let key = chain_key(entry.tenant_id);
        let Some((last_seq, last_hash)) = heads_now.get_mut(&key) else {
            return Err(corrupt("audit_chain_heads", "chain_key", "head not locked"));
        };
        let hash = chain_hash(last_hash, &entry);
        let record = AuditRecord {
            entry,
            seq: *last_seq + 1,
            prev_hash: std::mem::replace(last_hash, hash.clone()),
            hash,
        };
        *last_seq = record.seq;
        audit_logs::Entity::insert(row(&record))
            .exec_without_returning(conn)
            .await
            .map_err(store_err)?;
    }
    for (key, (last_seq, last_hash)) in heads_now {
        heads::Entity::update_many()
            .col_expr(heads::Column::LastSeq, Expr::value(last_seq))
            .col_expr(heads::Column::LastHash, Expr::value(last_hash))
            .filter(heads::Column::ChainKey.eq(key))
            .exec(conn)
            .await
            .map_err(store_err)?;
    }
    Ok(())
}

/// A stored row as a record.
pub(crate) fn record(m: audit_logs::Model) -> Result<AuditRecord, StoreError> {
    let Ok(serde_json::Value::Object(details)) = serde_json::from_str(&m.details) else {
        return Err(corrupt("audit_logs", "details", "not a JSON object"));
    };
    let status =
        AuditStatus::parse(&m.status).ok_or_else(|| corrupt("audit_logs", "status", &m.status))?;
    Ok(AuditRecord {
        entry: AuditEntry {
            id: m.id,
            tenant_id: m.tenant_id.map(TenantId::from_uuid),
            user_id: m.user_id.map(UserId::from_uuid),
            impersonator_id: m.impersonator_id.map(UserId::from_uuid),
            action: m.action,
            resource: m.resource,
            resource_id: m.resource_id,
            details,
            status,
            origin: Origin {
                ip: m.ip_address,
                user_agent: m.user_agent,
                request_id: m.request_id,
            },
            at: utc(m.created_at),
        },
        seq: m.seq,
        prev_hash: m.prev_hash,
        hash: m.hash,
    })
}
