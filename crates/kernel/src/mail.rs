//! E-mail as ports: what to send ([`EmailJob`], queued in the outbox), how it
//! looks ([`MailRenderer`]) and how it leaves ([`Mailer`]).

use crate::ids::OutboxId;
use crate::outbox::{OutboxMessage, TOPIC_EMAIL};
use time::OffsetDateTime;

/// The e-mails Harmony sends (spec §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTemplate {
    /// After self-registration.
    Welcome,
    /// Confirms an address (resend-verification).
    EmailVerification,
    /// Forgot-password link.
    PasswordReset,
    /// Invitation to join a tenant.
    UserInvitation,
    /// Notice that the password was changed (so a hijack is noticed).
    PasswordChanged,
}

impl MailTemplate {
    /// The template's file stem.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Welcome => "welcome",
            Self::EmailVerification => "email-verification",
            Self::PasswordReset => "password-reset",
            Self::UserInvitation => "user-invitation",
            Self::PasswordChanged => "password-changed",
        }
    }
}

/// A request to send one templated e-mail; the outbox payload of topic `email`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmailJob {
    /// Recipient address.
    pub to: String,
    /// Which template.
    pub template: MailTemplate,
    /// Template variables (escaped by the renderer).
    pub vars: serde_json::Value,
}

impl EmailJob {
    /// Wraps the job as an outbox message.
    pub fn into_outbox(self, created_at: OffsetDateTime) -> OutboxMessage {
        OutboxMessage {
            id: OutboxId::new(),
            topic: TOPIC_EMAIL.to_owned(),
            payload: serde_json::to_value(&self).unwrap_or(serde_json::Value::Null),
            created_at,
        }
    }
}

/// A rendered message, ready for a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// HTML body.
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// Stable id (from the outbox id) so a retried delivery is recognisable.
    pub message_id: String,
}

/// Why rendering or sending failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The job cannot be rendered; retrying will not help.
    #[error("cannot render e-mail: {0}")]
    Template(String),
    /// The recipient or message was refused for good.
    #[error("e-mail rejected: {0}")]
    Rejected(String),
    /// The transport failed; a later retry may succeed.
    #[error("e-mail transport failed: {0}")]
    Transport(String),
}

impl MailError {
    /// Whether a retry may succeed.
    pub const fn is_transient(&self) -> bool {
        matches!(self, Self::Transport(_))
    }
}

/// Turns a job into a message.
pub trait MailRenderer: Send + Sync {
    /// Renders subject, HTML and text.
    ///
    /// # Errors
    /// [`MailError::Template`] for unknown variables or broken templates.
    fn render(&self, job: &EmailJob, message_id: &str) -> Result<MailMessage, MailError>;
}

/// Sends rendered messages.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers one message to the transport.
    ///
    /// # Errors
    /// [`MailError::Transport`] when a retry may help, [`MailError::Rejected`] otherwise.
    async fn send(&self, message: &MailMessage) -> Result<(), MailError>;
}
