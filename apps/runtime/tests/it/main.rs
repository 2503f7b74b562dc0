//! Integration tests of the composition root (one test binary for the crate).

mod architecture;
