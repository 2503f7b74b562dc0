//! The executable contract of [`BranchStore`]: every implementation must pass
//! [`branch_store_contract`]. Fixtures use fresh tenants, so the suite can run
//! repeatedly against the same database. Timestamps are whole microseconds
//! (PostgreSQL's precision) so records read back equal.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

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
    records_read_back_unchanged(store, fx).await;
    other_tenants_rows_are_invisible(store, fx).await;
    deleted_branches_are_invisible(store, fx).await;
    commit_is_all_or_nothing(store, fx).await;
    slot_limit_is_enforced_and_writes_nothing(store, fx).await;
    one_active_headquarters_per_tenant(store, fx).await;
    code_is_unique_per_tenant_including_deleted(store, fx).await;
    update_checks_the_version(store, fx).await;
    listing_orders_searches_and_pages(store, fx).await;
    users_with_default_branch_are_counted(store, fx).await;
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

async fn records_read_back_unchanged(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let at = now();
    let b = Branch {
        address: Some("Jl. Sudirman 1".to_owned()),
        city: Some("Jakarta".to_owned()),
        province: Some("DKI".to_owned()),
        postal_code: Some("10210".to_owned()),
        phone: Some("+62 21 555".to_owned()),
        email: Some("hq@example.com".to_owned()),
        latitude: Some(Decimal::new(-620_880_000, 8)),
        longitude: Some(Decimal::new(10_684_560_000, 8)),
        updated_at: Some(at + Duration::seconds(1)),
        ..Branch::headquarters(t.id, at)
    };
    commit(store, &[BranchChange::InsertBranch(b.clone())])
        .await
        .expect("insert");
    let got = store
        .branch(&s, b.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(got, b);
    assert_eq!(
        got.latitude.map(|d| d.to_string()),
        Some("-6.20880000".to_owned())
    );
    assert_eq!(
        store.tenant(&s).await.expect("tenant").map(|x| x.id),
        Some(t.id)
    );
    assert_eq!(store.count_active_branches(&s).await.expect("count"), 1);
}

async fn other_tenants_rows_are_invisible(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (a, sa) = seeded(fx, -1).await;
    let (b, sb) = seeded(fx, -1).await;
    let hq = Branch::headquarters(a.id, now());
    commit(store, &[BranchChange::InsertBranch(hq.clone())])
        .await
        .expect("insert");
    assert!(store.branch(&sb, hq.id).await.expect("read").is_none());
    let page = PageRequest {
        skip: 0,
        limit: 100,
    };
    assert_eq!(
        store
            .list_branches(&sb, None, page)
            .await
            .expect("list")
            .total,
        0
    );
    assert_eq!(store.count_active_branches(&sb).await.expect("count"), 0);
    assert_eq!(
        store.tenant(&sb).await.expect("tenant").map(|t| t.id),
        Some(b.id)
    );
    assert_eq!(
        store
            .list_branches(&sa, None, page)
            .await
            .expect("list")
            .total,
        1
    );
    // The same code in another tenant is fine.
    let other = Branch::headquarters(b.id, now());
    commit(store, &[BranchChange::InsertBranch(other)])
        .await
        .expect("same code, other tenant");
}

async fn deleted_branches_are_invisible(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let b = branch(t.id, "DEL", now());
    commit(store, &[BranchChange::InsertBranch(b.clone())])
        .await
        .expect("insert");
    let at = now();
    let deleted = Branch {
        is_active: false,
        deleted_at: Some(at),
        deleted_by: Some(UserId::new()),
        updated_at: Some(at),
        version: 1,
        ..b.clone()
    };
    commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: deleted,
            expected_version: 0,
        }],
    )
    .await
    .expect("soft delete");
    assert!(store.branch(&s, b.id).await.expect("read").is_none());
    let page = PageRequest {
        skip: 0,
        limit: 100,
    };
    assert_eq!(
        store
            .list_branches(&s, None, page)
            .await
            .expect("list")
            .total,
        0
    );
    assert_eq!(store.count_active_branches(&s).await.expect("count"), 0);
}

async fn commit_is_all_or_nothing(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let first = branch(t.id, "AON", now());
    let dup = Branch {
        id: BranchId::new(),
        ..first.clone()
    };
    let r = commit(
        store,
        &[
            BranchChange::InsertBranch(first.clone()),
            BranchChange::InsertBranch(dup),
        ],
    )
    .await;
    assert_conflict(
        &r,
        Some(CONFLICT_BRANCH_CODE),
        "duplicate code in one commit",
    );
    assert!(
        store.branch(&s, first.id).await.expect("read").is_none(),
        "first insert rolled back"
    );
}

async fn slot_limit_is_enforced_and_writes_nothing(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
    let (t, s) = seeded(fx, 2).await;
    let reserve = BranchChange::ReserveBranchSlot {
        tenant_id: t.id,
        limit: t.max_branches,
    };
    for code in ["S1", "S2"] {
        let b = branch(t.id, code, now());
        commit(store, &[reserve.clone(), BranchChange::InsertBranch(b)])
            .await
            .expect("slot free");
    }
    let third = branch(t.id, "S3", now());
    let r = commit(
        store,
        &[reserve.clone(), BranchChange::InsertBranch(third.clone())],
    )
    .await;
    assert_conflict(&r, Some(CONFLICT_BRANCH_LIMIT), "limit reached");
    assert!(
        store.branch(&s, third.id).await.expect("read").is_none(),
        "nothing written"
    );
    // Unlimited never refuses.
    let open = BranchChange::ReserveBranchSlot {
        tenant_id: t.id,
        limit: Limit::UNLIMITED,
    };
    commit(store, &[open, BranchChange::InsertBranch(third)])
        .await
        .expect("unlimited");
}

async fn one_active_headquarters_per_tenant(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let hq = Branch::headquarters(t.id, now());
    commit(store, &[BranchChange::InsertBranch(hq.clone())])
        .await
        .expect("first HQ");
    let second = Branch {
        code: "HQ2".to_owned(),
        ..Branch::headquarters(t.id, now())
    };
    let r = commit(store, &[BranchChange::InsertBranch(second.clone())]).await;
    assert_conflict(&r, None, "second active HQ refused by the store");
    let at = now();
    commit(
        store,
        &[
            BranchChange::ClearHeadquarters {
                tenant_id: t.id,
                at,
            },
            BranchChange::InsertBranch(second.clone()),
        ],
    )
    .await
    .expect("demote, then promote");
    let old = store
        .branch(&s, hq.id)
        .await
        .expect("read")
        .expect("present");
    assert!(!old.is_hq, "old HQ demoted");
    assert_eq!(old.version, hq.version + 1, "demotion bumps the version");
    assert!(
        store
            .branch(&s, second.id)
            .await
            .expect("read")
            .expect("present")
            .is_hq
    );
}

async fn code_is_unique_per_tenant_including_deleted(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
    let (t, _s) = seeded(fx, -1).await;
    let b = branch(t.id, "UNIQ", now());
    commit(store, &[BranchChange::InsertBranch(b.clone())])
        .await
        .expect("insert");
    let deleted = Branch {
        is_active: false,
        deleted_at: Some(now()),
        version: 1,
        ..b.clone()
    };
    commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: deleted,
            expected_version: 0,
        }],
    )
    .await
    .expect("delete");
    let again = branch(t.id, "UNIQ", now());
    let r = commit(store, &[BranchChange::InsertBranch(again)]).await;
    assert_conflict(
        &r,
        Some(CONFLICT_BRANCH_CODE),
        "a deleted branch keeps its code",
    );
    let other = branch(t.id, "OTHER", now());
    commit(store, &[BranchChange::InsertBranch(other.clone())])
        .await
        .expect("insert other");
    let renamed = Branch {
        code: "UNIQ".to_owned(),
        version: 1,
        ..other
    };
    let r = commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: renamed,
            expected_version: 0,
        }],
    )
    .await;
    assert_conflict(&r, Some(CONFLICT_BRANCH_CODE), "update to a taken code");
}

async fn update_checks_the_version(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let b = branch(t.id, "VER", now());
    commit(store, &[BranchChange::InsertBranch(b.clone())])
        .await
        .expect("insert");
    let v1 = Branch {
        name: "Renamed".to_owned(),
        version: 1,
        ..b.clone()
    };
    commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: v1.clone(),
            expected_version: 0,
        }],
    )
    .await
    .expect("first update");
    let stale = Branch {
        name: "Lost".to_owned(),
        version: 1,
        ..b.clone()
    };
    let r = commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: stale,
            expected_version: 0,
        }],
    )
    .await;
    assert!(matches!(r, Err(StoreError::StaleVersion)), "got {r:?}");
    assert_eq!(store.branch(&s, b.id).await.expect("read"), Some(v1));
    let foreign = Branch {
        tenant_id: seeded(fx, -1).await.0.id,
        version: 2,
        ..b.clone()
    };
    let r = commit(
        store,
        &[BranchChange::UpdateBranch {
            branch: foreign,
            expected_version: 1,
        }],
    )
    .await;
    assert!(
        r.is_err(),
        "an update cannot move a branch to another tenant"
    );
}

async fn listing_orders_searches_and_pages(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let t0 = now() - Duration::hours(1);
    let hq = Branch::headquarters(t.id, t0);
    let old = Branch {
        city: Some("Bandung".to_owned()),
        ..branch(t.id, "OLD", t0 + Duration::minutes(1))
    };
    let new = Branch {
        name: "Surabaya Store".to_owned(),
        ..branch(t.id, "NEW", t0 + Duration::minutes(2))
    };
    let off = Branch {
        is_active: false,
        ..branch(t.id, "OFF", t0 + Duration::minutes(3))
    };
    let all: Vec<_> = [&hq, &old, &new, &off]
        .iter()
        .map(|b| BranchChange::InsertBranch((*b).clone()))
        .collect();
    commit(store, &all).await.expect("insert");
    let page = PageRequest { skip: 0, limit: 10 };
    let got = store.list_branches(&s, None, page).await.expect("list");
    let ids: Vec<_> = got.items.iter().map(|b| b.id).collect();
    assert_eq!(
        ids,
        vec![hq.id, new.id, old.id],
        "HQ first, then newest; inactive hidden"
    );
    assert_eq!(got.total, 3);
    let one = store
        .list_branches(&s, None, PageRequest { skip: 1, limit: 1 })
        .await
        .expect("page");
    assert_eq!(
        (
            one.total,
            one.items.iter().map(|b| b.id).collect::<Vec<_>>()
        ),
        (3, vec![new.id])
    );
    for (q, want) in [("bANDung", old.id), ("surabaya", new.id), ("new", new.id)] {
        let got = store
            .list_branches(&s, Some(q.to_owned()), page)
            .await
            .expect("search");
        assert_eq!(
            got.items.iter().map(|b| b.id).collect::<Vec<_>>(),
            vec![want],
            "search {q}"
        );
        assert_eq!(got.total, 1);
    }
    assert_eq!(store.count_active_branches(&s).await.expect("count"), 3);
}

async fn users_with_default_branch_are_counted(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
    let (t, s) = seeded(fx, -1).await;
    let b = branch(t.id, "USR", now());
    commit(store, &[BranchChange::InsertBranch(b.clone())])
        .await
        .expect("insert");
    assert_eq!(
        store
            .count_active_users_with_default_branch(&s, b.id)
            .await
            .expect("count"),
        0
    );
    fx.insert_user_with_default_branch(t.id, b.id).await;
    fx.insert_user_with_default_branch(t.id, b.id).await;
    assert_eq!(
        store
            .count_active_users_with_default_branch(&s, b.id)
            .await
            .expect("count"),
        2
    );
    let (_, other) = seeded(fx, -1).await;
    assert_eq!(
        store
            .count_active_users_with_default_branch(&other, b.id)
            .await
            .expect("count"),
        0
    );
}
