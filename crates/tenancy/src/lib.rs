//! Tenants (customer organisations) and their branches.
//!
//! Owns the tenant and branch records, their defaults and limits, and the
//! branch use cases of §3.3: list, get, create (subscription and branch
//! limit, code unique per tenant), update, soft delete and set-headquarters
//! (exactly one active headquarters per tenant).
//!
//! Port: [`ports::BranchStore`] plus the kernel's `Clock`. Use cases:
//! [`service::TenancyService`]; errors: [`error::TenancyError`]; the port's
//! executable contract: `testing` (feature `testing`).

pub mod admin;
mod audit;
mod commands;
pub mod error;
pub mod model;
pub mod platform;
pub mod ports;
pub mod service;
pub mod settings;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::TenancyError;
pub use model::{Branch, Limit, SubscriptionStatus, Tenant};
pub use service::{BranchUpdate, NewBranch, TenancyService};
