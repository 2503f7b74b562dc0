//! The executable contract of [`IdentityStore`]: every implementation must pass
//! [`identity_store_contract`]. Also fixture builders other tests may reuse.
//!
//! Every fixture uses fresh e-mails, subdomains and ids, and every assertion
//! looks only at the suite's own rows, so the suite can run repeatedly
//! against the same database. Timestamps are whole microseconds, the
//! precision of PostgreSQL, so records read back equal.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

mod reads;
mod writes;

use crate::model::{
    Email, OneTimeToken, PasswordHash, RefreshToken, Session, TokenPurpose, User, UserKind,
};
use crate::ports::{Change, IdentityStore};
use harmony_kernel::{
    Principal, SessionId, StoreError, SystemRole, TenantId, TenantRole, TenantScope, UserId,
};
use harmony_tenancy::{Branch, Tenant};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Runs every check of the [`IdentityStore`] contract against `store`, which
/// must be migrated and may already hold data.
pub async fn identity_store_contract(store: &dyn IdentityStore) {
    reads::records_read_back_unchanged(store).await;
    writes::commit_is_all_or_nothing(store).await;
    writes::update_user_checks_the_version(store).await;
    writes::one_time_token_is_consumed_once(store).await;
    writes::refresh_token_is_rotated_once(store).await;
    writes::live_email_is_unique_but_deleted_frees_it(store).await;
    writes::one_active_owner_per_tenant(store).await;
    writes::subdomain_is_unique(store).await;
    writes::user_seats_respect_the_limit(store).await;
    writes::delete_tenant_removes_everything_of_it(store).await;
    reads::other_tenants_rows_are_invisible(store).await;
    reads::sessions_are_revoked(store).await;
    reads::listing_pages_newest_first(store).await;
    reads::listing_searches_and_filters(store).await;
}

/// The current time in whole microseconds.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .expect("valid nanosecond")
}

fn unique() -> String {
    Uuid::new_v4().simple().to_string()
}

/// A fresh, unique e-mail address.
pub fn unique_email() -> Email {
    Email::parse(&format!("user-{}@example.com", unique())).expect("valid e-mail")
}

/// A registered tenant with a fresh, unique subdomain.
pub fn tenant(now: OffsetDateTime) -> Tenant {
    let sub = format!("t-{}", &unique()[..16]);
    Tenant::for_registration(format!("Tenant {sub}"), sub, now)
}

/// A branch of `tenant_id` with the given code.
pub fn branch(tenant_id: TenantId, code: &str, now: OffsetDateTime) -> Branch {
    Branch {
        name: format!("Branch {code}"),
        code: code.to_owned(),
        is_hq: false,
        ..Branch::headquarters(tenant_id, now)
    }
}

/// An active, verified tenant user with a fresh e-mail.
pub fn tenant_user(tenant_id: TenantId, role: TenantRole, now: OffsetDateTime) -> User {
    user(UserKind::Tenant { tenant_id, role }, now)
}

/// An active, verified system user with a fresh e-mail.
pub fn system_user(role: SystemRole, now: OffsetDateTime) -> User {
    user(UserKind::System(role), now)
}

fn user(kind: UserKind, now: OffsetDateTime) -> User {
    User {
        id: UserId::new(),
        kind,
        email: unique_email(),
        password_hash: PasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        first_name: Some("Test".to_owned()),
        last_name: Some("User".to_owned()),
        full_name: Some("Test User".to_owned()),
        phone: None,
        avatar_url: None,
        business_role: None,
        default_branch_id: None,
        is_active: true,
        is_verified: true,
        email_verified_at: Some(now),
        last_login_at: None,
        invited_by: None,
        invitation_pending: false,
        created_at: now,
        updated_at: None,
        deleted_at: None,
        deleted_by: None,
        version: 0,
    }
}

/// The scope of `user_id` acting in `tenant_id`.
pub fn scope(tenant_id: TenantId, user_id: UserId) -> TenantScope {
    Principal::verified_tenant_user(user_id, None, tenant_id, TenantRole::Owner)
        .tenant_scope()
        .expect("tenant users have a tenant scope")
}

/// A committed tenant with its head office and active owner.
pub async fn seed_tenant(store: &dyn IdentityStore) -> (Tenant, Branch, User) {
    let at = now();
    let t = tenant(at);
    let hq = Branch::headquarters(t.id, at);
    let mut owner = tenant_user(t.id, TenantRole::Owner, at);
    owner.default_branch_id = Some(hq.id);
    store
        .commit(&[
            Change::InsertTenant(t.clone()),
            Change::InsertBranch(hq.clone()),
            Change::InsertUser(owner.clone()),
        ])
        .await
        .expect("seed tenant");
    (t, hq, owner)
}

pub(crate) fn one_time_token(
    user_id: UserId,
    purpose: TokenPurpose,
    at: OffsetDateTime,
) -> OneTimeToken {
    OneTimeToken {
        id: Uuid::new_v4(),
        user_id,
        purpose,
        token_digest: unique(),
        expires_at: at + Duration::hours(1),
        used_at: None,
        created_at: at,
    }
}

pub(crate) fn session_and_token(user_id: UserId, at: OffsetDateTime) -> (Session, RefreshToken) {
    let session = Session {
        id: SessionId::new(),
        user_id,
        created_at: at,
        revoked_at: None,
        impersonator_id: None,
    };
    let token = RefreshToken {
        id: Uuid::new_v4(),
        session_id: session.id,
        user_id,
        token_digest: unique(),
        access_jti: Uuid::new_v4(),
        issued_at: at,
        expires_at: at + Duration::days(7),
        rotated_at: None,
        successor_id: None,
    };
    (session, token)
}

pub(crate) fn assert_conflict(r: &Result<(), StoreError>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::Conflict(_))),
        "{what}: expected Conflict, got {r:?}"
    );
}

pub(crate) fn assert_stale(r: &Result<(), StoreError>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::StaleVersion)),
        "{what}: expected StaleVersion, got {r:?}"
    );
}
