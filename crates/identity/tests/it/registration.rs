use crate::fakes::{Harness, PASSWORD, email, name, password, secret};
use harmony_identity::IdentityError;
use harmony_identity::model::Subdomain;
use harmony_identity::service::RegisterCommand;
use harmony_kernel::Origin;
use harmony_kernel::TenantRole;
use harmony_kernel::mail::MailTemplate;
use harmony_kernel::outbox::OutboxStore;

fn cmd(address: &str, company: Option<&str>, subdomain: Option<&str>) -> RegisterCommand {
    RegisterCommand {
        admin_email: email(address),
        admin_password: password(PASSWORD),
        admin_name: name("Grace Brewster Hopper"),
        company_name: company.map(name),
        subdomain: subdomain.map(|s| Subdomain::parse(s).unwrap()),
    }
}

#[tokio::test]
async fn register_creates_tenant_owner_session_and_queues_welcome_mail() {
    let h = Harness::new();
    let (tenant, owner, pair) = h
        .svc
        .register(cmd("Grace@Example.com", None, None), &Origin::default())
        .await
        .unwrap();
    assert_eq!(tenant.name, "Grace's Workspace");
    assert_eq!(tenant.subdomain, "grace");
    assert_eq!(owner.email.as_str(), "grace@example.com");
    assert_eq!(owner.tenant_role(), Some(TenantRole::Owner));
    assert_eq!(owner.first_name.as_deref(), Some("Grace"));
    assert_eq!(owner.last_name.as_deref(), Some("Brewster Hopper"));
    assert!(owner.is_verified && owner.default_branch_id.is_some());
    let (principal, _) = h.svc.authenticate(&pair.access_token).await.unwrap();
    assert_eq!(principal.tenant_id(), Some(tenant.id));
    let welcome = h.mails(MailTemplate::Welcome);
    assert_eq!(welcome.len(), 1);
    assert_eq!(welcome[0].to, "grace@example.com");
    assert_eq!(welcome[0].vars["login_url"], "https://app.test/login");
    assert_eq!(welcome[0].vars["tenant_name"], "Grace's Workspace");
    assert_eq!(h.store.pending_count().await.unwrap(), 1);
}

#[tokio::test]
async fn generated_subdomain_skips_reserved_and_taken_names() {
    let h = Harness::new();
    let (t1, ..) = h
        .svc
        .register(cmd("admin@one.com", None, None), &Origin::default())
        .await
        .unwrap();
    assert_eq!(t1.subdomain, "admin1");
    let (t2, ..) = h
        .svc
        .register(cmd("admin@two.com", None, None), &Origin::default())
        .await
        .unwrap();
    assert_eq!(t2.subdomain, "admin2");
    let (t3, ..) = h
        .svc
        .register(cmd("x@three.com", None, None), &Origin::default())
        .await
        .unwrap();
    assert_eq!(t3.subdomain, "grace");
}

#[tokio::test]
async fn duplicate_email_and_taken_subdomain_are_refused() {
    let h = Harness::new();
    h.svc
        .register(cmd("a@b.com", None, Some("acme")), &Origin::default())
        .await
        .unwrap();
    let dup = h
        .svc
        .register(cmd("A@B.com", None, None), &Origin::default())
        .await
        .unwrap_err();
    assert!(
        matches!(dup, IdentityError::EmailAlreadyRegistered),
        "{dup:?}"
    );
    assert_eq!(dup.to_string(), "Email already registered");
    let taken = h
        .svc
        .register(cmd("c@d.com", None, Some("acme")), &Origin::default())
        .await
        .unwrap_err();
    assert!(matches!(taken, IdentityError::SubdomainTaken));
}

#[tokio::test]
async fn one_character_company_name_is_a_validation_error() {
    let h = Harness::new();
    let err = h
        .svc
        .register(cmd("a@b.com", Some("X"), None), &Origin::default())
        .await
        .unwrap_err();
    match err {
        IdentityError::Validation { field, message } => {
            assert_eq!(field, "company_name");
            assert_eq!(message, "Company name must be at least 2 characters");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bootstrap_creates_one_system_admin_with_generated_password() {
    let h = Harness::new();
    let first = h
        .svc
        .bootstrap_system_admin(email("root@harmony.test"), None)
        .await
        .unwrap()
        .unwrap();
    let generated = first.generated_password.unwrap();
    assert!(
        h.svc
            .bootstrap_system_admin(email("other@harmony.test"), None)
            .await
            .unwrap()
            .is_none()
    );
    let (user, tenant, _) = h
        .svc
        .login(
            &email("root@harmony.test"),
            &generated,
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
    assert_eq!(user.legacy_role(), "super_admin");
    assert!(tenant.is_none());
    let again = h
        .svc
        .create_system_admin(email("root@harmony.test"), password(PASSWORD))
        .await;
    assert!(matches!(again, Err(IdentityError::EmailAlreadyRegistered)));
    let _ = secret("unused");
}
