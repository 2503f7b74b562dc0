//! Sign-in sessions, rotating refresh tokens and one-time link tokens.

use crate::util::{pk_uuid, string, ts, ts_null, uuid, uuid_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    UserId,
    TokenDigest,
    AccessJti,
    IssuedAt,
    ExpiresAt,
    RotatedAt,
    SuccessorId,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenDigest,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

fn cascade_to_users<T: IntoIden>(table: T, col: T, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(ts(Sessions::CreatedAt))
                    .col(ts_null(Sessions::RevokedAt))
                    .foreign_key(&mut cascade_to_users(
                        Sessions::Table,
                        Sessions::UserId,
                        "fk_sessions_user_id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::SessionId))
                    .col(uuid(RefreshTokens::UserId))
                    .col(string(RefreshTokens::TokenDigest, 64))
                    .col(uuid(RefreshTokens::AccessJti))
                    .col(ts(RefreshTokens::IssuedAt))
                    .col(ts(RefreshTokens::ExpiresAt))
                    .col(ts_null(RefreshTokens::RotatedAt))
                    .col(uuid_null(RefreshTokens::SuccessorId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_session_id")
                            .from(RefreshTokens::Table, RefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OneTimeTokens::Table)
                    .col(pk_uuid(OneTimeTokens::Id))
                    .col(uuid(OneTimeTokens::UserId))
                    .col(string(OneTimeTokens::Purpose, 32))
                    .col(string(OneTimeTokens::TokenDigest, 64))
                    .col(ts(OneTimeTokens::ExpiresAt))
                    .col(ts_null(OneTimeTokens::UsedAt))
                    .col(ts(OneTimeTokens::CreatedAt))
                    .foreign_key(&mut cascade_to_users(
                        OneTimeTokens::Table,
                        OneTimeTokens::UserId,
                        "fk_one_time_tokens_user_id",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "ix_sessions_user_id",
                Sessions::Table.into_iden(),
                Sessions::UserId.into_iden(),
            ),
            (
                "ix_refresh_tokens_session_id",
                RefreshTokens::Table.into_iden(),
                RefreshTokens::SessionId.into_iden(),
            ),
            (
                "ix_one_time_tokens_token_digest",
                OneTimeTokens::Table.into_iden(),
                OneTimeTokens::TokenDigest.into_iden(),
            ),
            (
                "ix_one_time_tokens_user_id",
                OneTimeTokens::Table.into_iden(),
                OneTimeTokens::UserId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OneTimeTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
