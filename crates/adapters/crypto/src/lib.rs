//! Cryptography adapters for identity's ports.
//!
//! - [`Argon2Hasher`] implements
//!   [`PasswordHasher`](harmony_identity::ports::PasswordHasher) with argon2id
//!   (OWASP parameters); it also verifies the original database's bcrypt
//!   hashes and asks for a re-hash.
//! - [`JwtCodec`] implements [`TokenCodec`](harmony_identity::ports::TokenCodec)
//!   with HS256.
//! - [`RandomSecrets`] implements
//!   [`SecretGenerator`](harmony_identity::ports::SecretGenerator), backed by
//!   the operating system's RNG.
//! - [`is_weak_jwt_secret`] is the production start-up check of the signing key.

mod jwt;
mod password;
mod pool;
mod secrets;

pub use jwt::JwtCodec;
pub use password::{Argon2Hasher, Argon2Params};
pub use secrets::{RandomSecrets, is_weak_jwt_secret};
