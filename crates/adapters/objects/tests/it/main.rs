//! Integration tests of the object-storage adapters: the ObjectStorage
//! contract on the local file system, in memory and (when
//! `HARMONY_TEST_S3_URL` is set) an S3-compatible server, plus the local
//! store's signature and key checks.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod archive;
mod local;
mod memory;
mod s3;

use harmony_kernel::Clock;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// A clock the tests move by hand (URL expiry).
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl TestClock {
    /// A clock at the real current time.
    pub fn now() -> Arc<Self> {
        Arc::new(Self(Mutex::new(harmony_kernel::SystemClock.now())))
    }

    /// Moves time forward.
    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}
