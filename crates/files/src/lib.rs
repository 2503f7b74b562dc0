//! Files: what a tenant stores, under which rules, and where the bytes live.
//!
//! - [`model`]: file records, categories, statuses;
//! - [`rules`]: the §3.9 category table (sizes, types, extensions, key
//!   prefixes), filename and content-type rules, storage keys, the quota;
//! - [`sniff`]: magic-number checks of the first bytes of an upload;
//! - [`ports`]: [`ports::ObjectStorage`] (presigned upload/download URLs,
//!   head, delete — S3, S3-compatible servers or the local file system) and
//!   [`ports::FileStore`] (the `files` table and the tenant's storage
//!   counter, committed atomically with audit entries);
//! - [`service`]: the use cases of api-core §3.9 with their permission
//!   checks ([`FilesService`]);
//! - [`error`]: [`FilesError`], one variant per refusal of the contract.
//!
//! No I/O here: adapters implement the ports.

pub mod error;
pub mod model;
pub mod ports;
pub mod rules;
pub mod service;
pub mod sniff;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{AvatarAction, FilesError};
pub use model::{FileCategory, FileRecord, FileStatus};
pub use service::{FilesConfig, FilesService};
