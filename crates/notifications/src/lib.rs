//! In-app notifications (§3.10, §9 of the contract).
//!
//! - [`model`] — the 18 [`NotificationType`]s in 6 [`Category`]s, the
//!   [`Priority`]s, the [`Notification`] record and the [`Preference`] rows
//!   with the pure §9.2 resolution rule ([`resolve`]);
//! - [`ports`] — [`NotificationStore`] (the caller's inbox and preferences)
//!   and [`RecipientDirectory`] (who receives a broadcast — identity's
//!   data, so identity's adapters implement it);
//! - [`service::NotificationService`] — one method per endpoint, and the
//!   notifier API other contexts call ([`service::decide`] is pure, so the
//!   records can be inserted in the caller's own commit);
//! - `testing` (feature `testing`): the executable store contract.

pub mod error;
pub mod model;
pub mod ports;
pub mod service;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::NotificationError;
pub use model::{
    Category, Delivery, Notification, NotificationType, Preference, PreferenceUpdate, Priority,
    WILDCARD, resolve,
};
pub use ports::{
    Audience, NotificationFilter, NotificationStats, NotificationStore, Recipient,
    RecipientDirectory,
};
pub use service::{
    AdminSend, Catalogue, Draft, ListQuery, NotificationList, NotificationService, SendOutcome,
    Target, TypeInfo, decide,
};
