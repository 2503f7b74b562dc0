//! Files (api-core §3.9): one row per uploaded object, pending until
//! confirmed, with a version column for optimistic locking.
//!
//! `storage_key` is unique over all rows, so a key is never reused, even
//! after a soft delete. Rows cascade with their tenant (account closure).
//! The tenant's `storage_used_bytes` counter already lives on `tenants`.

use crate::util::{
    bool_default, json, pk_uuid, string, string_null, ts, ts_null, uuid, uuid_null, version,
};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Files {
    Table,
    Id,
    TenantId,
    StorageKey,
    Filename,
    ContentType,
    SizeBytes,
    Category,
    ResourceType,
    ResourceId,
    IsPublic,
    Checksum,
    Metadata,
    Status,
    UploadedById,
    UpdatedById,
    DeletedById,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Files::Table)
                    .col(pk_uuid(Files::Id))
                    .col(uuid(Files::TenantId))
                    .col(string(Files::StorageKey, 1024))
                    .col(string(Files::Filename, 255))
                    .col(string(Files::ContentType, 255))
                    .col(ColumnDef::new(Files::SizeBytes).big_integer().not_null())
                    .col(string(Files::Category, 32))
                    .col(string_null(Files::ResourceType, 50))
                    .col(uuid_null(Files::ResourceId))
                    .col(bool_default(Files::IsPublic, false))
                    .col(string_null(Files::Checksum, 64))
                    .col(json(Files::Metadata))
                    .col(string(Files::Status, 16))
                    .col(uuid_null(Files::UploadedById))
                    .col(uuid_null(Files::UpdatedById))
                    .col(uuid_null(Files::DeletedById))
                    .col(ts(Files::CreatedAt))
                    .col(ts_null(Files::UpdatedAt))
                    .col(ts_null(Files::DeletedAt))
                    .col(version(Files::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_files_tenant_id")
                            .from(Files::Table, Files::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("ux_files_storage_key")
                .table(Files::Table)
                .col(Files::StorageKey)
                .unique()
                .to_owned(),
            Index::create()
                .name("ix_files_tenant_status_created")
                .table(Files::Table)
                .col(Files::TenantId)
                .col(Files::Status)
                .col(Files::CreatedAt)
                .to_owned(),
            Index::create()
                .name("ix_files_tenant_resource")
                .table(Files::Table)
                .col(Files::TenantId)
                .col(Files::Category)
                .col(Files::ResourceType)
                .col(Files::ResourceId)
                .to_owned(),
            // The sweeper's scan of old pending uploads across tenants.
            Index::create()
                .name("ix_files_status_created")
                .table(Files::Table)
                .col(Files::Status)
                .col(Files::CreatedAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Files::Table).to_owned())
            .await
    }
}
