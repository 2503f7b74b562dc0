//! Checks of the reads: round trips, tenant isolation, deleted rows, listings.
#![allow(clippy::expect_used)]

use super::{
    Branch, BranchChange, BranchFixtures, BranchStore, Decimal, Duration, PageRequest, UserId,
    branch, commit, now, seeded,
};

pub(super) async fn records_read_back_unchanged(store: &dyn BranchStore, fx: &dyn BranchFixtures) {
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

pub(super) async fn other_tenants_rows_are_invisible(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
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

pub(super) async fn deleted_branches_are_invisible(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
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

pub(super) async fn listing_orders_searches_and_pages(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
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

pub(super) async fn users_with_default_branch_are_counted(
    store: &dyn BranchStore,
    fx: &dyn BranchFixtures,
) {
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
