//! The executable contract of [`FileStore`]: every implementation must pass
//! [`file_store_contract`]. Tenants and users are written by other contexts
//! (identity's registration in production), so the suite asks a
//! [`FileFixtures`] for them and for the columns the store writes but does
//! not read back (`logo_url`, `avatar_url`).
//!
//! Every fixture uses fresh tenants and ids and every assertion looks only
//! at the suite's own rows, so it can run repeatedly against one database.
//! Timestamps are whole microseconds (PostgreSQL's precision) so records
//! read back equal.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

mod join;
mod reads;
mod storage;
mod writes;

use crate::model::{FileCategory, FileRecord, FileStatus};
use crate::ports::{FileChange, FileStore};
use harmony_kernel::{
    OperatorScope, Principal, StoreError, SystemRole, TenantId, TenantRole, TenantScope, UserId,
};
use time::OffsetDateTime;
use uuid::Uuid;

pub use join::join_all;

/// What the suite needs that the port does not offer.
#[async_trait::async_trait]
pub trait FileFixtures: Send + Sync {
    /// Stores a fresh active tenant with `storage_used_bytes = 0` and the
    /// given `max_storage_gb` (−1 = unlimited); returns its id.
    async fn insert_tenant(&self, max_storage_gb: i64) -> TenantId;
    /// Stores a fresh active user of `tenant_id`; returns its id.
    async fn insert_user(&self, tenant_id: TenantId) -> UserId;
    /// Deactivates the tenant (`is_active = false`).
    async fn deactivate_tenant(&self, tenant_id: TenantId);
    /// The tenant's `logo_url`.
    async fn logo_url(&self, tenant_id: TenantId) -> Option<String>;
    /// The user's `avatar_url`.
    async fn avatar_url(&self, user_id: UserId) -> Option<String>;
}

/// Runs every check of the [`FileStore`] contract against `store`, which
/// must be migrated and may already hold data.
pub async fn file_store_contract(store: &dyn FileStore, fx: &dyn FileFixtures) {
    reads::records_read_back_unchanged(store, fx).await;
    reads::other_tenants_rows_are_invisible(store, fx).await;
    reads::listing_filters_pages_and_orders(store, fx).await;
    reads::files_of_resource_are_active_newest_first(store, fx).await;
    reads::any_active_file_sees_every_tenant(store, fx).await;
    reads::stale_pending_are_old_pending_rows(store, fx).await;
    reads::tenant_and_user_reads(store, fx).await;
    writes::commit_is_all_or_nothing(store, fx).await;
    writes::insert_rejects_duplicate_ids_and_keys(store, fx).await;
    writes::update_checks_the_version(store, fx).await;
    writes::delete_removes_only_the_tenants_record(store, fx).await;
    writes::logo_and_avatar_urls_are_set_and_cleared(store, fx).await;
    storage::reserve_respects_the_quota(store, fx).await;
    storage::concurrent_reservations_never_overshoot(store, fx).await;
    storage::release_never_goes_below_zero(store, fx).await;
    storage::recompute_agrees_with_active_files(store, fx).await;
}

/// The current time in whole microseconds.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .expect("valid nanosecond")
}

/// The scope of a fresh owner acting in `tenant_id`.
pub fn scope(tenant_id: TenantId) -> TenantScope {
    Principal::verified_tenant_user(UserId::new(), None, tenant_id, TenantRole::Owner)
        .tenant_scope()
        .expect("tenant users have a tenant scope")
}

/// The platform scope of a fresh system admin.
pub fn operator() -> OperatorScope {
    Principal::verified_system_user(UserId::new(), None, SystemRole::Admin)
        .operator_scope()
        .expect("system users have an operator scope")
}

/// A record of `tenant_id` in `category` with `status`, created at `at`,
/// with a fresh key under the category's prefix.
pub fn record(
    tenant_id: TenantId,
    category: FileCategory,
    status: FileStatus,
    size_bytes: i64,
    at: OffsetDateTime,
) -> FileRecord {
    let id = Uuid::new_v4();
    let mut metadata = serde_json::Map::new();
    metadata.insert("source".to_owned(), serde_json::json!("contract"));
    FileRecord {
        id,
        tenant_id,
        storage_key: format!(
            "{}/{tenant_id}/{id}.png",
            crate::rules::key_prefix(category)
        ),
        filename: format!("file-{}.png", &id.simple().to_string()[..8]),
        content_type: "image/png".to_owned(),
        size_bytes,
        category,
        resource_type: None,
        resource_id: None,
        is_public: false,
        checksum: None,
        metadata,
        status,
        uploaded_by: None,
        updated_by: None,
        deleted_by: None,
        created_at: at,
        updated_at: None,
        deleted_at: None,
        version: 0,
    }
}

async fn commit(store: &dyn FileStore, changes: &[FileChange]) -> Result<(), StoreError> {
    store.commit_files(changes).await
}

async fn insert(store: &dyn FileStore, files: &[&FileRecord]) {
    let changes: Vec<FileChange> = files
        .iter()
        .map(|f| FileChange::Insert((*f).clone()))
        .collect();
    commit(store, &changes).await.expect("insert files");
}

async fn used(store: &dyn FileStore, tenant_id: TenantId) -> i64 {
    store
        .storage_usage(&scope(tenant_id))
        .await
        .expect("storage usage")
        .0
}

fn assert_conflict(r: &Result<(), StoreError>, expected: Option<&str>, what: &str) {
    match (r, expected) {
        (Err(StoreError::Conflict(c)), Some(e)) => assert_eq!(c, e, "{what}"),
        (Err(StoreError::Conflict(_)), None) => {}
        _ => panic!("{what}: expected Conflict({expected:?}), got {r:?}"),
    }
}

fn assert_stale(r: &Result<(), StoreError>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::StaleVersion)),
        "{what}: expected StaleVersion, got {r:?}"
    );
}
