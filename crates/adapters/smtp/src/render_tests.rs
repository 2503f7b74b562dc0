use super::*;
use serde_json::json;

fn renderer() -> HandlebarsRenderer {
    HandlebarsRenderer::new(MailBranding {
        product_name: "Harmony".to_owned(),
        from_name: "Harmony".to_owned(),
        from_address: "noreply@example.com".to_owned(),
        frontend_url: "https://app.example.com/".to_owned(),
    })
    .unwrap()
}

fn job(template: MailTemplate, vars: Value) -> EmailJob {
    EmailJob {
        to: "ann@example.com".to_owned(),
        template,
        vars,
    }
}

fn sample_vars(template: MailTemplate) -> Value {
    match template {
        MailTemplate::Welcome => json!({
            "user_name": "Ann Lee", "tenant_name": "Acme", "verification_url": null
        }),
        MailTemplate::EmailVerification => json!({
            "user_name": "Ann Lee",
            "verification_url": "https://app.example.com/verify-email?token=tok123"
        }),
        MailTemplate::PasswordReset => json!({
            "user_name": "Ann Lee",
            "reset_url": "https://app.example.com/reset-password?token=tok123",
            "expires_in_minutes": 60
        }),
        MailTemplate::UserInvitation => json!({
            "inviter_name": "Bob", "tenant_name": "Acme", "role": "Admin",
            "invitation_url": "https://app.example.com/accept-invite?token=tok123"
        }),
        MailTemplate::PasswordChanged => json!({ "user_name": "Ann Lee" }),
    }
}

#[test]
fn every_template_renders_with_sample_vars() {
    let r = renderer();
    let expected = [
        (MailTemplate::Welcome, "Welcome to Acme!"),
        (MailTemplate::EmailVerification, "Verify Your Email Address"),
        (MailTemplate::PasswordReset, "Reset Your Password"),
        (
            MailTemplate::UserInvitation,
            "You've been invited to join Acme",
        ),
        (MailTemplate::PasswordChanged, "Your password was changed"),
    ];
    for (template, subject) in expected {
        let msg = r
            .render(&job(template, sample_vars(template)), "<id-1@harmony>")
            .unwrap();
        assert_eq!(msg.subject, subject);
        assert_eq!(msg.to, "ann@example.com");
        assert_eq!(msg.message_id, "<id-1@harmony>");
        assert!(
            msg.html.starts_with("<!DOCTYPE html>"),
            "{}",
            template.name()
        );
        assert!(msg.html.contains("Harmony"));
        assert!(msg.html.contains("https://app.example.com/contact"));
        assert!(
            !msg.text.contains('<'),
            "text body of {} has markup",
            template.name()
        );
        if template != MailTemplate::Welcome && template != MailTemplate::PasswordChanged {
            // `=` is entity-encoded in HTML (decoded again by every client).
            assert!(
                msg.html.contains("token&#x3D;tok123"),
                "{}",
                template.name()
            );
            assert!(msg.text.contains("token=tok123"), "{}", template.name());
        }
    }
}

#[test]
fn welcome_without_verification_url_links_to_login() {
    let vars = json!({ "user_name": "Ann", "tenant_name": "Acme" });
    let msg = renderer()
        .render(&job(MailTemplate::Welcome, vars), "<x@harmony>")
        .unwrap();
    assert!(msg.html.contains("href=\"https://app.example.com/login\""));
    assert!(msg.text.contains("https://app.example.com/login"));
}

#[test]
fn reset_contains_expiry_and_role_is_shown_in_invitation() {
    let r = renderer();
    let t = MailTemplate::PasswordReset;
    let msg = r.render(&job(t, sample_vars(t)), "<x@harmony>").unwrap();
    assert!(msg.text.contains("60 minutes"));
    let t = MailTemplate::UserInvitation;
    let msg = r.render(&job(t, sample_vars(t)), "<x@harmony>").unwrap();
    assert!(msg.html.contains("<strong>Admin</strong>"));
    assert!(msg.text.contains("Bob invited you"));
}

#[test]
fn html_escapes_every_variable_but_subject_and_text_stay_plain() {
    let vars = json!({
        "user_name": "<script>alert(1)</script>",
        "tenant_name": "Tom & Jerry's",
    });
    let msg = renderer()
        .render(&job(MailTemplate::Welcome, vars), "<x@harmony>")
        .unwrap();
    assert!(!msg.html.contains("<script>"));
    assert!(msg.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(msg.html.contains("Tom &amp; Jerry"));
    assert_eq!(msg.subject, "Welcome to Tom & Jerry's!");
    assert!(msg.text.contains("Hi <script>alert(1)</script>,"));
}

#[test]
fn attribute_injection_is_escaped() {
    let vars = json!({
        "user_name": "Ann",
        "verification_url": "https://x.example/\" onclick=\"evil()",
    });
    let msg = renderer()
        .render(&job(MailTemplate::EmailVerification, vars), "<x@harmony>")
        .unwrap();
    assert!(!msg.html.contains("\" onclick"));
    assert!(
        msg.html.contains("&quot; onclick&#x3D;&quot;evil()"),
        "{}",
        msg.html
    );
}

#[test]
fn missing_variable_is_a_template_error() {
    let r = renderer();
    for template in [
        MailTemplate::Welcome,
        MailTemplate::EmailVerification,
        MailTemplate::PasswordReset,
        MailTemplate::UserInvitation,
        MailTemplate::PasswordChanged,
    ] {
        let err = r
            .render(&job(template, json!({})), "<x@harmony>")
            .unwrap_err();
        assert!(
            matches!(err, MailError::Template(_)),
            "{}: {err:?}",
            template.name()
        );
    }
    let vars = json!({ "user_name": "Ann", "expires_in_minutes": 60 });
    let err = r
        .render(&job(MailTemplate::PasswordReset, vars), "<x@harmony>")
        .unwrap_err();
    assert!(err.to_string().contains("reset_url"), "{err}");
}

#[test]
fn non_object_vars_are_a_template_error() {
    let err = renderer()
        .render(
            &job(MailTemplate::PasswordChanged, json!(["x"])),
            "<x@harmony>",
        )
        .unwrap_err();
    assert!(matches!(err, MailError::Template(_)));
}

#[test]
fn job_can_override_frontend_url_but_null_falls_back_to_branding() {
    let r = renderer();
    let vars = json!({ "user_name": "Ann", "tenant_name": "Acme", "frontend_url": null });
    let msg = r
        .render(&job(MailTemplate::Welcome, vars), "<x@harmony>")
        .unwrap();
    assert!(msg.html.contains("https://app.example.com/login"));
}
