//! The executable contract of [`BranchStore`]: every implementation must pass
//! [`branch_store_contract`]. Fixtures use fresh tenants, so the suite can run
//! repeatedly against the same database. Timestamps are whole microseconds
//! (PostgreSQL's precision) so records read back equal.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

mod reads;
mod writes;

use crate::model::{Branch, Limit, Tenant};
use crate::ports::{BranchChange, BranchStore, CONFLICT_BRANCH_CODE, CONFLICT_BRANCH_LIMIT};
use harmony_kernel::{
    BranchId, PageRequest, Principal, StoreError, TenantRole, TenantScope, UserId,
};
use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What the suite needs that the port does not offer: tenants and users are
/// written by other contexts (identity's registration in production).
#[async_trait::async_trait]
pub trait BranchFixtures: Send + Sync {
    /// Stores `tenant` with no branches.
    async fn insert_tenant(&self, tenant: &Tenant);
    /// Stores an active user of `tenant_id` whose default branch is `branch_id`.
    async fn insert_user_with_default_branch(
        &self,
        tenant_id: harmony_kernel::TenantId,
        branch_id: BranchId,
    );
}

/// Runs every check of the [`BranchStore`] contract.
pub async fn branch_store_contract(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    reads::records_read_back_unchanged(store, fx).await;
    reads::other_tenants_rows_are_invisible(store, fx).await;
    reads::deleted_branches_are_invisible(store, fx).await;
    writes::commit_is_all_or_nothing(store, fx).await;
    writes::slot_limit_is_enforced_and_writes_nothing(store, fx).await;
    writes::one_active_headquarters_per_tenant(store, fx).await;
    writes::code_is_unique_per_tenant_including_deleted(store, fx).await;
    writes::update_checks_the_version(store, fx).await;
    reads::listing_orders_searches_and_pages(store, fx).await;
    reads::users_with_default_branch_are_counted(store, fx).await;
}

/// The current time in whole microseconds.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .expect("valid nanosecond")
}

/// A fresh tenant with a unique subdomain and the given branch limit.
pub fn tenant(max_branches: i64, at: OffsetDateTime) -> Tenant {
    let sub = format!("b-{}", &Uuid::new_v4().simple().to_string()[..16]);
    Tenant {
        max_branches: Limit::new(max_branches),
        ..Tenant::for_registration(format!("Tenant {sub}"), sub, at)
    }
}

/// A non-HQ branch of `tenant_id` with the given code.
pub fn branch(tenant_id: harmony_kernel::TenantId, code: &str, at: OffsetDateTime) -> Branch {
    Branch {
        name: format!("Branch {code}"),
        code: code.to_owned(),
        is_hq: false,
        ..Branch::headquarters(tenant_id, at)
    }
}

/// An owner's scope in `tenant_id`.
pub fn scope(tenant_id: harmony_kernel::TenantId) -> TenantScope {
    Principal::verified_tenant_user(UserId::new(), None, tenant_id, TenantRole::Owner)
        .tenant_scope()
        .expect("tenant users have a tenant scope")
}

async fn seeded(fx: &dyn BranchFixtures, limit: i64) -> (Tenant, TenantScope) {
    let t = tenant(limit, now());
    fx.insert_tenant(&t).await;
    let s = scope(t.id);
    (t, s)
}

async fn commit(store: &dyn BranchStore, changes: &[BranchChange]) -> Result<(), StoreError> {
    store.commit_branches(changes).await
}

fn assert_conflict(r: &Result<(), StoreError>, expected: Option<&str>, what: &str) {
    match (r, expected) {
        (Err(StoreError::Conflict(c)), Some(e)) => assert_eq!(c, e, "{what}"),
        (Err(StoreError::Conflict(_)), None) => {}
        _ => panic!("{what}: expected Conflict({expected:?}), got {r:?}"),
    }
}
