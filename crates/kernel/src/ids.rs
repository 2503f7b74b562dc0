//! Opaque, copyable identifiers. A `TenantId` can never be passed where a
//! `UserId` is expected, which a bare `Uuid` would allow.

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered (v7) id.
            pub fn new() -> Self { Self(uuid::Uuid::now_v7()) }
            /// Wraps an id read from storage or from a verified token.
            pub const fn from_uuid(raw: uuid::Uuid) -> Self { Self(raw) }
            /// The raw UUID, for storage and serialisation.
            pub const fn into_uuid(self) -> uuid::Uuid { self.0 }
        }
        impl Default for $name { fn default() -> Self { Self::new() } }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { uuid::Uuid::parse_str(s).map(Self) }
        }
        impl From<$name> for uuid::Uuid { fn from(id: $name) -> Self { id.0 } }
    };
}

id_type!(
    /// A customer organisation.
    TenantId
);
id_type!(
    /// A tenant's branch (office, store, site).
    BranchId
);
id_type!(
    /// A person who can sign in: a system user or a tenant user.
    UserId
);
id_type!(
    /// One sign-in: the family of refresh tokens minted from one login.
    SessionId
);
id_type!(
    /// A message waiting in the transactional outbox.
    OutboxId
);
