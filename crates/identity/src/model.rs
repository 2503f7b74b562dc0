//! Identity's records and value objects.

mod credentials;
mod names;
mod user;

pub use credentials::{
    Email, EmailError, OneTimeToken, Password, PasswordError, PasswordHash, RefreshToken, Session,
    TokenPurpose,
};
pub use names::{NameError, PersonName, Subdomain, SubdomainError};
pub use user::{User, UserKind};
