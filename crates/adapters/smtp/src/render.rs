//! [`HandlebarsRenderer`]: the e-mail templates of spec §7, compiled in.

use crate::MailBranding;
use handlebars::{Handlebars, no_escape};
use harmony_kernel::mail::{EmailJob, MailError, MailMessage, MailRenderer, MailTemplate};
use serde_json::{Map, Value};

/// Every template, its subject and its two bodies.
const TEMPLATES: [(MailTemplate, &str, &str, &str); 5] = [
    (
        MailTemplate::Welcome,
        "Welcome to {{tenant_name}}!",
        include_str!("../templates/welcome.html.hbs"),
        include_str!("../templates/welcome.txt.hbs"),
    ),
    (
        MailTemplate::EmailVerification,
        "Verify Your Email Address",
        include_str!("../templates/email-verification.html.hbs"),
        include_str!("../templates/email-verification.txt.hbs"),
    ),
    (
        MailTemplate::PasswordReset,
        "Reset Your Password",
        include_str!("../templates/password-reset.html.hbs"),
        include_str!("../templates/password-reset.txt.hbs"),
    ),
    (
        MailTemplate::UserInvitation,
        "You've been invited to join {{tenant_name}}",
        include_str!("../templates/user-invitation.html.hbs"),
        include_str!("../templates/user-invitation.txt.hbs"),
    ),
    (
        MailTemplate::PasswordChanged,
        "Your password was changed",
        include_str!("../templates/password-changed.html.hbs"),
        include_str!("../templates/password-changed.txt.hbs"),
    ),
];

/// The shared HTML frame (header, card, footer) every HTML body is placed in.
const LAYOUT: &str = include_str!("../templates/_layout.html.hbs");

/// Renders [`EmailJob`]s with handlebars templates embedded in the binary, so
/// a deployment cannot miss a template file.
///
/// HTML bodies escape every variable; subjects and text bodies are plain text
/// and are not escaped. Strict mode turns a missing variable into
/// [`MailError::Template`] instead of a silently blank link. Branding values
/// (`product_name`, `frontend_url`, `contact_url`) are supplied by the
/// renderer unless the job sets them.
pub struct HandlebarsRenderer {
    /// HTML templates, HTML-escaped.
    html: Handlebars<'static>,
    /// Subjects and text templates, not escaped.
    plain: Handlebars<'static>,
    branding: MailBranding,
}

impl std::fmt::Debug for HandlebarsRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlebarsRenderer")
            .field("branding", &self.branding)
            .finish_non_exhaustive()
    }
}

impl HandlebarsRenderer {
    /// Compiles all templates once; fails only if a built-in template is
    /// broken, which the unit tests rule out.
    ///
    /// # Errors
    /// [`MailError::Template`] when a template does not compile.
    pub fn new(branding: MailBranding) -> Result<Self, MailError> {
        let mut html = Handlebars::new();
        html.set_strict_mode(true);
        html.register_partial("layout", LAYOUT)
            .map_err(template_error)?;
        let mut plain = Handlebars::new();
        plain.set_strict_mode(true);
        plain.register_escape_fn(no_escape);
        for (template, subject, html_body, text_body) in TEMPLATES {
            let name = template.name();
            html.register_template_string(name, html_body)
                .map_err(template_error)?;
            plain
                .register_template_string(&subject_key(name), subject)
                .map_err(template_error)?;
            plain
                .register_template_string(name, text_body)
                .map_err(template_error)?;
        }
        Ok(Self {
            html,
            plain,
            branding,
        })
    }

    /// The variables a template sees: the job's, plus branding defaults.
    fn context(&self, job: &EmailJob) -> Result<Value, MailError> {
        let mut vars: Map<String, Value> = match &job.vars {
            Value::Object(map) => map.clone(),
            Value::Null => Map::new(),
            _ => {
                return Err(MailError::Template(
                    "variables must be a JSON object".to_owned(),
                ));
            }
        };
        let frontend = self.branding.frontend_url.trim_end_matches('/');
        let defaults = [
            ("product_name", self.branding.product_name.clone()),
            ("frontend_url", frontend.to_owned()),
            ("contact_url", format!("{frontend}/contact")),
            ("login_url", format!("{frontend}/login")),
        ];
        for (key, value) in defaults {
            let slot = vars.entry(key).or_insert(Value::Null);
            if slot.is_null() {
                *slot = Value::String(value);
            }
        }
        Ok(Value::Object(vars))
    }
}

impl MailRenderer for HandlebarsRenderer {
    fn render(&self, job: &EmailJob, message_id: &str) -> Result<MailMessage, MailError> {
        let name = job.template.name();
        let data = self.context(job)?;
        let subject = self
            .plain
            .render(&subject_key(name), &data)
            .map_err(render_error)?;
        let text = self.plain.render(name, &data).map_err(render_error)?;
        let html = self.html.render(name, &data).map_err(render_error)?;
        Ok(MailMessage {
            to: job.to.clone(),
            subject: subject.trim().to_owned(),
            html,
            text,
            message_id: message_id.to_owned(),
        })
    }
}

/// Registry key of a template's subject line.
fn subject_key(name: &str) -> String {
    format!("{name}.subject")
}

#[allow(clippy::needless_pass_by_value)] // used as a `map_err` fn
fn template_error(e: handlebars::TemplateError) -> MailError {
    MailError::Template(e.to_string())
}

/// Render errors name the missing variable and the template, never values.
#[allow(clippy::needless_pass_by_value)] // used as a `map_err` fn
fn render_error(e: handlebars::RenderError) -> MailError {
    MailError::Template(e.to_string())
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
