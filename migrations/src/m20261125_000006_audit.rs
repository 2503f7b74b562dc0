//! The audit trail: `audit_logs` (hash-chained records, one chain per
//! tenant plus the platform chain) and `audit_chain_heads` (each chain's
//! last `seq` and hash; its row is the lock that serialises appends).
//!
//! There is deliberately no foreign key to `tenants` or `users`: the trail
//! must outlive tenant closure and user deletion (§5.5). `chain_key` is
//! `'platform'` or the tenant's UUID, so the unique `(chain_key, seq)` works
//! although `tenant_id` is nullable. `details` is text holding JSON exactly
//! as written (no `jsonb` normalisation), so hashes recompute.

use crate::util::{pk_uuid, string, ts, uuid_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLogs {
    Table,
    Id,
    TenantId,
    ChainKey,
    Seq,
    UserId,
    ImpersonatorId,
    Action,
    Resource,
    ResourceId,
    Details,
    Status,
    IpAddress,
    UserAgent,
    RequestId,
    CreatedAt,
    PrevHash,
    Hash,
    IsActive,
}

#[derive(DeriveIden)]
enum AuditChainHeads {
    Table,
    ChainKey,
    LastSeq,
    LastHash,
}

fn text<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLogs::Table)
                    .col(pk_uuid(AuditLogs::Id))
                    .col(uuid_null(AuditLogs::TenantId))
                    .col(string(AuditLogs::ChainKey, 64))
                    .col(ColumnDef::new(AuditLogs::Seq).big_integer().not_null())
                    .col(uuid_null(AuditLogs::UserId))
                    .col(uuid_null(AuditLogs::ImpersonatorId))
                    .col(string(AuditLogs::Action, 100))
                    .col(string(AuditLogs::Resource, 100))
                    .col(text_null(AuditLogs::ResourceId))
                    .col(text(AuditLogs::Details))
                    .col(string(AuditLogs::Status, 20))
                    .col(text_null(AuditLogs::IpAddress))
                    .col(text_null(AuditLogs::UserAgent))
                    .col(text_null(AuditLogs::RequestId))
                    .col(ts(AuditLogs::CreatedAt))
                    .col(string(AuditLogs::PrevHash, 64))
                    .col(string(AuditLogs::Hash, 64))
                    .col(
                        ColumnDef::new(AuditLogs::IsActive)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            (
                "ux_audit_logs_chain_seq",
                vec![AuditLogs::ChainKey, AuditLogs::Seq],
                true,
            ),
            (
                "ix_audit_logs_tenant_created",
                vec![AuditLogs::TenantId, AuditLogs::CreatedAt],
                false,
            ),
            ("ix_audit_logs_action", vec![AuditLogs::Action], false),
            (
                "ix_audit_logs_created_at",
                vec![AuditLogs::CreatedAt],
                false,
            ),
        ];
        for (name, cols, unique) in indexes {
            let mut index = Index::create();
            index.name(name).table(AuditLogs::Table);
            for c in cols {
                index.col(c);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditChainHeads::Table)
                    .col(
                        ColumnDef::new(AuditChainHeads::ChainKey)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditChainHeads::LastSeq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(string(AuditChainHeads::LastHash, 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditChainHeads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditLogs::Table).to_owned())
            .await
    }
}
