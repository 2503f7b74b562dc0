//! The notifications use cases against the in-memory adapters.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod admin;
mod inbox;
mod notifier;
mod preferences;
mod support;
