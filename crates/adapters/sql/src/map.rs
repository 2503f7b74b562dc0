//! Row ↔ domain mapping. Loading re-validates every value through the domain
//! types' parsers; a value that no longer parses is `StoreError::Corrupt`.

pub(crate) mod tenancy;
pub(crate) mod tokens;
pub(crate) mod user;
