//! Checks of the reads: round trips, tenant isolation, sessions, listings.
#![allow(clippy::expect_used)]

use super::{branch, now, scope, seed_tenant, session_and_token, system_user, tenant, tenant_user};
use crate::model::{Session, User, UserKind};
use crate::ports::{Change, IdentityStore, UserFilter};
use harmony_kernel::{BranchId, PageRequest, Principal, SystemRole, TenantRole, UserId};
use harmony_tenancy::{Branch, Tenant};
use time::Duration;

pub(super) async fn records_read_back_unchanged(store: &dyn IdentityStore) {
    let (t, hq, owner) = seed_tenant(store).await;
    let s = scope(t.id, owner.id);
    assert_eq!(store.tenant(t.id).await.expect("tenant"), Some(t.clone()));
    assert_eq!(
        store
            .tenant_by_subdomain(&t.subdomain)
            .await
            .expect("by subdomain"),
        Some(t)
    );
    assert_eq!(
        store.tenant_branch(&s, hq.id).await.expect("branch"),
        Some(hq)
    );
    assert_eq!(
        store.user(owner.id).await.expect("user"),
        Some(owner.clone())
    );
    assert_eq!(
        store.user_by_email(&owner.email).await.expect("by e-mail"),
        Some(owner.clone())
    );
    assert_eq!(
        store.tenant_user(&s, owner.id).await.expect("tenant user"),
        Some(owner)
    );
    assert_eq!(store.user(UserId::new()).await.expect("unknown user"), None);

    let admin = system_user(SystemRole::Admin, now());
    store
        .commit(&[Change::InsertUser(admin.clone())])
        .await
        .expect("insert admin");
    assert_eq!(store.user(admin.id).await.expect("admin"), Some(admin));
    assert!(store.system_admin_exists().await.expect("admin exists"));
}

pub(super) async fn other_tenants_rows_are_invisible(store: &dyn IdentityStore) {
    let (a, a_hq, a_owner) = seed_tenant(store).await;
    let b = tenant(now());
    store
        .commit(&[Change::InsertTenant(b.clone())])
        .await
        .expect("insert tenant b");
    let b_scope = scope(b.id, UserId::new());
    assert_eq!(
        store.tenant_user(&b_scope, a_owner.id).await.expect("user"),
        None
    );
    assert_eq!(
        store
            .tenant_branch(&b_scope, a_hq.id)
            .await
            .expect("branch"),
        None
    );
    let all = PageRequest {
        skip: 0,
        limit: 100,
    };
    let page = store
        .list_tenant_users(&b_scope, &UserFilter::default(), all)
        .await
        .expect("list");
    assert!(
        page.items.is_empty() && page.total == 0,
        "tenant b sees no users: {page:?}"
    );
    let forged = UserFilter {
        tenant_id: Some(a.id),
        ..UserFilter::default()
    };
    let page = store
        .list_tenant_users(&b_scope, &forged, all)
        .await
        .expect("list");
    assert_eq!(page.total, 0, "a tenant filter cannot widen the scope");
    assert_eq!(store.count_active_users(&b_scope).await.expect("count"), 0);
    let a_scope = scope(a.id, a_owner.id);
    assert_eq!(store.count_active_users(&a_scope).await.expect("count"), 1);
    assert_eq!(
        store
            .tenant_branch(&a_scope, BranchId::new())
            .await
            .expect("branch"),
        None
    );
}

pub(super) async fn sessions_are_revoked(store: &dyn IdentityStore) {
    let (_, _, owner) = seed_tenant(store).await;
    let at = now();
    let (one, _) = session_and_token(owner.id, at);
    let (two, _) = session_and_token(owner.id, at);
    let (three, _) = session_and_token(owner.id, at);
    let inserts = [&one, &two, &three].map(|s| Change::InsertSession(s.clone()));
    store.commit(&inserts).await.expect("insert sessions");
    let first = at + Duration::seconds(1);
    store
        .commit(&[Change::RevokeSession {
            id: one.id,
            at: first,
        }])
        .await
        .expect("revoke");
    let again = Change::RevokeSession {
        id: one.id,
        at: first + Duration::seconds(5),
    };
    store
        .commit(&[again])
        .await
        .expect("revoking twice is a no-op");
    let revoked_at = |s: Option<Session>| s.expect("session present").revoked_at;
    assert_eq!(
        revoked_at(store.session(one.id).await.expect("session")),
        Some(first)
    );
    assert_eq!(
        revoked_at(store.session(two.id).await.expect("session")),
        None
    );

    let all_at = first + Duration::seconds(10);
    store
        .commit(&[Change::RevokeUserSessions {
            user_id: owner.id,
            at: all_at,
        }])
        .await
        .expect("all");
    assert_eq!(
        revoked_at(store.session(one.id).await.expect("session")),
        Some(first)
    );
    assert_eq!(
        revoked_at(store.session(two.id).await.expect("session")),
        Some(all_at)
    );
    assert_eq!(
        revoked_at(store.session(three.id).await.expect("session")),
        Some(all_at)
    );
}

/// A tenant with an owner, four members (the last an admin) created one
/// second apart, an inactive member, and a second branch.
struct Listing {
    tenant: Tenant,
    owner: User,
    shop: Branch,
    members: Vec<User>,
}

impl Listing {
    fn ids(&self, idx: &[usize]) -> Vec<UserId> {
        idx.iter().map(|&i| self.members[i].id).collect()
    }
}

async fn seed_listing(store: &dyn IdentityStore) -> Listing {
    let (tenant, hq, owner) = seed_tenant(store).await;
    let at = now();
    let shop = branch(tenant.id, "SHOP", at);
    let names = ["Alice Smith", "Bob Stone", "Carol Smith", "Dave 100%"];
    let mut members = Vec::new();
    for (i, name) in (1_i64..).zip(names) {
        let mut u = tenant_user(tenant.id, TenantRole::Member, at + Duration::seconds(i));
        let (first, last) = name.split_once(' ').expect("two words");
        (u.first_name, u.last_name, u.full_name) =
            (Some(first.into()), Some(last.into()), Some(name.into()));
        u.default_branch_id = Some(if i % 2 == 1 { shop.id } else { hq.id });
        members.push(u);
    }
    members[3].kind = UserKind::Tenant {
        tenant_id: tenant.id,
        role: TenantRole::Admin,
    };
    let mut inactive = tenant_user(tenant.id, TenantRole::Member, at);
    inactive.is_active = false;
    inactive.full_name = Some("Alice Invited".to_owned());
    let mut changes = vec![
        Change::InsertBranch(shop.clone()),
        Change::InsertUser(inactive),
    ];
    changes.extend(members.iter().cloned().map(Change::InsertUser));
    store.commit(&changes).await.expect("insert members");
    Listing {
        tenant,
        owner,
        shop,
        members,
    }
}

async fn list(
    store: &dyn IdentityStore,
    l: &Listing,
    filter: UserFilter,
    skip: u64,
    limit: u64,
) -> (Vec<UserId>, u64) {
    let s = scope(l.tenant.id, l.owner.id);
    let page = store
        .list_tenant_users(&s, &filter, PageRequest { skip, limit })
        .await;
    let page = page.expect("list");
    (page.items.iter().map(|l| l.user.id).collect(), page.total)
}

fn search(q: &str) -> UserFilter {
    UserFilter {
        search: Some(q.to_owned()),
        ..UserFilter::default()
    }
}

pub(super) async fn listing_pages_newest_first(store: &dyn IdentityStore) {
    let l = seed_listing(store).await;
    let s = scope(l.tenant.id, l.owner.id);
    let page = store
        .list_tenant_users(
            &s,
            &UserFilter::default(),
            PageRequest {
                skip: 0,
                limit: 100,
            },
        )
        .await
        .expect("list");
    assert_eq!(
        page.total, 5,
        "owner and four members; inactive users are not listed"
    );
    let all: Vec<UserId> = page.items.iter().map(|i| i.user.id).collect();
    assert_eq!(
        all,
        [l.ids(&[3, 2, 1, 0]), vec![l.owner.id]].concat(),
        "newest first"
    );
    assert_eq!(page.items[1].branch_code.as_deref(), Some("SHOP"));
    assert_eq!(
        page.items[1].branch_name.as_deref(),
        Some(l.shop.name.as_str())
    );
    assert_eq!(
        page.items[1].tenant_name, None,
        "tenant names are for the admin list"
    );
    assert_eq!(store.count_active_users(&s).await.expect("count"), 5);
    let page = list(store, &l, UserFilter::default(), 1, 2).await;
    assert_eq!(page, (l.ids(&[2, 1]), 5), "skip and limit, total of all");
}

pub(super) async fn listing_searches_and_filters(store: &dyn IdentityStore) {
    let l = seed_listing(store).await;
    let found = |f| list(store, &l, f, 0, 100);
    assert_eq!(
        found(search("SMITH")).await.0,
        l.ids(&[2, 0]),
        "case-insensitive"
    );
    assert_eq!(
        found(search("alic")).await.0,
        l.ids(&[0]),
        "first names, active only"
    );
    assert_eq!(
        found(search("100%")).await.0,
        l.ids(&[3]),
        "wildcards are literal"
    );
    assert_eq!(found(search("_")).await.1, 0, "wildcards are literal");
    let email = l.members[1].email.as_str().to_uppercase();
    assert_eq!(found(search(&email)).await.0, l.ids(&[1]), "e-mail");
    let role = UserFilter {
        tenant_role: Some(TenantRole::Admin),
        ..UserFilter::default()
    };
    assert_eq!(found(role).await.0, l.ids(&[3]));
    let in_shop = UserFilter {
        branch_id: Some(l.shop.id),
        ..UserFilter::default()
    };
    assert_eq!(found(in_shop).await.0, l.ids(&[2, 0]));

    let operator = Principal::verified_system_user(UserId::new(), None, SystemRole::Admin);
    let op = operator.operator_scope().expect("operator scope");
    let only_t = UserFilter {
        tenant_id: Some(l.tenant.id),
        ..search("smith")
    };
    let page = store
        .list_all_users(&op, &only_t, PageRequest { skip: 0, limit: 10 })
        .await
        .expect("admin list");
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].user.id, l.members[2].id);
    assert_eq!(
        page.items[0].tenant_subdomain.as_deref(),
        Some(l.tenant.subdomain.as_str())
    );
    assert_eq!(
        page.items[0].tenant_name.as_deref(),
        Some(l.tenant.name.as_str())
    );
}
