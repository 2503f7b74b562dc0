use crate::fakes::{Harness, email, password, principal};
use harmony_identity::IdentityError;
use harmony_identity::model::User;
use harmony_identity::ports::UserFilter;
use harmony_identity::service::{NewUser, UserUpdate};
use harmony_kernel::{PageRequest, Principal, TenantRole};

pub fn new_user(address: &str, role: TenantRole) -> NewUser {
    NewUser {
        email: email(address),
        password: password("Member123"),
        first_name: None,
        last_name: None,
        phone: None,
        tenant_role: role,
        business_role: None,
        default_branch_id: None,
    }
}

pub async fn create(h: &Harness, who: &Principal, address: &str, role: TenantRole) -> User {
    h.svc
        .create_user(who, new_user(address, role))
        .await
        .unwrap()
}

#[tokio::test]
async fn create_user_enforces_the_user_limit() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    for i in 0..4 {
        create(&h, &who, &format!("u{i}@example.com"), TenantRole::Member).await;
    }
    let err = h
        .svc
        .create_user(&who, new_user("u9@example.com", TenantRole::Member))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "User limit reached (5). Upgrade your plan to add more users."
    );
    let page = h
        .svc
        .list_users(
            &who,
            UserFilter::default(),
            PageRequest { skip: 0, limit: 20 },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 5);
}

#[tokio::test]
async fn create_user_refuses_duplicates_and_members() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let member = create(&h, &who, "m@example.com", TenantRole::Member).await;
    let dup = h
        .svc
        .create_user(&who, new_user("M@example.com", TenantRole::Member))
        .await
        .unwrap_err();
    assert!(matches!(dup, IdentityError::EmailAlreadyRegistered));
    let as_member = principal(&member, None);
    let err = h
        .svc
        .create_user(&as_member, new_user("x@example.com", TenantRole::Member))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Permission 'tenant.users.create' required");
}

#[tokio::test]
async fn admins_cannot_touch_the_owner_or_other_admins() {
    let h = Harness::new();
    let (_, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let admin = create(&h, &who, "a1@example.com", TenantRole::Admin).await;
    let admin2 = create(&h, &who, "a2@example.com", TenantRole::Admin).await;
    let as_admin = principal(&admin, None);
    let deactivate = || UserUpdate {
        is_active: Some(false),
        ..UserUpdate::default()
    };
    let err = h
        .svc
        .update_user(&as_admin, owner.id, deactivate())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::CannotManagePeer), "{err:?}");
    let err = h
        .svc
        .update_user(&as_admin, admin2.id, deactivate())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::CannotManagePeer));
    let err = h.svc.delete_user(&as_admin, admin2.id).await.unwrap_err();
    assert!(matches!(err, IdentityError::CannotManagePeer));
    let err = h
        .svc
        .update_user(&who, owner.id, deactivate())
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::CannotDeleteSelf));
    let role = UserUpdate {
        tenant_role: Some(TenantRole::Member),
        ..UserUpdate::default()
    };
    let err = h.svc.update_user(&who, owner.id, role).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cannot change owner's role. Use ownership transfer instead."
    );
    let demote = UserUpdate {
        tenant_role: Some(TenantRole::Member),
        ..UserUpdate::default()
    };
    let err = h
        .svc
        .update_user(&as_admin, admin.id, demote)
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::CannotDemoteSelf));
    let err = h.svc.delete_user(&who, owner.id).await.unwrap_err();
    assert!(matches!(err, IdentityError::CannotDeleteSelf));
}

#[tokio::test]
async fn update_applies_sent_keys_and_reactivation_checks_the_limit() {
    let h = Harness::new();
    let (tenant, owner, _) = h.register("ada@example.com").await;
    let who = principal(&owner, None);
    let m = create(&h, &who, "m@example.com", TenantRole::Member).await;
    let upd = UserUpdate {
        first_name: Some(Some(crate::fakes::name("Mia"))),
        phone: Some(Some("123".into())),
        tenant_role: Some(TenantRole::Admin),
        ..UserUpdate::default()
    };
    let m = h.svc.update_user(&who, m.id, upd).await.unwrap();
    assert_eq!(
        (m.full_name.as_deref(), m.tenant_role()),
        (Some("Mia"), Some(TenantRole::Admin))
    );
    h.svc.delete_user(&who, m.id).await.unwrap();
    h.store
        .update_tenant(tenant.id, |t| t.max_users = harmony_tenancy::Limit::new(1));
    let back = UserUpdate {
        is_active: Some(true),
        ..UserUpdate::default()
    };
    let err = h.svc.update_user(&who, m.id, back).await.unwrap_err();
    assert!(matches!(err, IdentityError::UserLimitReached(1)));
}

#[tokio::test]
async fn tenants_do_not_see_each_others_users() {
    let h = Harness::new();
    let (_, a, _) = h.register("ada@example.com").await;
    let (_, b, _) = h.register("bea@example.org").await;
    let err = h
        .svc
        .get_user(&principal(&a, None), b.id)
        .await
        .unwrap_err();
    assert!(matches!(err, IdentityError::UserNotFound));
}
