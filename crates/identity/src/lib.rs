//! Identity: accounts, credentials, sessions and the links sent by e-mail.
//!
//! Owns users (system and tenant), password hashes, sign-in sessions with
//! rotating refresh tokens, one-time tokens (verify, reset, invite),
//! registration of a new tenant with its owner, invitations, ownership
//! transfer and self-deletion. Does not own tenants or branches (tenancy) or
//! the delivery of e-mail (the outbox worker).
//!
//! Ports: [`ports::IdentityStore`], [`ports::PasswordHasher`],
//! [`ports::TokenCodec`], [`ports::SecretGenerator`], and the kernel's `Clock`.
//! Use cases: [`service::IdentityService`]; errors: [`error::IdentityError`].

pub mod error;
pub mod model;
pub mod ports;
pub mod service;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::IdentityError;
pub use service::{IdentityConfig, IdentityService, TokenPair};
