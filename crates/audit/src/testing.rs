//! The executable contract of [`AuditStore`]: every implementation must pass
//! [`audit_store_contract`]. It needs a fresh, empty store (it ends by
//! clearing it); entries use fresh tenants and times in the past.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

use crate::chain::{GENESIS_HASH, MAX_USER_AGENT_CHARS, normalise, verify_chain};
use crate::model::{AuditFilter, TenantFilter};
use crate::ports::AuditStore;
use harmony_kernel::{AuditEntry, AuditStatus, Origin, PageRequest, TenantId, UserId};
use time::{Duration, OffsetDateTime, macros::datetime};

/// An instant with sub-microsecond digits, to test normalisation.
pub fn base_time() -> OffsetDateTime {
    datetime!(2024-03-01 12:00:00.123456789 UTC)
}

/// An entry of `tenant` at `at`.
pub fn entry(tenant: Option<TenantId>, action: &str, at: OffsetDateTime) -> AuditEntry {
    let origin = Origin {
        ip: Some("192.168.10.20".into()),
        user_agent: Some("Mozilla/5.0 Test".into()),
        request_id: Some(uuid::Uuid::new_v4().to_string()),
    };
    AuditEntry::anonymous(&origin, action, "user", at)
        .tenant(tenant)
        .user(Some(UserId::new()))
        .resource_id(uuid::Uuid::new_v4())
        .detail("email", "someone@example.com")
        .detail(
            "nested",
            serde_json::json!({"b": [1, 2.5, null], "a": true}),
        )
}

const ALL: PageRequest = PageRequest {
    skip: 0,
    limit: 1000,
};

/// Runs every check of the contract against an empty store.
pub async fn audit_store_contract(store: &dyn AuditStore) {
    chains_round_trip_and_verify(store).await;
    tenants_are_isolated(store).await;
    listing_filters_orders_and_pages(store).await;
    statistics_and_distinct_values(store).await;
    archiving_selects_and_deletes_exactly(store).await;
    clearing_keeps_the_chain_heads(store).await;
}

async fn chains_round_trip_and_verify(store: &dyn AuditStore) {
    let t = TenantId::new();
    let mut long_ua = entry(Some(t), "user.created", base_time());
    long_ua.origin.user_agent = Some("x".repeat(MAX_USER_AGENT_CHARS + 100));
    long_ua.impersonator_id = Some(UserId::new());
    let second = entry(Some(t), "user.updated", base_time() + Duration::seconds(1)).failed();
    let platform = entry(None, "system.settings_updated", base_time());
    store
        .append(&[long_ua.clone(), platform.clone()])
        .await
        .expect("append");
    store
        .append(std::slice::from_ref(&second))
        .await
        .expect("append");
    let chain = store.chain(Some(t)).await.expect("chain");
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0].entry, normalise(&long_ua), "stored normalised");
    assert_eq!(chain[1].entry, normalise(&second));
    assert_eq!((chain[0].seq, chain[1].seq), (1, 2));
    assert_eq!(chain[0].prev_hash, GENESIS_HASH);
    assert_eq!(chain[1].prev_hash, chain[0].hash);
    assert!(
        verify_chain(&chain).is_valid(),
        "{:?}",
        verify_chain(&chain)
    );
    let got = store
        .get(TenantFilter::One(t), second.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(got, chain[1]);
    let platform_chain = store.chain(None).await.expect("platform chain");
    assert!(platform_chain.iter().any(|r| r.entry.id == platform.id));
    assert!(verify_chain(&platform_chain).is_valid());
}

async fn tenants_are_isolated(store: &dyn AuditStore) {
    let (a, b) = (TenantId::new(), TenantId::new());
    let ea = entry(Some(a), "branch.created", base_time());
    let eb = entry(Some(b), "branch.deleted", base_time());
    store
        .append(&[ea.clone(), eb.clone()])
        .await
        .expect("append");
    assert!(
        store
            .get(TenantFilter::One(b), ea.id)
            .await
            .expect("get")
            .is_none()
    );
    assert!(
        store
            .get(TenantFilter::All, ea.id)
            .await
            .expect("get")
            .is_some()
    );
    let page = store
        .list(&AuditFilter::scoped(TenantFilter::One(b)), ALL)
        .await
        .expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].entry.id, eb.id);
    assert_eq!(
        store.actions(TenantFilter::One(b)).await.expect("actions"),
        vec!["branch.deleted".to_owned()]
    );
    assert_eq!(store.chain(Some(b)).await.expect("chain").len(), 1);
}

async fn listing_filters_orders_and_pages(store: &dyn AuditStore) {
    let t = TenantId::new();
    let t0 = base_time();
    let mut es: Vec<AuditEntry> = (0..5)
        .map(|i| entry(Some(t), "auth.login", t0 + Duration::milliseconds(10 * i)))
        .collect();
    es[1].action = "auth.logout".into();
    es[1].resource = "session".into();
    es[2].status = AuditStatus::Failure;
    es[3].origin.ip = Some("10.9.8.7".into());
    es[4].origin.request_id = Some("ReQ-Special-42".into());
    store.append(&es).await.expect("append");
    let scoped = AuditFilter::scoped(TenantFilter::One(t));
    let all = store.list(&scoped, ALL).await.expect("list");
    let ids: Vec<_> = all.items.iter().map(|r| r.entry.id).collect();
    let expected: Vec<_> = es.iter().rev().map(|e| e.id).collect();
    assert_eq!(ids, expected, "newest first");
    assert_eq!(all.total, 5);
    let page = store
        .list(&scoped, PageRequest { skip: 1, limit: 2 })
        .await
        .expect("page");
    assert_eq!((page.total, page.items.len()), (5, 2));
    assert_eq!(page.items[0].entry.id, es[3].id);
    let only = |f: AuditFilter| async move {
        let p = store.list(&f, ALL).await.expect("list");
        p.items.iter().map(|r| r.entry.id).collect::<Vec<_>>()
    };
    let f = |mut g: AuditFilter, edit: &dyn Fn(&mut AuditFilter)| {
        edit(&mut g);
        g
    };
    let logout = f(scoped.clone(), &|g| g.action = Some("auth.logout".into()));
    assert_eq!(only(logout).await, vec![es[1].id]);
    let session = f(scoped.clone(), &|g| g.resource = Some("session".into()));
    assert_eq!(only(session).await, vec![es[1].id]);
    let failed = f(scoped.clone(), &|g| g.status = Some(AuditStatus::Failure));
    assert_eq!(only(failed).await, vec![es[2].id]);
    let user = es[0].user_id;
    let by_user = f(scoped.clone(), &|g| g.user_id = user);
    assert_eq!(only(by_user).await, vec![es[0].id]);
    let ip = f(scoped.clone(), &|g| g.search = Some("10.9.8".into()));
    assert_eq!(only(ip).await, vec![es[3].id]);
    let req = f(scoped.clone(), &|g| g.search = Some("req-special".into()));
    assert_eq!(only(req).await, vec![es[4].id]);
    let (from, to) = (normalise(&es[1]).at, normalise(&es[3]).at);
    let window = f(scoped.clone(), &|g| {
        g.start = Some(from);
        g.end = Some(to);
    });
    assert_eq!(only(window).await, vec![es[3].id, es[2].id, es[1].id]);
}

async fn statistics_and_distinct_values(store: &dyn AuditStore) {
    let t = TenantId::new();
    let now = datetime!(2024-06-01 12:00 UTC);
    let recent = now - Duration::hours(1);
    let mut es = vec![
        entry(Some(t), "auth.login", recent),
        entry(Some(t), "auth.login", recent),
        entry(Some(t), "auth.login", now - Duration::hours(30)),
        entry(Some(t), "auth.login_failed", recent).failed(),
        entry(Some(t), "user.created", recent),
    ];
    es[4].resource = "account".into();
    es[1].user_id = es[0].user_id;
    es[2].user_id = None;
    store.append(&es).await.expect("append");
    let s = store
        .statistics(TenantFilter::One(t), now)
        .await
        .expect("statistics");
    assert_eq!(s.total_logs, 5);
    assert_eq!(s.total_users, 3, "distinct non-null users");
    assert_eq!(s.total_actions, 3);
    assert_eq!(s.successful_logins_24h, 2);
    assert_eq!(s.failed_logins_24h, 1);
    assert_eq!(s.actions_by_type[0], ("auth.login".to_owned(), 3));
    assert_eq!(s.actions_by_type.len(), 3);
    let mut by_status = s.actions_by_status.clone();
    by_status.sort();
    assert_eq!(
        by_status,
        vec![("failure".to_owned(), 1), ("success".to_owned(), 4)]
    );
    assert_eq!(
        store.actions(TenantFilter::One(t)).await.expect("actions"),
        vec!["auth.login", "auth.login_failed", "user.created"]
    );
    assert_eq!(
        store
            .resources(TenantFilter::One(t))
            .await
            .expect("resources"),
        vec!["account", "user"]
    );
    let everything = store.statistics(TenantFilter::All, now).await.expect("all");
    assert!(everything.total_logs > 5);
    assert!(everything.actions_by_type.len() <= 10);
}

async fn archiving_selects_and_deletes_exactly(store: &dyn AuditStore) {
    let t = TenantId::new();
    let old = datetime!(2001-01-01 0:00 UTC);
    let es: Vec<_> = (0..4)
        .map(|i| entry(Some(t), "branch.updated", old + Duration::days(i)))
        .collect();
    store.append(&es).await.expect("append");
    let cutoff = old + Duration::days(2);
    let selected = store
        .older_than(cutoff, TenantFilter::One(t))
        .await
        .expect("older_than");
    let ids: Vec<_> = selected.iter().map(|r| r.entry.id).collect();
    assert_eq!(
        ids,
        vec![es[0].id, es[1].id],
        "oldest first, before the cutoff"
    );
    let other = store
        .older_than(cutoff, TenantFilter::One(TenantId::new()))
        .await
        .expect("older_than");
    assert!(other.is_empty());
    assert_eq!(store.delete_ids(&ids).await.expect("delete"), 2);
    assert_eq!(store.delete_ids(&ids).await.expect("delete again"), 0);
    let rest = store.chain(Some(t)).await.expect("chain");
    assert_eq!(rest.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 4]);
    assert!(verify_chain(&rest).is_valid(), "the rest is anchored");
}

async fn clearing_keeps_the_chain_heads(store: &dyn AuditStore) {
    let t = TenantId::new();
    store
        .append(&[entry(Some(t), "user.deleted", base_time())])
        .await
        .expect("append");
    let deleted = store.delete_all().await.expect("delete_all");
    assert!(deleted >= 1);
    let empty = store
        .list(&AuditFilter::scoped(TenantFilter::All), ALL)
        .await
        .expect("list");
    assert_eq!(empty.total, 0);
    store
        .append(&[entry(Some(t), "user.created", base_time())])
        .await
        .expect("append");
    let chain = store.chain(Some(t)).await.expect("chain");
    assert_eq!(chain.len(), 1);
    assert_eq!(chain[0].seq, 2, "the chain continues after a clear");
    assert!(verify_chain(&chain).is_valid());
}
