//! sea-orm implementation of Harmony's storage ports for PostgreSQL and SQLite.
//!
//! [`SqlStore`] owns a connection pool and implements
//! [`harmony_identity::ports::IdentityStore`] and
//! [`harmony_kernel::outbox::OutboxStore`]. The SQL is portable; the few
//! backend-specific pieces (`FOR UPDATE SKIP LOCKED`, SQLite timestamp
//! comparisons) are chosen at run time from the connection's backend.

mod audit;
#[allow(missing_docs)]
pub mod entity;
mod error;
mod files;
mod identity;
mod map;
mod notifications;
mod outbox;
pub use outbox::OutboxStats;
mod store;
mod tenancy;
mod timestamps;

pub use error::store_err;
pub use store::SqlStore;
