//! Black-box tests of the HTTP layer: one binary, one module per feature.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns panic on purpose

mod docs;
mod errors;
mod health;
mod middleware;
mod support;
