use harmony_identity::model::Password;
use harmony_identity::model::{Email, EmailError, PersonName, Subdomain, subdomain_base};
use secrecy::SecretString;

#[test]
fn password_policy_messages_are_the_contracts() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "Short1",
            Some("Password must be at least 8 characters long"),
        ),
        (
            "password123",
            Some("This password is too common. Please choose a stronger password."),
        ),
        (
            "alllowercase",
            Some("Password must contain at least one uppercase letter, at least one number"),
        ),
        (
            "ALLUPPER123",
            Some("Password must contain at least one lowercase letter"),
        ),
        (
            "NoDigitsHere",
            Some("Password must contain at least one number"),
        ),
        ("Good1Password", None),
    ];
    for (pw, want) in cases {
        let got = Password::parse(SecretString::from((*pw).to_owned()))
            .err()
            .map(|e| e.to_string());
        assert_eq!(got.as_deref(), *want, "{pw}");
    }
    let long = format!("Aa1{}", "x".repeat(126));
    assert_eq!(
        Password::parse(SecretString::from(long))
            .unwrap_err()
            .to_string(),
        "Password must not exceed 128 characters"
    );
}

#[test]
fn subdomain_rules() {
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("Acme", Ok("acme")),
        ("ab", Err("Subdomain must be at least 3 characters long")),
        (
            "-acme",
            Err(
                "Subdomain must contain only lowercase letters, numbers, and hyphens. It must start and end with a letter or number.",
            ),
        ),
        (
            "admin",
            Err(
                "The subdomain 'admin' is reserved and cannot be used. Please choose a different subdomain.",
            ),
        ),
        (
            "ac--me",
            Err("Subdomain cannot contain consecutive hyphens"),
        ),
    ];
    for (raw, want) in cases {
        let got = Subdomain::parse(raw)
            .map(|s| s.as_str().to_owned())
            .map_err(|e| e.to_string());
        assert_eq!(got.as_deref().map_err(String::as_str), *want, "{raw}");
    }
}

#[test]
fn names_and_emails() {
    assert_eq!(PersonName::parse("  Ada ").unwrap().as_str(), "Ada");
    assert_eq!(
        PersonName::parse(" ").unwrap_err().to_string(),
        "Name cannot be empty"
    );
    assert!(PersonName::parse("<b>").is_err());
    assert_eq!(
        Email::parse(" Ada@Example.COM ").unwrap().as_str(),
        "ada@example.com"
    );
    assert!(matches!(
        Email::parse("nope"),
        Err(EmailError::Malformed(_))
    ));
    assert_eq!(
        Email::parse_for_signup("x@mailinator.com"),
        Err(EmailError::Disposable)
    );
    let base = subdomain_base(
        &Email::parse("j.o@x.com").unwrap(),
        &PersonName::parse("Jo-Anne Smith").unwrap(),
    );
    assert_eq!(base, "joanne");
    let base = subdomain_base(
        &Email::parse("a@x.com").unwrap(),
        &PersonName::parse("Al").unwrap(),
    );
    assert_eq!(base, "workspace");
}
