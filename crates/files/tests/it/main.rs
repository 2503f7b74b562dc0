//! The files use cases against the in-memory adapters.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic
#![allow(
    clippy::too_many_lines,
    clippy::case_sensitive_file_extension_comparisons
)] // scenario tests read top to bottom; keys are generated lower-case

mod admin;
mod branding;
mod manage;
mod rules;
mod storage;
mod support;
mod upload;
