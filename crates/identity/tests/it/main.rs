//! Identity's use cases against the in-memory store and simple fakes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod accounts;
mod auth;
mod fakes;
mod impersonation;
mod links;
mod model;
mod registration;
mod users;
