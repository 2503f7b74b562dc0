//! [`FileMailer`]: the embedded default, one `.eml` file per message.

use crate::{MailBranding, build_message};
use harmony_kernel::mail::{MailError, MailMessage, Mailer};
use std::io;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;

/// Where [`FileMailer::default`]-style setups put mail: `./data/mail`.
pub const DEFAULT_MAIL_DIR: &str = "data/mail";

/// Writes every message as an RFC 5322 `.eml` file instead of sending it, so a
/// development or single-node setup needs no mail server and every mail can be
/// opened in a mail client.
///
/// Files are named `<UTC timestamp>-<message id>.eml`, so a directory listing
/// is in sending order. Writing a message whose `Message-ID` already has a
/// file replaces that file: a retried delivery never duplicates a mail.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    branding: MailBranding,
}

impl FileMailer {
    /// A mailer writing under `dir` (created on first send if missing).
    pub fn new(dir: impl Into<PathBuf>, branding: MailBranding) -> Self {
        Self {
            dir: dir.into(),
            branding,
        }
    }

    /// A mailer writing under [`DEFAULT_MAIL_DIR`], relative to the working
    /// directory.
    pub fn in_default_dir(branding: MailBranding) -> Self {
        Self::new(DEFAULT_MAIL_DIR, branding)
    }

    /// The directory mails are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[async_trait::async_trait]
impl Mailer for FileMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        let bytes = build_message(&self.branding, message)?.formatted();
        let dir = self.dir.clone();
        let key = file_key(&message.message_id);
        let path = tokio::task::spawn_blocking(move || write_eml(&dir, &key, &bytes))
            .await
            .map_err(|e| MailError::Transport(format!("mail writer task failed: {e}")))?
            .map_err(|e| MailError::Transport(format!("cannot write mail file: {e}")))?;
        tracing::info!(
            to = %message.to,
            subject = %message.subject,
            path = %path.display(),
            "e-mail written to file"
        );
        Ok(())
    }
}

/// Writes (or replaces) the file of message `key`; returns its path.
fn write_eml(dir: &Path, key: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let suffix = format!("-{key}.eml");
    let existing = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(&suffix))
        });
    let path = match existing {
        Some(path) => path,
        None => dir.join(format!("{}{suffix}", timestamp())),
    };
    // Write then rename so a reader never sees a half-written mail.
    let tmp = dir.join(format!(".{key}.eml.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// A sortable UTC timestamp with milliseconds, e.g. `20261125T101530.123Z`.
fn timestamp() -> String {
    let format =
        format_description!("[year][month][day]T[hour][minute][second].[subsecond digits:3]Z");
    OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| OffsetDateTime::now_utc().unix_timestamp().to_string())
}

/// The file-name-safe form of a `Message-ID`: `<a.b@host>` → `a.b_host`.
fn file_key(message_id: &str) -> String {
    let key: String = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    let key = key.trim_start_matches('.').to_owned();
    if key.is_empty() {
        "message".to_owned()
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_key_is_safe_and_readable() {
        assert_eq!(file_key("<0193-ab@harmony>"), "0193-ab_harmony");
        assert_eq!(file_key("<../../etc/passwd>"), "_.._etc_passwd");
        assert_eq!(file_key("<>"), "message");
    }

    #[test]
    fn timestamps_sort_lexically() {
        let t = timestamp();
        assert_eq!(t.len(), "20261125T101530.123Z".len(), "{t}");
        assert!(t.ends_with('Z'));
    }
}
