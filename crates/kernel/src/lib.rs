//! The shared vocabulary of every Harmony context.
//!
//! `kernel` owns what all bounded contexts must agree on and nothing else:
//! typed ids, the authenticated [`Principal`] with the [`TenantScope`] and
//! [`OperatorScope`] proofs derived from it, the role→permission matrices, the
//! error kinds the API maps to status codes, the [`Clock`] port, and the ports
//! of the transactional outbox, of mail delivery and of rate limiting. It
//! performs no I/O.

pub mod audit;
pub mod clock;
pub mod error;
pub mod ids;
pub mod mail;
pub mod outbox;
pub mod page;
pub mod permission;
pub mod principal;
pub mod rate_limit;
#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditEntry, AuditStatus, Origin};
pub use clock::{Clock, SystemClock};
pub use error::{AccessError, DomainError, ErrorKind, StoreError};
pub use ids::{BranchId, OutboxId, SessionId, TenantId, UserId};
pub use page::{Page, PageRequest};
pub use permission::{LegacyPermission, SystemPermission, TenantPermission};
pub use principal::{OperatorScope, Principal, SystemRole, TenantRole, TenantScope};
pub use rate_limit::{RateDecision, RateLimiter, RateRule};
