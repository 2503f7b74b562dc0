use crate::fakes::{Harness, PASSWORD, email, password, principal, secret};
use crate::users::create;
use harmony_identity::IdentityError;
use harmony_identity::ports::UserFilter;
use harmony_kernel::Origin;
use harmony_kernel::mail::MailTemplate;
use harmony_kernel::{PageRequest, TenantRole};

#[tokio::test]
async fn transfer_leaves_exactly_one_owner() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let m = create(&h, &who, "m@example.com", TenantRole::Member).await;
    let err = h
        .svc
        .transfer_ownership(&who, m.id, &secret("Wrong1234"))
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::IncorrectPassword));
    let err = h
        .svc
        .transfer_ownership(&who, owner.id, &secret(PASSWORD))
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::TransferToSelf));
    let new_owner = h
        .svc
        .transfer_ownership(&who, m.id, &secret(PASSWORD))
        .await
        .unwrap();
    assert_eq!(new_owner.tenant_role(), Some(TenantRole::Owner));
    assert_eq!(
        h.user(owner.id).await.tenant_role(),
        Some(TenantRole::Admin)
    );
    let page = h
        .svc
        .list_users(
            &who,
            UserFilter::default(),
            PageRequest { skip: 0, limit: 50 },
        )
        .await
        .unwrap();
    let owners = page
        .items
        .iter()
        .filter(|l| l.user.tenant_role() == Some(TenantRole::Owner))
        .count();
    assert_eq!(owners, 1);
}

#[tokio::test]
async fn delete_me_soft_deletes_and_revokes_but_not_for_owners() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let err = h
        .svc
        .delete_me(&principal(&owner, None), &secret(PASSWORD))
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::OwnerCannotDeleteSelf));
    create(
        &h,
        &principal(&owner, None),
        "m@example.com",
        TenantRole::Member,
    )
    .await;
    let (me, pair) = h.login_with("m@example.com", "Member123").await;
    let err = h
        .svc
        .delete_me(&me, &secret("Wrong1234"))
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::IncorrectPassword));
    let gone = h.svc.delete_me(&me, &secret("Member123")).await.unwrap();
    assert!(gone.deleted_at.is_some() && !gone.is_active);
    assert!(h.svc.authenticate(&pair.access_token).await.is_err());
    // the address is free again (defect 28)
    create(
        &h,
        &principal(&owner, None),
        "m@example.com",
        TenantRole::Member,
    )
    .await;
}

#[tokio::test]
async fn change_password_is_own_only_revokes_sessions_and_notifies() {
    let h = Harness::new();
    let (_, owner, pair) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let m = create(&h, &who, "m@example.com", TenantRole::Member).await;
    let err = h
        .svc
        .change_password(&who, m.id, &secret(PASSWORD), &password("Other1234"))
        .await;
    assert!(matches!(err, Err(IdentityError::NotOwnPassword)));
    let err = h
        .svc
        .change_password(&who, owner.id, &secret("Nope12345"), &password("Other1234"))
        .await;
    assert!(matches!(err, Err(IdentityError::CurrentPasswordIncorrect)));
    h.svc
        .change_password(&who, owner.id, &secret(PASSWORD), &password("Other1234"))
        .await
        .unwrap();
    assert!(h.svc.authenticate(&pair.access_token).await.is_err());
    assert_eq!(h.mails(MailTemplate::PasswordChanged).len(), 1);
    h.svc
        .login(
            &email("ada@example.com"),
            &secret("Other1234"),
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn system_users_change_their_password_and_list_everyone() {
    let h = Harness::new();
    h.register("ada@example.com").await;
    let admin = h
        .svc
        .create_system_admin(email("root@h.test"), password(PASSWORD))
        .await
        .unwrap();
    let (who, _) = h.login("root@h.test").await;
    h.svc
        .change_password(&who, admin.id, &secret(PASSWORD), &password("Other1234"))
        .await
        .unwrap();
    let all = h
        .svc
        .list_all_users(
            &who,
            UserFilter::default(),
            PageRequest { skip: 0, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    assert!(all.items.iter().any(|l| l.tenant_subdomain.is_some()));
    let err = h
        .svc
        .list_users(
            &who,
            UserFilter::default(),
            PageRequest { skip: 0, limit: 10 },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tenant access required. System users should use admin endpoints."
    );
}

#[tokio::test]
async fn invite_checks_limit_and_duplicates() {
    let h = Harness::new();
    let (tenant, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let cmd = |a: &str| harmony_identity::service::InviteCommand {
        email: email(a),
        tenant_role: TenantRole::Member,
        business_role: None,
        first_name: None,
        last_name: None,
        default_branch_id: None,
    };
    let pending = h.svc.invite_user(&who, cmd("p@example.com")).await.unwrap();
    assert!(!pending.is_active && pending.invitation_pending);
    let dup = h
        .svc
        .invite_user(&who, cmd("p@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(dup, IdentityError::EmailAlreadyRegistered));
    h.store
        .update_tenant(tenant.id, |t| t.max_users = harmony_tenancy::Limit::new(1));
    let err = h
        .svc
        .invite_user(&who, cmd("q@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "User limit reached (1). Upgrade your plan."
    );
    h.store.update_tenant(tenant.id, |t| {
        t.subscription_status = harmony_tenancy::SubscriptionStatus::Expired;
    });
    let err = h
        .svc
        .invite_user(&who, cmd("q@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Your subscription is not active.");
}

#[tokio::test]
async fn a_second_transfer_with_a_stale_principal_is_refused() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let m1 = create(&h, &who, "m1@example.com", TenantRole::Member).await;
    let m2 = create(&h, &who, "m2@example.com", TenantRole::Member).await;
    h.svc
        .transfer_ownership(&who, m1.id, &secret(PASSWORD))
        .await
        .unwrap();
    let err = h
        .svc
        .transfer_ownership(&who, m2.id, &secret(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Tenant owner access required");
    assert_eq!(h.user(m2.id).await.tenant_role(), Some(TenantRole::Member));
}
