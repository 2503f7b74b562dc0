//! [`SmtpMailer`]: delivery to a real SMTP server through lettre.

use crate::{MailBranding, build_message};
use harmony_kernel::mail::{MailError, MailMessage, Mailer};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpTls {
    /// Plain text; only for a relay on a trusted network or a test sink.
    None,
    /// Plain connect, then a required `STARTTLS` upgrade (usually port 587).
    #[default]
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Implicit,
}

/// Connection settings of an SMTP server (spec §7: `MAIL_SERVER`,
/// `MAIL_PORT`, `MAIL_STARTTLS`, `MAIL_SSL_TLS`, `MAIL_USERNAME`,
/// `MAIL_PASSWORD`).
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// Server host name; also the name its TLS certificate must carry.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login, if the server requires authentication.
    pub username: Option<String>,
    /// Password for `username`; kept secret in memory and in logs.
    pub password: Option<SecretString>,
    /// Transport security.
    pub tls: SmtpTls,
    /// Limit for connecting and for each SMTP command, so a hung server turns
    /// into a retryable error instead of a stuck worker.
    pub timeout: Duration,
}

impl SmtpSettings {
    /// Default per-command timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
}

/// Sends messages to an SMTP server over a pooled lettre transport.
///
/// Errors are classified for the outbox: a permanent (5xx) answer to the
/// message is [`MailError::Rejected`] (retrying cannot help); connection
/// problems, timeouts, 4xx answers and authentication failures (an operator
/// can fix those) are [`MailError::Transport`] and get retried.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    branding: MailBranding,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("branding", &self.branding)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for `settings`. Does not connect yet; the first send does.
    ///
    /// Must be called inside a Tokio runtime: the connection pool starts a
    /// background task.
    ///
    /// # Errors
    /// [`MailError::Transport`] when the TLS parameters cannot be built.
    pub fn new(settings: &SmtpSettings, branding: MailBranding) -> Result<Self, MailError> {
        let tls = match settings.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters(&settings.host)?),
            SmtpTls::Implicit => Tls::Wrapper(tls_parameters(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(user) = &settings.username {
            let password = settings
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            branding,
        })
    }

    /// A mailer from a connection URL such as `smtp://127.0.0.1:1025`
    /// (plain), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://host` (implicit TLS), as used by `HARMONY_TEST_SMTP_URL`.
    /// Uses [`SmtpSettings::DEFAULT_TIMEOUT`].
    ///
    /// Must be called inside a Tokio runtime (see [`SmtpMailer::new`]).
    ///
    /// # Errors
    /// [`MailError::Transport`] when the URL is invalid; the message never
    /// repeats the URL, which may hold a password.
    pub fn from_url(url: &str, branding: MailBranding) -> Result<Self, MailError> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| MailError::Transport("invalid SMTP connection URL".to_owned()))?;
        let transport = builder.timeout(Some(SmtpSettings::DEFAULT_TIMEOUT)).build();
        Ok(Self {
            transport,
            branding,
        })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        let email = build_message(&self.branding, message)?;
        self.transport.send(email).await.map_err(|e| classify(&e))?;
        tracing::info!(to = %message.to, subject = %message.subject, "e-mail sent via SMTP");
        Ok(())
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, MailError> {
    TlsParameters::new(host.to_owned())
        .map_err(|e| MailError::Transport(format!("cannot set up TLS for {host}: {e}")))
}

/// Maps a lettre error onto the outbox's retry decision.
fn classify(error: &lettre::transport::smtp::Error) -> MailError {
    let code = error.status().map(|c| c.to_string());
    match code.as_deref() {
        // Authentication problems are configuration, not the message: retry.
        Some("530" | "534" | "535" | "538") => MailError::Transport(error.to_string()),
        Some(_) if error.is_permanent() => MailError::Rejected(error.to_string()),
        _ => MailError::Transport(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn builds_for_every_tls_mode_without_connecting() {
        for tls in [SmtpTls::None, SmtpTls::StartTls, SmtpTls::Implicit] {
            let settings = SmtpSettings {
                host: "smtp.example.com".to_owned(),
                port: 587,
                username: Some("user".to_owned()),
                password: Some(SecretString::from("hunter2")),
                tls,
                timeout: Duration::from_secs(5),
            };
            let mailer = SmtpMailer::new(&settings, MailBranding::local()).unwrap();
            assert!(!format!("{mailer:?}").contains("hunter2"));
        }
    }

    #[tokio::test]
    async fn bad_url_does_not_echo_it() {
        let err = SmtpMailer::from_url("ftp://u:secretpw@x", MailBranding::local()).unwrap_err();
        assert!(matches!(err, MailError::Transport(_)));
        assert!(!err.to_string().contains("secretpw"));
    }
}
