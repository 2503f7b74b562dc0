//! `TenancyService`'s branch use cases: rules, refusals and what is stored.

use harmony_adapters_memory::InMemoryStore;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_kernel::{
    BranchId, PageRequest, Principal, StoreError, SystemClock, SystemRole, TenantRole, UserId,
};
use harmony_tenancy::ports::{BranchStore, MockBranchStore};
use harmony_tenancy::testing::{now, tenant};
use harmony_tenancy::{Branch, BranchUpdate, NewBranch, TenancyError, TenancyService};
use std::sync::Arc;

struct Fixture {
    store: Arc<InMemoryStore>,
    svc: TenancyService,
    owner: Principal,
    hq: Branch,
}

async fn fixture(max_branches: i64) -> Fixture {
    let store = Arc::new(InMemoryStore::new());
    let t = tenant(max_branches, now());
    let hq = Branch::headquarters(t.id, now());
    store
        .commit(&[
            Change::InsertTenant(t.clone()),
            Change::InsertBranch(hq.clone()),
        ])
        .await
        .unwrap();
    let owner = Principal::verified_tenant_user(UserId::new(), None, t.id, TenantRole::Owner);
    let svc = TenancyService::new(store.clone(), Arc::new(SystemClock));
    Fixture {
        store,
        svc,
        owner,
        hq,
    }
}

fn new_branch(code: &str) -> NewBranch {
    NewBranch {
        name: format!("Branch {code}"),
        code: code.to_owned(),
        is_hq: false,
        address: None,
        city: None,
        province: None,
        postal_code: None,
        country: "Indonesia".to_owned(),
        phone: None,
        email: None,
        latitude: None,
        longitude: None,
        timezone: "Asia/Jakarta".to_owned(),
        currency: "IDR".to_owned(),
    }
}

#[tokio::test]
async fn create_respects_the_limit_and_codes() {
    let f = fixture(2).await;
    let b = f
        .svc
        .create_branch(&f.owner, new_branch("B"))
        .await
        .unwrap();
    assert_eq!(b.version, 0);
    let err = f
        .svc
        .create_branch(&f.owner, new_branch("C"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TenancyError::BranchLimitReached(2)),
        "{err:?}"
    );
    let f = fixture(-1).await;
    let err = f
        .svc
        .create_branch(&f.owner, new_branch("HQ"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Branch with code 'HQ' already exists");
}

#[tokio::test]
async fn set_hq_and_is_hq_demote_the_previous_headquarters() {
    let f = fixture(-1).await;
    let b = f
        .svc
        .create_branch(
            &f.owner,
            NewBranch {
                is_hq: true,
                ..new_branch("B")
            },
        )
        .await
        .unwrap();
    let old = f.svc.get_branch(&f.owner, f.hq.id).await.unwrap();
    assert!(b.is_hq && !old.is_hq);
    let back = f.svc.set_headquarters(&f.owner, f.hq.id).await.unwrap();
    assert!(back.is_hq);
    assert!(!f.svc.get_branch(&f.owner, b.id).await.unwrap().is_hq);
    let err = f
        .svc
        .update_branch(
            &f.owner,
            f.hq.id,
            BranchUpdate {
                is_hq: Some(false),
                ..BranchUpdate::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, TenancyError::HeadquartersRequired), "{err:?}");
}

#[tokio::test]
async fn deleted_branches_are_not_found() {
    let f = fixture(-1).await;
    let b = f
        .svc
        .create_branch(&f.owner, new_branch("B"))
        .await
        .unwrap();
    f.svc.delete_branch(&f.owner, b.id).await.unwrap();
    for r in [
        f.svc.get_branch(&f.owner, b.id).await.err(),
        f.svc.delete_branch(&f.owner, b.id).await.err(),
        f.svc.set_headquarters(&f.owner, b.id).await.err(),
    ] {
        assert!(matches!(r, Some(TenancyError::BranchNotFound)), "{r:?}");
    }
    let page = f
        .svc
        .list_branches(&f.owner, None, PageRequest { skip: 0, limit: 20 })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        f.store
            .count_active_branches(&f.owner.tenant_scope().unwrap())
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn members_and_system_users_are_refused_writes() {
    let f = fixture(-1).await;
    let tenant_id = f.hq.tenant_id;
    let member =
        Principal::verified_tenant_user(UserId::new(), None, tenant_id, TenantRole::Member);
    f.svc.get_branch(&member, f.hq.id).await.unwrap();
    let err = f.svc.delete_branch(&member, f.hq.id).await.unwrap_err();
    assert_eq!(err.to_string(), "Admin access required for this operation");
    let root = Principal::verified_system_user(UserId::new(), None, SystemRole::Admin);
    let err = f
        .svc
        .create_branch(&root, new_branch("X"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tenant access required. System users should use admin endpoints."
    );
}

#[tokio::test]
async fn a_lost_race_is_a_conflict() {
    let f = fixture(-1).await;
    let scope = f.owner.tenant_scope().unwrap();
    let tenant_row = BranchStore::tenant(f.store.as_ref(), &scope).await.unwrap();
    let hq = f.hq.clone();
    let mut mock = MockBranchStore::new();
    mock.expect_tenant()
        .returning(move |_| Ok(tenant_row.clone()));
    mock.expect_branch()
        .returning(move |_, _| Ok(Some(hq.clone())));
    mock.expect_commit_branches()
        .times(1)
        .returning(|_| Err(StoreError::StaleVersion));
    let svc = TenancyService::new(Arc::new(mock), Arc::new(SystemClock));
    let update = BranchUpdate {
        name: Some("New".to_owned()),
        ..BranchUpdate::default()
    };
    let err = svc
        .update_branch(&f.owner, BranchId::new(), update)
        .await
        .unwrap_err();
    assert!(matches!(err, TenancyError::Conflict), "{err:?}");
}
