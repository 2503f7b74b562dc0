//! Checks of `commit_branches`: atomicity, slot limit, one headquarters, codes, versions.
#![allow(clippy::expect_used)]

use super::{
    Branch, BranchChange, BranchFixtures, BranchId, BranchStore, CONFLICT_BRANCH_CODE,
    CONFLICT_BRANCH_LIMIT, Limit, StoreError, assert_conflict, branch, commit, now, seeded,
};

pub(super) async fn commit_is_all_or_nothing(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
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

pub(super) async fn slot_limit_is_enforced_and_writes_nothing(
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

pub(super) async fn one_active_headquarters_per_tenant(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
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

pub(super) async fn code_is_unique_per_tenant_including_deleted(
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

pub(super) async fn update_checks_the_version(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
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
