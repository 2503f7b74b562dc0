//! Object storage for the files context: three implementations of
//! [`harmony_files::ports::ObjectStorage`].
//!
//! - [`S3ObjectStorage`]: AWS S3 or any S3-compatible server (MinIO, moto),
//!   on object_store's `AmazonS3`; presigned URLs come from object_store's
//!   signer, the bucket bootstrap (create, public-read policy, CORS) is sent
//!   by hand and signed with [`sigv4`], because object_store has no bucket API;
//! - [`LocalObjectStorage`]: the embedded default, files under a directory and
//!   URLs that the API itself serves, signed with HMAC-SHA256;
//! - [`InMemoryObjectStorage`]: object_store's `InMemory`, for tests.
//!
//! Owns no metadata: the `files` table is the SQL adapter's. See
//! `docs/storage.md` for configuration.

pub mod archive;
mod convert;
pub mod local;
pub mod memory;
pub mod s3;
pub mod sigv4;
#[cfg(feature = "testing")]
pub mod testing;

pub use archive::ObjectStoreArchive;
pub use local::{BlobError, BlobGrant, BlobMethod, LocalObjectConfig, LocalObjectStorage};
pub use memory::InMemoryObjectStorage;
pub use s3::{S3Config, S3ObjectStorage};
