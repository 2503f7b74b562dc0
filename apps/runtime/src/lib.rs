//! Composition root shared by harmony-api and harmony-worker.

pub mod allocator;
pub mod settings;
pub mod storage;
pub mod wiring;
