//! In-app notifications (§5.8): `notifications` (one row per inbox entry,
//! soft-deleted with `is_active = false`) and `notification_preferences`
//! (one row per user and type or `*`, unique, so upserts are atomic).
//!
//! Both reference `users` with `ON DELETE CASCADE`, like the auth tables: a
//! hard-deleted user's inbox and choices go with them. `tenant_id` is a
//! plain nullable column (no foreign key), like the audit trail's: it
//! records the tenant a notification was raised for.

use crate::util::{bool_default, json, pk_uuid, string, ts, ts_null, uuid, uuid_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(Clone, Copy, DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    TenantId,
    NotificationType,
    Title,
    Message,
    Priority,
    Data,
    IsRead,
    ReadAt,
    IsActive,
    DeletedAt,
    CreatedAt,
    ChannelsSent,
}

#[derive(Clone, Copy, DeriveIden)]
enum NotificationPreferences {
    Table,
    Id,
    UserId,
    NotificationType,
    InAppEnabled,
    EmailEnabled,
    EmailDigest,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

fn cascade_to_users<T: IntoIden>(table: T, col: T, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index<T: IntoIden + Copy>(
    name: &str,
    table: T,
    cols: &[T],
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for c in cols {
        index.col(*c);
    }
    if unique {
        index.unique();
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use NotificationPreferences as P;
        use Notifications as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(pk_uuid(N::Id))
                    .col(uuid(N::UserId))
                    .col(uuid_null(N::TenantId))
                    .col(string(N::NotificationType, 100))
                    .col(string(N::Title, 200))
                    .col(ColumnDef::new(N::Message).text().not_null())
                    .col(string(N::Priority, 20))
                    .col(json(N::Data))
                    .col(bool_default(N::IsRead, false))
                    .col(ts_null(N::ReadAt))
                    .col(bool_default(N::IsActive, true))
                    .col(ts_null(N::DeletedAt))
                    .col(ts(N::CreatedAt))
                    .col(json(N::ChannelsSent))
                    .foreign_key(&mut cascade_to_users(
                        N::Table,
                        N::UserId,
                        "fk_notifications_user_id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_notifications_user_active_created",
                N::Table,
                &[N::UserId, N::IsActive, N::CreatedAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "ix_notifications_user_read",
                N::Table,
                &[N::UserId, N::IsRead],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(pk_uuid(P::Id))
                    .col(uuid(P::UserId))
                    .col(string(P::NotificationType, 100))
                    .col(bool_default(P::InAppEnabled, true))
                    .col(bool_default(P::EmailEnabled, true))
                    .col(bool_default(P::EmailDigest, false))
                    .col(bool_default(P::IsActive, true))
                    .col(ts(P::CreatedAt))
                    .col(ts_null(P::UpdatedAt))
                    .foreign_key(&mut cascade_to_users(
                        P::Table,
                        P::UserId,
                        "fk_notification_preferences_user_id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ux_notification_preferences_user_type",
                P::Table,
                &[P::UserId, P::NotificationType],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(NotificationPreferences::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
