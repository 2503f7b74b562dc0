//! Tenancy's branch use cases against the in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod admin;
mod branches;
mod settings;
