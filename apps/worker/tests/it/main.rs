//! Integration tests of the outbox delivery worker against a real database
//! (a temporary SQLite file, or a fresh PostgreSQL database when
//! `HARMONY_TEST_DATABASE_URL` is set) and real SMTP.
//!
//! - `crash_restart`: the real `harmony-worker` binary is killed (SIGKILL)
//!   while the SMTP server is down; once the server is up and the worker is
//!   restarted, every queued mail arrives exactly once. The SMTP server is a
//!   small in-test sink, or the CI sink when `HARMONY_TEST_SMTP_URL` and
//!   `HARMONY_TEST_SMTP_MAILDIR` are set.
//! - `concurrent`: two in-process workers racing over one outbox deliver each
//!   message exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concurrent;
mod crash_restart;
mod smtp_sink;
mod support;
