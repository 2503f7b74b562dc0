//! Checks of `commit`: atomicity, compare-and-set changes, unique rules.
#![allow(clippy::expect_used)]

use super::{
    assert_conflict, assert_stale, now, one_time_token, seed_tenant, session_and_token, tenant,
    tenant_user,
};
use crate::model::{TokenPurpose, UserKind};
use crate::ports::{Change, IdentityStore};
use harmony_kernel::{StoreError, TenantRole};
use time::Duration;
use uuid::Uuid;

pub(super) async fn commit_is_all_or_nothing(store: &dyn IdentityStore) {
    let (_, _, owner) = seed_tenant(store).await;
    let at = now();
    let t = tenant(at);
    let member = tenant_user(t.id, TenantRole::Member, at);
    let stale = Change::UpdateUser {
        user: owner.clone(),
        expected_version: owner.version + 7,
    };
    let r = store
        .commit(&[
            Change::InsertTenant(t.clone()),
            stale,
            Change::InsertUser(member.clone()),
        ])
        .await;
    assert_stale(&r, "a stale update in the middle");
    assert_eq!(
        store.tenant(t.id).await.expect("tenant"),
        None,
        "earlier change rolled back"
    );
    assert_eq!(
        store.user(member.id).await.expect("user"),
        None,
        "later change not applied"
    );

    let mut dup = tenant_user(t.id, TenantRole::Member, at);
    dup.email = owner.email.clone();
    let r = store
        .commit(&[Change::InsertTenant(t.clone()), Change::InsertUser(dup)])
        .await;
    assert_conflict(&r, "a duplicate e-mail after an insert");
    assert_eq!(
        store.tenant(t.id).await.expect("tenant"),
        None,
        "insert rolled back"
    );
}

pub(super) async fn update_user_checks_the_version(store: &dyn IdentityStore) {
    let (_, _, owner) = seed_tenant(store).await;
    let mut changed = owner.clone();
    changed.first_name = Some("Renamed".to_owned());
    changed.updated_at = Some(now());
    changed.version = owner.version + 1;
    let update = Change::UpdateUser {
        user: changed.clone(),
        expected_version: owner.version,
    };
    store
        .commit(std::slice::from_ref(&update))
        .await
        .expect("first update");
    assert_eq!(
        store.user(owner.id).await.expect("user"),
        Some(changed.clone())
    );
    assert_stale(
        &store.commit(&[update]).await,
        "an update based on an old version",
    );
    assert_eq!(
        store.user(owner.id).await.expect("user"),
        Some(changed),
        "nothing changed"
    );
}

pub(super) async fn one_time_token_is_consumed_once(store: &dyn IdentityStore) {
    let (_, _, owner) = seed_tenant(store).await;
    let at = now();
    let token = one_time_token(owner.id, TokenPurpose::PasswordReset, at);
    let other = one_time_token(owner.id, TokenPurpose::PasswordReset, at);
    let invite = one_time_token(owner.id, TokenPurpose::Invitation, at);
    let inserts = [&token, &other, &invite].map(|t| Change::InsertOneTimeToken(t.clone()));
    store.commit(&inserts).await.expect("insert tokens");
    let found = store
        .one_time_token(TokenPurpose::PasswordReset, &token.token_digest)
        .await;
    assert_eq!(found.expect("lookup"), Some(token.clone()));
    let wrong = store
        .one_time_token(TokenPurpose::Invitation, &token.token_digest)
        .await;
    assert_eq!(wrong.expect("lookup"), None, "the purpose must match");

    let consume = Change::ConsumeOneTimeToken { id: token.id, at };
    store
        .commit(std::slice::from_ref(&consume))
        .await
        .expect("first use");
    assert_stale(&store.commit(&[consume]).await, "a second use");
    let used = store
        .one_time_token(TokenPurpose::PasswordReset, &token.token_digest)
        .await;
    assert_eq!(used.expect("lookup").and_then(|t| t.used_at), Some(at));

    let retire = Change::RetireOneTimeTokens {
        user_id: owner.id,
        purpose: TokenPurpose::PasswordReset,
        at: at + Duration::seconds(1),
    };
    store.commit(&[retire]).await.expect("retire");
    let other = store
        .one_time_token(TokenPurpose::PasswordReset, &other.token_digest)
        .await;
    assert!(
        other.expect("lookup").and_then(|t| t.used_at).is_some(),
        "retired"
    );
    let invite = store
        .one_time_token(TokenPurpose::Invitation, &invite.token_digest)
        .await;
    assert_eq!(
        invite.expect("lookup").and_then(|t| t.used_at),
        None,
        "other purposes stay"
    );
}

pub(super) async fn refresh_token_is_rotated_once(store: &dyn IdentityStore) {
    let (_, _, owner) = seed_tenant(store).await;
    let at = now();
    let (session, token) = session_and_token(owner.id, at);
    store
        .commit(&[
            Change::InsertSession(session.clone()),
            Change::InsertRefreshToken(token.clone()),
        ])
        .await
        .expect("insert session");
    assert_eq!(
        store.session(session.id).await.expect("session"),
        Some(session)
    );
    assert_eq!(
        store.refresh_token(token.id).await.expect("token"),
        Some(token.clone())
    );
    let successor_id = Uuid::new_v4();
    let rotate = Change::RotateRefreshToken {
        id: token.id,
        at,
        successor_id,
    };
    store
        .commit(std::slice::from_ref(&rotate))
        .await
        .expect("first rotation");
    let lost = Change::RotateRefreshToken {
        id: token.id,
        at,
        successor_id: Uuid::new_v4(),
    };
    assert_stale(&store.commit(&[lost]).await, "a second rotation");
    let stored = store
        .refresh_token(token.id)
        .await
        .expect("token")
        .expect("present");
    assert_eq!(
        (stored.rotated_at, stored.successor_id),
        (Some(at), Some(successor_id))
    );
}

pub(super) async fn live_email_is_unique_but_deleted_frees_it(store: &dyn IdentityStore) {
    let (t, _, owner) = seed_tenant(store).await;
    let at = now();
    let mut member = tenant_user(t.id, TenantRole::Member, at);
    store
        .commit(&[Change::InsertUser(member.clone())])
        .await
        .expect("insert member");
    let mut twin = tenant_user(t.id, TenantRole::Member, at);
    twin.email = member.email.clone();
    assert_conflict(
        &store.commit(&[Change::InsertUser(twin.clone())]).await,
        "a live twin",
    );
    let (t2, _, _) = seed_tenant(store).await;
    let mut other_tenant = tenant_user(t2.id, TenantRole::Member, at);
    other_tenant.email = member.email.clone();
    let r = store.commit(&[Change::InsertUser(other_tenant)]).await;
    assert_conflict(&r, "e-mails are unique across tenants");

    let expected_version = member.version;
    member.is_active = false;
    member.deleted_at = Some(at);
    member.deleted_by = Some(owner.id);
    member.version += 1;
    let delete = Change::UpdateUser {
        user: member.clone(),
        expected_version,
    };
    store.commit(&[delete]).await.expect("soft delete");
    store
        .commit(&[Change::InsertUser(twin.clone())])
        .await
        .expect("reuse a deleted e-mail");
    assert_eq!(
        store.user_by_email(&twin.email).await.expect("by e-mail"),
        Some(twin)
    );
    assert_eq!(
        store.user(member.id).await.expect("deleted user"),
        Some(member)
    );
}

pub(super) async fn one_active_owner_per_tenant(store: &dyn IdentityStore) {
    let (t, _, mut owner) = seed_tenant(store).await;
    let at = now();
    let second = tenant_user(t.id, TenantRole::Owner, at);
    assert_conflict(
        &store.commit(&[Change::InsertUser(second)]).await,
        "a second active owner",
    );
    let mut heir = tenant_user(t.id, TenantRole::Member, at);
    store
        .commit(&[Change::InsertUser(heir.clone())])
        .await
        .expect("insert heir");

    let (owner_version, heir_version) = (owner.version, heir.version);
    owner.kind = UserKind::Tenant {
        tenant_id: t.id,
        role: TenantRole::Admin,
    };
    owner.version += 1;
    heir.kind = UserKind::Tenant {
        tenant_id: t.id,
        role: TenantRole::Owner,
    };
    heir.version += 1;
    let promote = Change::UpdateUser {
        user: heir.clone(),
        expected_version: heir_version,
    };
    let demote = Change::UpdateUser {
        user: owner.clone(),
        expected_version: owner_version,
    };
    store
        .commit(&[demote, promote])
        .await
        .expect("transfer: demote, then promote");
    assert_eq!(
        store
            .user(heir.id)
            .await
            .expect("heir")
            .map(|u| u.tenant_role()),
        Some(Some(TenantRole::Owner))
    );
}

pub(super) async fn subdomain_is_unique(store: &dyn IdentityStore) {
    let (t, _, _) = seed_tenant(store).await;
    let mut twin = tenant(now());
    twin.subdomain = t.subdomain.clone();
    assert_conflict(
        &store.commit(&[Change::InsertTenant(twin)]).await,
        "a taken subdomain",
    );
}

/// MUST: a seat is refused once the active users reach the limit, and the
/// refused commit writes nothing; an unlimited tenant always has a seat.
pub(super) async fn user_seats_respect_the_limit(store: &dyn IdentityStore) {
    let (t, _, owner) = super::seed_tenant(store).await;
    let at = super::now();
    let scope = super::scope(t.id, owner.id);
    let seat = |n: i64| Change::ReserveUserSeat {
        tenant_id: t.id,
        limit: harmony_tenancy::Limit::new(n),
    };
    let second = super::tenant_user(t.id, TenantRole::Member, at);
    store
        .commit(&[seat(2), Change::InsertUser(second.clone())])
        .await
        .expect("one active user, limit 2: a seat is free");
    let third = super::tenant_user(t.id, TenantRole::Member, at);
    let refused = store
        .commit(&[seat(2), Change::InsertUser(third.clone())])
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(what)) if what.contains("user_limit")),
        "limit reached must be refused: {refused:?}"
    );
    assert!(
        store.user(third.id).await.expect("read").is_none(),
        "a refused seat writes nothing"
    );
    assert_eq!(store.count_active_users(&scope).await.expect("count"), 2);
    store
        .commit(&[seat(-1), Change::InsertUser(third.clone())])
        .await
        .expect("unlimited tenants always have a seat");
}

/// MUST: `DeleteTenant` removes the tenant, its branches, users, sessions
/// and tokens, and leaves other tenants alone; a missing tenant is stale.
pub(super) async fn delete_tenant_removes_everything_of_it(store: &dyn IdentityStore) {
    let (t, hq, owner) = seed_tenant(store).await;
    let (other, other_hq, other_owner) = seed_tenant(store).await;
    let at = now();
    let member = tenant_user(t.id, TenantRole::Member, at);
    let (session, token) = session_and_token(member.id, at);
    let ott = one_time_token(owner.id, TokenPurpose::PasswordReset, at);
    store
        .commit(&[
            Change::InsertUser(member.clone()),
            Change::InsertSession(session.clone()),
            Change::InsertRefreshToken(token.clone()),
            Change::InsertOneTimeToken(ott.clone()),
        ])
        .await
        .expect("seed member, session and tokens");
    let delete = Change::DeleteTenant { tenant_id: t.id };
    store
        .commit(std::slice::from_ref(&delete))
        .await
        .expect("delete tenant");
    assert_eq!(store.tenant(t.id).await.expect("tenant"), None);
    assert_eq!(store.user(owner.id).await.expect("owner"), None);
    assert_eq!(store.user(member.id).await.expect("member"), None);
    assert_eq!(store.session(session.id).await.expect("session"), None);
    assert_eq!(store.refresh_token(token.id).await.expect("token"), None);
    let found = store
        .one_time_token(TokenPurpose::PasswordReset, &ott.token_digest)
        .await
        .expect("one-time token");
    assert_eq!(found, None);
    assert_eq!(
        store.user_by_email(&owner.email).await.expect("by e-mail"),
        None
    );
    assert_eq!(
        store.tenant_by_subdomain(&t.subdomain).await.expect("sub"),
        None
    );
    let hq_scope = super::scope(t.id, owner.id);
    assert_eq!(
        store.tenant_branch(&hq_scope, hq.id).await.expect("branch"),
        None
    );
    assert_stale(&store.commit(&[delete]).await, "deleting a missing tenant");

    let other_scope = super::scope(other.id, other_owner.id);
    assert_eq!(store.tenant(other.id).await.expect("other"), Some(other));
    assert_eq!(
        store.user(other_owner.id).await.expect("other owner"),
        Some(other_owner)
    );
    assert_eq!(
        store
            .tenant_branch(&other_scope, other_hq.id)
            .await
            .expect("other branch"),
        Some(other_hq)
    );
}
