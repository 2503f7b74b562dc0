//! The audit trail: who did what, where from, and proof that nobody changed it.
//!
//! Use cases of other contexts decide a kernel [`AuditEntry`] and put it in
//! their commit; the storage adapters append it to its chain in the same
//! transaction (see `harmony-adapters-sql`'s `append_entries`). This crate
//! owns everything after that:
//!
//! - [`chain`]: the hash chain (one per tenant plus one for the platform),
//!   its canonical encoding and [`chain::verify_chain`] — see ADR 0006;
//! - [`ports`]: [`ports::AuditStore`] (append, query, archive selection) and
//!   [`ports::ArchiveStore`] (where archive files live);
//! - [`service::AuditService`]: the audit endpoints' use cases with their
//!   permission checks and tenant scoping (§3.8), archiving that deletes
//!   only what it verifiably wrote, chain verification and export;
//! - `testing` (feature `testing`): the executable store contract.

pub mod archive;
pub mod chain;
pub mod error;
pub mod export;
pub mod model;
pub mod ports;
pub mod service;
#[cfg(feature = "testing")]
pub mod testing;

pub use chain::{ChainBreak, ChainReport, GENESIS_HASH, chain_hash, normalise, verify_chain};
pub use error::AuditError;
pub use export::ExportFormat;
pub use harmony_kernel::{AuditEntry, AuditStatus, Origin};
pub use model::{
    ArchiveDir, ArchiveFileInfo, AuditFilter, AuditRecord, AuditStatistics, TenantFilter,
};
pub use ports::{ArchiveStore, AuditStore};
pub use service::{AuditQuery, AuditService, VerifyTarget};
