//! The notifications use cases: one method per endpoint of §3.10 and the
//! notifier other contexts call.
//!
//! - [`inbox`]: the user endpoints 1–12, always on the caller's own inbox;
//! - [`admin`]: the G-SUPER endpoints A1–A3;
//! - [`notifier`]: [`decide`] (pure) and the notifier methods;
//! - [`types`]: the request and response shapes as domain types.

pub mod admin;
pub mod inbox;
pub mod notifier;
pub mod types;

use crate::ports::{NotificationStore, RecipientDirectory};
use harmony_kernel::Clock;
use std::sync::Arc;

pub use notifier::{Draft, decide};
pub use types::{AdminSend, Catalogue, ListQuery, NotificationList, SendOutcome, Target, TypeInfo};

/// The notifications use cases over their ports.
#[derive(Clone)]
pub struct NotificationService {
    store: Arc<dyn NotificationStore>,
    directory: Arc<dyn RecipientDirectory>,
    clock: Arc<dyn Clock>,
}

impl NotificationService {
    /// Wires the service; the composition root passes the adapters.
    pub fn new(
        store: Arc<dyn NotificationStore>,
        directory: Arc<dyn RecipientDirectory>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            directory,
            clock,
        }
    }
}
