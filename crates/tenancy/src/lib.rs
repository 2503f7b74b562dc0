//! Tenants (customer organisations) and their branches.
//!
//! Owns the tenant and branch records, their defaults and limits. The
//! foundation needs only what registration and user management read; the
//! tenancy issue adds the tenant-settings, branch and admin use cases.

pub mod model;

pub use model::{Branch, Limit, SubscriptionStatus, Tenant};
