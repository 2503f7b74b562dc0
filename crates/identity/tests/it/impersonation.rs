//! Impersonation: the token and the session must agree, and the session
//! lives only as long as its admin may impersonate.

use crate::fakes::{Harness, PASSWORD, email, password, principal};
use harmony_identity::IdentityError;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::service::ImpersonationRequest;

async fn started(h: &Harness) -> (harmony_identity::model::User, String) {
    let (_, owner, _) = h.register("ada@example.com").await;
    let admin = h
        .svc
        .create_system_admin(email("root@example.com"), password(PASSWORD))
        .await
        .unwrap();
    let who = principal(&admin, None);
    let imp = h
        .svc
        .start_impersonation(
            &who,
            ImpersonationRequest {
                user_id: owner.id,
                reason: "ticket 7".into(),
                minutes: Some(5),
            },
        )
        .await
        .unwrap();
    let (p, _) = h.svc.authenticate(&imp.access_token).await.unwrap();
    assert_eq!(p.user_id(), owner.id);
    assert_eq!(p.impersonator(), Some(admin.id));
    (admin, imp.access_token)
}

#[tokio::test]
async fn a_token_without_its_act_claim_is_refused() {
    let h = Harness::new();
    let (admin, token) = started(&h).await;
    let forged = token.replace(&format!(",\"act\":\"{}\"", admin.id), "");
    let forged = forged.replace(&format!("\"act\":\"{}\",", admin.id), "");
    assert_ne!(forged, token, "the fake token format changed");
    let err = h.svc.authenticate(&forged).await.unwrap_err();
    assert!(matches!(err, IdentityError::InvalidAccessToken), "{err:?}");
}

#[tokio::test]
async fn the_impersonation_ends_when_its_admin_is_deactivated() {
    let h = Harness::new();
    let (mut admin, token) = started(&h).await;
    let expected_version = admin.version;
    admin.is_active = false;
    admin.version += 1;
    h.store
        .commit(&[Change::UpdateUser {
            user: admin,
            expected_version,
        }])
        .await
        .unwrap();
    let err = h.svc.authenticate(&token).await.unwrap_err();
    assert!(matches!(err, IdentityError::InvalidAccessToken), "{err:?}");
}

#[tokio::test]
async fn the_token_expires_after_the_chosen_minutes() {
    let h = Harness::new();
    let (_, token) = started(&h).await;
    h.clock.advance(time::Duration::minutes(5));
    let err = h.svc.authenticate(&token).await.unwrap_err();
    assert!(matches!(err, IdentityError::InvalidAccessToken), "{err:?}");
}
