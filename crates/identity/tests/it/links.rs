use crate::fakes::{Harness, PASSWORD, email, name, password, principal, secret};
use harmony_identity::IdentityError;
use harmony_identity::ports::{Change, IdentityStore};
use harmony_identity::service::{AcceptInvite, InviteCommand, VerifyOutcome};
use harmony_kernel::Origin;
use harmony_kernel::TenantRole;
use harmony_kernel::mail::MailTemplate;
use time::Duration;

#[tokio::test]
async fn reset_revokes_sessions_is_single_use_and_notifies() {
    let h = Harness::new();
    let (_, owner, pair) = h.register("ada@example.com").await;
    h.svc
        .forgot_password(&email("ada@example.com"), &Origin::default())
        .await
        .unwrap();
    let token = h.last_link_token(MailTemplate::PasswordReset, "reset_url");
    let mail = h.mails(MailTemplate::PasswordReset).pop().unwrap();
    assert_eq!(mail.vars["expires_in_minutes"], 60);
    assert!(
        mail.vars["reset_url"]
            .as_str()
            .unwrap()
            .starts_with("https://app.test/reset-password?token=")
    );
    h.svc
        .reset_password(&token, &password("NewSecret1"), &Origin::default())
        .await
        .unwrap();
    assert!(h.svc.authenticate(&pair.access_token).await.is_err());
    assert_eq!(
        h.user(owner.id).await.password_hash.as_str(),
        "argon$NewSecret1"
    );
    assert_eq!(h.mails(MailTemplate::PasswordChanged).len(), 1);
    let again = h
        .svc
        .reset_password(&token, &password("Another12"), &Origin::default())
        .await
        .unwrap_err();
    assert_eq!(again.to_string(), "Invalid or expired reset token");
    h.svc
        .login(
            &email("ada@example.com"),
            &secret("NewSecret1"),
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn expired_reset_token_and_unknown_accounts() {
    let h = Harness::new();
    h.register("ada@example.com").await;
    h.svc
        .forgot_password(&email("nobody@example.com"), &Origin::default())
        .await
        .unwrap();
    assert!(h.mails(MailTemplate::PasswordReset).is_empty());
    h.svc
        .forgot_password(&email("ada@example.com"), &Origin::default())
        .await
        .unwrap();
    let token = h.last_link_token(MailTemplate::PasswordReset, "reset_url");
    h.clock.advance(Duration::minutes(61));
    let err = h
        .svc
        .reset_password(&token, &password("NewSecret1"), &Origin::default())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::ResetTokenExpired));
    assert_eq!(
        err.to_string(),
        "Reset token has expired. Please request a new one."
    );
    let err = h
        .svc
        .reset_password("bogus", &password("NewSecret1"), &Origin::default())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::InvalidResetToken));
}

#[tokio::test]
async fn a_new_reset_request_retires_the_older_link() {
    let h = Harness::new();
    h.register("ada@example.com").await;
    h.svc
        .forgot_password(&email("ada@example.com"), &Origin::default())
        .await
        .unwrap();
    let old = h.last_link_token(MailTemplate::PasswordReset, "reset_url");
    h.svc
        .forgot_password(&email("ada@example.com"), &Origin::default())
        .await
        .unwrap();
    let err = h
        .svc
        .reset_password(&old, &password("NewSecret1"), &Origin::default())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::InvalidResetToken));
}

async fn invite(h: &Harness, who: &harmony_kernel::Principal, address: &str) -> String {
    let cmd = InviteCommand {
        email: email(address),
        tenant_role: TenantRole::Admin,
        business_role: None,
        first_name: Some("Bob".into()),
        last_name: None,
        default_branch_id: None,
    };
    h.svc.invite_user(who, cmd).await.unwrap();
    h.last_link_token(MailTemplate::UserInvitation, "invitation_url")
}

#[tokio::test]
async fn invitation_can_be_accepted_once() {
    let h = Harness::new();
    let (tenant, owner, _) = h.register("ada@example.com").await;
    let token = invite(&h, &principal(&owner, None), "bob@example.com").await;
    let mail = h.mails(MailTemplate::UserInvitation).pop().unwrap();
    assert_eq!(mail.vars["role"], "Admin");
    assert_eq!(mail.vars["inviter_name"], "Ada Lovelace");
    let accept = |t: &str| AcceptInvite {
        token: t.to_owned(),
        password: password("BobSecret1"),
        first_name: Some(name("Bobby")),
        last_name: Some(name("Tables")),
    };
    let (user, t, pair) = h
        .svc
        .accept_invite(accept(&token), &Origin::default())
        .await
        .unwrap();
    assert_eq!(t.id, tenant.id);
    assert!(user.is_active && user.is_verified && !user.invitation_pending);
    assert_eq!(user.full_name.as_deref(), Some("Bobby Tables"));
    h.svc.authenticate(&pair.access_token).await.unwrap();
    let again = h
        .svc
        .accept_invite(accept(&token), &Origin::default())
        .await
        .unwrap_err();
    assert_eq!(again.to_string(), "Invalid invitation token");
}

#[tokio::test]
async fn expired_invitation_is_refused() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let token = invite(&h, &principal(&owner, None), "bob@example.com").await;
    h.clock.advance(Duration::days(8));
    let cmd = AcceptInvite {
        token,
        password: password("BobSecret1"),
        first_name: None,
        last_name: None,
    };
    let err = h
        .svc
        .accept_invite(cmd, &Origin::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invitation has expired. Please request a new one."
    );
}

#[tokio::test]
async fn verification_links_verify_once_and_expire() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let token = invite(&h, &who, "bob@example.com").await;
    let cmd = AcceptInvite {
        token,
        password: password("BobSecret1"),
        first_name: None,
        last_name: None,
    };
    let (bob, ..) = h.svc.accept_invite(cmd, &Origin::default()).await.unwrap();
    assert!(matches!(
        h.svc.resend_verification("bob@example.com").await,
        Err(IdentityError::EmailAlreadyVerified)
    ));
    assert!(matches!(
        h.svc.resend_verification("zed@example.com").await,
        Err(IdentityError::UserNotFound)
    ));
    // make Bob unverified again to exercise the link
    let mut u = h.user(bob.id).await;
    let v = u.version;
    (u.is_verified, u.version) = (false, v + 1);
    h.store
        .commit(&[Change::UpdateUser {
            user: u,
            expected_version: v,
        }])
        .await
        .unwrap();
    h.svc.resend_verification("BOB@example.com").await.unwrap();
    let token = h.last_link_token(MailTemplate::EmailVerification, "verification_url");
    assert_eq!(
        h.svc
            .verify_email(&token, &Origin::default())
            .await
            .unwrap(),
        VerifyOutcome::Verified
    );
    assert!(h.user(bob.id).await.is_verified);
    assert!(matches!(
        h.svc.verify_email(&token, &Origin::default()).await,
        Err(IdentityError::InvalidVerificationToken)
    ));
    let _ = PASSWORD;
}
