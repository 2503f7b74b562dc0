//! Integration tests of the SQL store: the port contracts on SQLite (always)
//! and on PostgreSQL (when `HARMONY_TEST_DATABASE_URL` is set).

mod audit;
mod branches;
mod files;
mod notifications;
mod outbox;
mod postgres;
mod sqlite;
mod support;
