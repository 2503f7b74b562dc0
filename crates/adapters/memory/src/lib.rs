//! In-memory implementations of the ports, for tests, examples and the
//! contract suites.
//!
//! [`InMemoryStore`] implements identity's `IdentityStore` and the kernel's
//! `OutboxStore` over ONE shared state, so outbox messages committed by an
//! identity use case are exactly what the outbox worker sees — as with the
//! SQL adapter, where both live in the same database. [`ManualClock`] and
//! [`FixedClock`] let tests control "now". [`InProcessRateLimiter`] is a
//! production-grade limiter for a single process (the embedded default) and
//! the fallback of the Redis one.

mod admin_tenants;
mod audit;
mod branches;
mod clock;
mod files;
mod identity;
mod notifications;
mod objects;
mod outbox;
pub use outbox::OutboxStats;
mod platform;
mod rate_limit;
mod settings;

pub use audit::InMemoryArchiveStore;
pub use clock::{FixedClock, ManualClock};
pub use identity::InMemoryStore;
pub use objects::InMemoryObjectStorage;
pub use rate_limit::{DEFAULT_MAX_KEYS, InProcessRateLimiter};
