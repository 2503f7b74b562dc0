use crate::fakes::{Harness, PASSWORD, email, secret};
use harmony_identity::IdentityError;
use harmony_identity::model::PasswordHash;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_kernel::Origin;
use std::sync::atomic::Ordering;
use time::Duration;

#[tokio::test]
async fn wrong_password_unknown_account_and_unknown_tenant_answer_the_same() {
    let h = Harness::new();
    let (tenant, ..) = h.register("ada@example.com").await;
    let e = email("ada@example.com");
    let wrong = h
        .svc
        .login(&e, &secret("Wrong1234"), None, &Origin::default())
        .await
        .unwrap_err();
    let unknown = h
        .svc
        .login(
            &email("nobody@example.com"),
            &secret(PASSWORD),
            None,
            &Origin::default(),
        )
        .await
        .unwrap_err();
    let bad_tenant = h
        .svc
        .login(&e, &secret(PASSWORD), Some("nope"), &Origin::default())
        .await
        .unwrap_err();
    for err in [&wrong, &unknown, &bad_tenant] {
        assert!(matches!(err, IdentityError::InvalidCredentials), "{err:?}");
        assert_eq!(err.to_string(), "Incorrect email or password");
    }
    assert_eq!(h.hasher.dummy_calls.load(Ordering::SeqCst), 2);
    let (user, t, _) = h
        .svc
        .login(
            &e,
            &secret(PASSWORD),
            Some(&tenant.subdomain),
            &Origin::default(),
        )
        .await
        .unwrap();
    assert_eq!(t.unwrap().id, tenant.id);
    assert_eq!(user.last_login_at, Some(h.clock_now()));
}

impl Harness {
    fn clock_now(&self) -> time::OffsetDateTime {
        use harmony_kernel::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn login_is_refused_for_an_inactive_tenant() {
    let h = Harness::new();
    let (tenant, ..) = h.register("ada@example.com").await;
    h.store.update_tenant(tenant.id, |t| t.is_active = false);
    let err = h
        .svc
        .login(
            &email("ada@example.com"),
            &secret(PASSWORD),
            None,
            &Origin::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::TenantInactive));
}

#[tokio::test]
async fn bcrypt_hash_is_upgraded_on_login() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let mut legacy = owner.clone();
    legacy.password_hash = PasswordHash::new(format!("bcrypt${PASSWORD}"));
    legacy.version += 1;
    h.store
        .commit(&[Change::UpdateUser {
            user: legacy,
            expected_version: owner.version,
        }])
        .await
        .unwrap();
    h.svc
        .login(
            &email("ada@example.com"),
            &secret(PASSWORD),
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        h.user(owner.id).await.password_hash.as_str(),
        format!("argon${PASSWORD}")
    );
}

#[tokio::test]
async fn parallel_refreshes_within_grace_get_the_identical_pair() {
    let h = Harness::new();
    let (_, _, pair) = h.register("ada@example.com").await;
    h.clock.advance(Duration::minutes(1));
    let a = h.svc.refresh(&pair.refresh_token).await.unwrap();
    h.clock.advance(Duration::seconds(10));
    let b = h.svc.refresh(&pair.refresh_token).await.unwrap();
    assert_eq!(a, b);
    assert_ne!(a.refresh_token, pair.refresh_token);
    h.svc.authenticate(&a.access_token).await.unwrap();
}

#[tokio::test]
async fn reuse_after_grace_revokes_the_whole_family() {
    let h = Harness::new();
    let (_, _, pair) = h.register("ada@example.com").await;
    let next = h.svc.refresh(&pair.refresh_token).await.unwrap();
    h.clock.advance(Duration::minutes(5));
    let err = h.svc.refresh(&pair.refresh_token).await.unwrap_err();
    assert!(matches!(err, IdentityError::InvalidRefreshToken));
    assert_eq!(err.to_string(), "Invalid or expired refresh token");
    assert!(matches!(
        h.svc.refresh(&next.refresh_token).await,
        Err(IdentityError::InvalidRefreshToken)
    ));
    assert!(matches!(
        h.svc.authenticate(&next.access_token).await,
        Err(IdentityError::InvalidAccessToken)
    ));
}

#[tokio::test]
async fn token_kinds_are_not_interchangeable_and_expire() {
    let h = Harness::new();
    let (_, _, pair) = h.register("ada@example.com").await;
    assert!(matches!(
        h.svc.refresh(&pair.access_token).await,
        Err(IdentityError::InvalidRefreshToken)
    ));
    assert!(matches!(
        h.svc.authenticate(&pair.refresh_token).await,
        Err(IdentityError::InvalidAccessToken)
    ));
    h.clock.advance(Duration::minutes(31));
    assert!(matches!(
        h.svc.authenticate(&pair.access_token).await,
        Err(IdentityError::InvalidAccessToken)
    ));
    h.svc.refresh(&pair.refresh_token).await.unwrap();
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let h = Harness::new();
    let (_, _, pair) = h.register("ada@example.com").await;
    let (principal, _) = h.svc.authenticate(&pair.access_token).await.unwrap();
    h.svc.logout(&principal).await.unwrap();
    assert!(matches!(
        h.svc.authenticate(&pair.access_token).await,
        Err(IdentityError::InvalidAccessToken)
    ));
    assert!(matches!(
        h.svc.refresh(&pair.refresh_token).await,
        Err(IdentityError::InvalidRefreshToken)
    ));
}

#[tokio::test]
async fn authenticate_reports_inactive_and_deleted_users() {
    let h = Harness::new();
    let (_, owner, pair) = h.register("ada@example.com").await;
    let mut off = owner.clone();
    off.is_active = false;
    off.version += 1;
    h.store
        .commit(&[Change::UpdateUser {
            user: off.clone(),
            expected_version: owner.version,
        }])
        .await
        .unwrap();
    let err = h.svc.authenticate(&pair.access_token).await.unwrap_err();
    assert_eq!(err.to_string(), "Inactive user");
    let mut gone = off.clone();
    gone.deleted_at = Some(gone.created_at);
    gone.version += 1;
    h.store
        .commit(&[Change::UpdateUser {
            user: gone,
            expected_version: off.version,
        }])
        .await
        .unwrap();
    let err = h.svc.authenticate(&pair.access_token).await.unwrap_err();
    assert_eq!(err.to_string(), "Could not validate credentials");
}
