//! In-memory implementations of the ports, for tests, examples and the
//! contract suites.
//!
//! [`InMemoryStore`] implements identity's `IdentityStore` and the kernel's
//! `OutboxStore` over ONE shared state, so outbox messages committed by an
//! identity use case are exactly what the outbox worker sees — as with the
//! SQL adapter, where both live in the same database. [`ManualClock`] and
//! [`FixedClock`] let tests control "now".

mod clock;
mod identity;
mod outbox;

pub use clock::{FixedClock, ManualClock};
pub use identity::InMemoryStore;
