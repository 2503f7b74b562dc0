//! `/auth/register`, `/auth/login`, `/auth/me`, `/auth/logout` (§3.1 #1–4).

use reqwest::Method;
use serde_json::{Value, json};

use crate::expect::{assert_user_shape, expect_detail, expect_status, expect_validation, header};
use crate::spawn::{OWNER_EMAIL, PASSWORD, spawn_app};

const REGISTER: &str = "/api/v1/auth/register";

fn signup(email: &str, password: &str) -> Value {
    json!({"admin_email": email, "admin_password": password, "admin_name": "Ada Lovelace"})
}

#[tokio::test]
async fn register_creates_tenant_owner_and_tokens() {
    let app = spawn_app().await;
    let res = app
        .post_json(REGISTER, &signup("Ada@example.com", PASSWORD))
        .await;
    let body = expect_status(res, 201).await;
    assert_eq!(body["message"], "Registration successful");
    let tenant = &body["tenant"];
    assert_eq!(
        tenant.as_object().map(serde_json::Map::len),
        Some(4),
        "{tenant}"
    );
    assert_eq!(tenant["name"], "Ada's Workspace");
    assert_eq!(tenant["subdomain"], "ada");
    assert_eq!(tenant["tier"], "free");
    let user = &body["user"];
    assert_user_shape(user, &[]);
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["first_name"], "Ada");
    assert_eq!(user["last_name"], "Lovelace");
    assert_eq!(user["full_name"], "Ada Lovelace");
    assert_eq!(user["tenant_id"], tenant["id"]);
    assert_eq!(user["tenant_role"], "owner");
    assert_eq!(user["role"], "owner");
    assert_eq!(user["system_role"], Value::Null);
    assert_eq!(user["is_super_admin"], false);
    assert_eq!(user["is_active"], true);
    assert_eq!(user["is_verified"], true);
    assert!(user["default_branch_id"].is_string(), "{user}");
    let tokens = &body["tokens"];
    assert_eq!(tokens["token_type"], "bearer");
    assert_ne!(tokens["access_token"], tokens["refresh_token"]);
    let token = tokens["access_token"].as_str().unwrap();
    let me = expect_status(app.get("/api/v1/auth/me", token).await, 200).await;
    assert_eq!(me["id"], user["id"]);

    let welcome = app.deliver_mail().await;
    assert_eq!(welcome.len(), 1, "{welcome:?}");
    assert_eq!(welcome[0].to, "ada@example.com");
    assert_eq!(welcome[0].subject, "Welcome to Ada's Workspace!");
}

#[tokio::test]
async fn register_uses_given_company_and_subdomain() {
    let app = spawn_app().await;
    let mut body = signup("ada@example.com", PASSWORD);
    body["company_name"] = json!("Analytical Engines");
    body["subdomain"] = json!("engines");
    let body = expect_status(app.post_json(REGISTER, &body).await, 201).await;
    assert_eq!(body["tenant"]["name"], "Analytical Engines");
    assert_eq!(body["tenant"]["subdomain"], "engines");
}

#[tokio::test]
async fn register_refuses_a_registered_email_in_any_case() {
    let app = spawn_app().await;
    app.register_owner().await;
    for email in [OWNER_EMAIL, "Ada@Example.com", "ADA@EXAMPLE.COM"] {
        let res = app.post_json(REGISTER, &signup(email, PASSWORD)).await;
        let body = expect_detail(res, 400, "Email already registered").await;
        assert_eq!(body["code"], "email_already_registered");
    }
}

#[tokio::test]
async fn register_refuses_a_taken_subdomain() {
    let app = spawn_app().await;
    app.register_owner().await;
    let mut body = signup("bob@example.com", PASSWORD);
    body["subdomain"] = json!("acme");
    let res = app.post_json(REGISTER, &body).await;
    expect_detail(res, 400, "Subdomain already taken").await;
}

#[tokio::test]
async fn register_refuses_reserved_and_malformed_subdomains() {
    let app = spawn_app().await;
    let cases = [
        (
            "admin",
            "value_error",
            "Value error, The subdomain 'admin' is reserved and cannot be used. Please choose a different subdomain.",
        ),
        (
            "ab",
            "string_too_short",
            "String should have at least 3 characters",
        ),
        (
            "Acme",
            "string_pattern_mismatch",
            "String should match pattern '^[a-z0-9-]+$'",
        ),
        (
            "a--b",
            "value_error",
            "Value error, Subdomain cannot contain consecutive hyphens",
        ),
    ];
    for (subdomain, kind, message) in cases {
        let mut body = signup("ada@example.com", PASSWORD);
        body["subdomain"] = json!(subdomain);
        let res = app.post_json(REGISTER, &body).await;
        let details = expect_validation(res, &[("body -> subdomain", kind)]).await;
        assert_eq!(details[0]["message"], message, "{subdomain}");
    }
}

#[tokio::test]
async fn register_applies_the_password_policy_with_exact_messages() {
    let app = spawn_app().await;
    let cases = [
        (
            "lowercase1",
            "Value error, Password must contain at least one uppercase letter",
        ),
        (
            "UPPERCASE1",
            "Value error, Password must contain at least one lowercase letter",
        ),
        (
            "NoDigitsHere",
            "Value error, Password must contain at least one number",
        ),
        (
            "abcdefgh",
            "Value error, Password must contain at least one uppercase letter, at least one number",
        ),
        (
            "Password123",
            "Value error, This password is too common. Please choose a stronger password.",
        ),
    ];
    for (password, message) in cases {
        let res = app
            .post_json(REGISTER, &signup("ada@example.com", password))
            .await;
        let details = expect_validation(res, &[("body -> admin_password", "value_error")]).await;
        assert_eq!(details[0]["message"], message, "{password}");
    }
    let res = app
        .post_json(REGISTER, &signup("ada@example.com", "Ab1"))
        .await;
    let details = expect_validation(res, &[("body -> admin_password", "string_too_short")]).await;
    assert_eq!(
        details[0]["message"],
        "String should have at least 8 characters"
    );
}

#[tokio::test]
async fn register_reports_every_missing_field_at_once() {
    let app = spawn_app().await;
    let res = app.post_json(REGISTER, &json!({})).await;
    let details = expect_validation(
        res,
        &[
            ("body -> admin_email", "missing"),
            ("body -> admin_password", "missing"),
            ("body -> admin_name", "missing"),
        ],
    )
    .await;
    assert!(details.iter().all(|d| d["message"] == "Field required"));
}

#[tokio::test]
async fn register_refuses_malformed_json_and_disposable_addresses() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url(REGISTER))
        .header("content-type", "application/json")
        .body("{\"admin_email\": ")
        .send()
        .await
        .unwrap();
    expect_validation(res, &[("body", "json_invalid")]).await;

    let res = app
        .post_json(REGISTER, &signup("ada@mailinator.com", PASSWORD))
        .await;
    let details = expect_validation(res, &[("body -> admin_email", "value_error")]).await;
    assert_eq!(
        details[0]["message"],
        "Value error, Disposable email addresses are not allowed. Please use a permanent email address."
    );
    let res = app
        .post_json(REGISTER, &signup("not-an-email", PASSWORD))
        .await;
    expect_validation(res, &[("body -> admin_email", "value_error")]).await;
}

#[tokio::test]
async fn login_returns_user_tenant_and_tokens() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let body = expect_status(app.login(OWNER_EMAIL, PASSWORD).await, 200).await;
    assert_user_shape(&body["user"], &[]);
    assert_eq!(body["user"]["id"], owner.user["id"]);
    assert!(body["user"]["last_login_at"].is_string(), "{body}");
    assert_eq!(body["tenant"]["subdomain"], "acme");
    assert_eq!(body["tenant"]["id"], owner.user["tenant_id"]);
    assert_eq!(body["tokens"]["token_type"], "bearer");
    assert_ne!(
        body["tokens"]["access_token"].as_str(),
        Some(owner.access.as_str())
    );
}

#[tokio::test]
async fn login_is_case_insensitive_on_the_email() {
    let app = spawn_app().await;
    app.register_owner().await;
    expect_status(app.login("ADA@Example.COM", PASSWORD).await, 200).await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_identical_401s() {
    let app = spawn_app().await;
    app.register_owner().await;
    let mut bodies = Vec::new();
    for (email, password) in [
        (OWNER_EMAIL, "Wrong-Passw0rd"),
        ("nobody@example.com", PASSWORD),
    ] {
        let mut body = expect_detail(
            app.login(email, password).await,
            401,
            "Incorrect email or password",
        )
        .await;
        assert_eq!(body["code"], "invalid_credentials");
        body.as_object_mut().unwrap().remove("request_id");
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);
    let res = app.post_json("/api/v1/auth/login", &json!({})).await;
    expect_validation(
        res,
        &[
            ("body -> email", "missing"),
            ("body -> password", "missing"),
        ],
    )
    .await;
}

#[tokio::test]
async fn me_requires_a_valid_access_token() {
    let app = spawn_app().await;
    let owner = app.register_owner().await;
    let me = expect_status(app.get("/api/v1/auth/me", &owner.access).await, 200).await;
    assert_user_shape(&me, &[]);
    assert_eq!(me["email"], OWNER_EMAIL);

    let res = app
        .request(Method::GET, "/api/v1/auth/me", None, None)
        .await;
    expect_detail(res, 403, "Not authenticated").await;
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", format!("Basic {}", owner.access))
        .send()
        .await
        .unwrap();
    expect_detail(res, 403, "Invalid authentication credentials").await;

    let res = app.get("/api/v1/auth/me", "garbage.token.value").await;
    assert_eq!(header(&res, "www-authenticate"), "Bearer");
    expect_detail(res, 401, "Could not validate credentials").await;

    // Defect 1: a refresh token is not an access token.
    let res = app.get("/api/v1/auth/me", &owner.refresh).await;
    assert_eq!(header(&res, "www-authenticate"), "Bearer");
    expect_detail(res, 401, "Could not validate credentials").await;
}

#[tokio::test]
async fn logout_ends_only_that_session() {
    let app = spawn_app().await;
    let first = app.register_owner().await;
    let second = app.login_ok(OWNER_EMAIL, PASSWORD).await;
    let res = app
        .request(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&first.access),
            None,
        )
        .await;
    let body = expect_status(res, 200).await;
    assert_eq!(body, json!({"message": "Logged out successfully"}));

    let res = app.get("/api/v1/auth/me", &first.access).await;
    expect_detail(res, 401, "Could not validate credentials").await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": first.refresh}),
        )
        .await;
    expect_detail(res, 401, "Invalid or expired refresh token").await;
    let res = app
        .request(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&first.access),
            None,
        )
        .await;
    expect_detail(res, 401, "Could not validate credentials").await;

    expect_status(app.get("/api/v1/auth/me", &second.access).await, 200).await;
    let res = app
        .request(Method::POST, "/api/v1/auth/logout", None, None)
        .await;
    expect_detail(res, 403, "Not authenticated").await;
}

#[tokio::test]
async fn login_with_a_tenant_subdomain_never_reveals_tenants() {
    let app = spawn_app().await;
    app.register_owner().await;
    app.register_other_owner().await;
    let login = |sub: &'static str| json!({"email": OWNER_EMAIL, "password": PASSWORD, "tenant_subdomain": sub});
    let res = app.post_json("/api/v1/auth/login", &login("acme")).await;
    assert_eq!(expect_status(res, 200).await["tenant"]["subdomain"], "acme");
    // Defect 13: unknown and foreign subdomains answer like a wrong password.
    for sub in ["globex", "no-such-tenant"] {
        let res = app.post_json("/api/v1/auth/login", &login(sub)).await;
        expect_detail(res, 401, "Incorrect email or password").await;
    }
}

#[tokio::test]
async fn register_refuses_overlong_passwords_and_one_letter_companies() {
    let app = spawn_app().await;
    // Defect 48: more than 72 bytes is refused, not truncated.
    let long = format!("Aa1{}", "x".repeat(70));
    let res = app
        .post_json(REGISTER, &signup("ada@example.com", &long))
        .await;
    let details = expect_validation(res, &[("body -> admin_password", "value_error")]).await;
    assert_eq!(
        details[0]["message"],
        "Value error, Password must not exceed 72 bytes"
    );
    // Defect 36: a one-character company name would break TenantResponse.
    let mut body = signup("ada@example.com", PASSWORD);
    body["company_name"] = json!("X");
    let res = app.post_json(REGISTER, &body).await;
    expect_validation(res, &[("body -> company_name", "value_error")]).await;
}
