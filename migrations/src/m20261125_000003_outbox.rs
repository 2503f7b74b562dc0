//! The transactional outbox.

use crate::util::{pk_uuid, string, text_null, ts, ts_null, uuid_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    Payload,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LockToken,
    LastError,
    DeliveredAt,
    DeadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_uuid(Outbox::Id))
                    .col(string(Outbox::Topic, 100))
                    .col(ColumnDef::new(Outbox::Payload).json().not_null())
                    .col(ts(Outbox::CreatedAt))
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts(Outbox::NextAttemptAt))
                    .col(ts_null(Outbox::LockedUntil))
                    .col(uuid_null(Outbox::LockToken))
                    .col(text_null(Outbox::LastError))
                    .col(ts_null(Outbox::DeliveredAt))
                    .col(ts_null(Outbox::DeadAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::DeliveredAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}
