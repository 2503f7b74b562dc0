//! glibc malloc tuning for the binaries.
//!
//! Every argon2 hash or verification allocates `m_cost` KiB (19 MiB). glibc
//! serves the first such block with `mmap`, then raises its dynamic mmap
//! threshold to that size, so later blocks come from the heap arenas, which
//! keep the memory after `free`: a server that started at ~26 MB held
//! ~350–500 MB, idle, after one benchmark run (docs/performance.md). Fixing
//! the threshold at 1 MiB keeps large blocks on `mmap`, returned to the OS on
//! `free` (measured: ~31 MB after the same load), at the price of mapping
//! fresh pages per hash, which is small next to the hash itself.
//!
//! glibc reads `MALLOC_MMAP_THRESHOLD_` only at start-up and setting it from
//! inside the process needs `unsafe` (`mallopt`), so the binary re-executes
//! itself once with the variable set. Set the variable yourself (any value)
//! to skip this; other allocators and platforms are left alone.

/// The environment variable glibc reads, and the value we give it.
const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
const ONE_MIB: &str = "1048576";

/// Re-executes the current binary with the threshold fixed, unless it is
/// already set; returns only when no re-exec happened (or it failed).
pub fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt as _;
        if std::env::var_os(VAR).is_some() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let error = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(VAR, ONE_MIB)
            .exec();
        // exec only returns on failure; run on with glibc's defaults
        eprintln!("could not re-execute with {VAR} set ({error}); continuing");
    }
}
