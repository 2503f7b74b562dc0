//! [`MemoryMailer`]: a recording mailer for tests.

use harmony_kernel::mail::{MailError, MailMessage, Mailer};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Keeps every sent message in memory so tests can assert on what would have
/// been delivered, without files or a server.
#[derive(Debug, Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<MailMessage>>,
}

impl MemoryMailer {
    /// An empty mailer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Copies of all messages sent so far, oldest first.
    pub fn messages(&self) -> Vec<MailMessage> {
        self.lock().clone()
    }

    /// The most recent message to `to`, e.g. to pull a token link out of it.
    pub fn last_to(&self, to: &str) -> Option<MailMessage> {
        self.lock().iter().rev().find(|m| m.to == to).cloned()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<MailMessage>> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl Mailer for MemoryMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        self.lock().push(message.clone());
        Ok(())
    }
}
