//! Mail adapters: how Harmony's e-mails look and how they leave the process.
//!
//! - [`HandlebarsRenderer`] implements the kernel's `MailRenderer` port with
//!   templates compiled into the binary (HTML auto-escaped, strict variables).
//! - [`SmtpMailer`] implements `Mailer` over a real SMTP server (lettre).
//! - [`FileMailer`] implements `Mailer` by writing `.eml` files, so a
//!   development setup needs no mail server and mails can be inspected.
//! - [`MemoryMailer`] records messages, for tests.
//!
//! All mailers build the same RFC 5322 message ([`build_message`]) so what a
//! developer sees in a `.eml` file is byte-for-byte what SMTP would carry.

mod file;
mod memory;
mod message;
mod render;
mod smtp;

pub use file::{DEFAULT_MAIL_DIR, FileMailer};
pub use memory::MemoryMailer;
pub use message::build_message;
pub use render::HandlebarsRenderer;
pub use smtp::{SmtpMailer, SmtpSettings, SmtpTls};

/// Who sends Harmony's e-mails and where their links point.
///
/// One value configures both the templates (product name, links) and the
/// envelope (From header), so they cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailBranding {
    /// Product name shown in headers and footers, e.g. "Harmony".
    pub product_name: String,
    /// Display name of the From header (`MAIL_FROM_NAME`).
    pub from_name: String,
    /// Address of the From header (`MAIL_FROM`).
    pub from_address: String,
    /// Base URL of the web app, without trailing slash; links are built on it.
    pub frontend_url: String,
}

impl MailBranding {
    /// Branding for local development: `noreply@localhost`, frontend on
    /// `http://localhost:3000`. Production passes its own values.
    pub fn local() -> Self {
        Self {
            product_name: "Harmony".to_owned(),
            from_name: "Harmony".to_owned(),
            from_address: "noreply@localhost".to_owned(),
            frontend_url: "http://localhost:3000".to_owned(),
        }
    }
}

impl Default for MailBranding {
    fn default() -> Self {
        Self::local()
    }
}
