//! Identity's records and value objects.

mod credentials;
mod names;
mod rules;
mod user;

pub use credentials::{
    Email, EmailError, OneTimeToken, Password, PasswordError, PasswordHash, RefreshToken, Session,
    TokenPurpose,
};
pub use names::{NameError, PersonName, RESERVED_SUBDOMAINS, Subdomain, SubdomainError};
pub use rules::{
    company_name, creation_full_name, may_manage, split_admin_name, subdomain_base,
    subdomain_candidates,
};
pub use user::{User, UserKind};
