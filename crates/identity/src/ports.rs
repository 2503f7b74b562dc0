//! What identity needs from the outside world.

use crate::model::{
    Email, OneTimeToken, Password, PasswordHash, RefreshToken, Session, TokenPurpose, User,
};
use harmony_kernel::AuditEntry;
use harmony_kernel::outbox::OutboxMessage;
use harmony_kernel::{
    BranchId, OperatorScope, Page, PageRequest, SessionId, StoreError, SystemRole, TenantId,
    TenantRole, TenantScope, UserId,
};
use harmony_tenancy::{Branch, Limit, Tenant};
use secrecy::SecretString;
use time::OffsetDateTime;
use uuid::Uuid;

/// One write of an identity use case's outcome. A [`IdentityStore::commit`]
/// applies a list of them in order, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Insert a tenant (registration).
    InsertTenant(Tenant),
    /// Insert a branch (registration's head office).
    InsertBranch(Branch),
    /// Insert an account.
    InsertUser(User),
    /// Claim a seat for one more active user of a tenant, before the change
    /// that adds the user. The store MUST serialise concurrent claims for the
    /// same tenant (lock the tenant row) and fail with
    /// `Conflict("user_limit")` unless the tenant's active users at this point
    /// of the commit are fewer than `limit`. A check outside the transaction
    /// would let parallel requests exceed the plan's limit.
    ReserveUserSeat {
        /// The tenant.
        tenant_id: TenantId,
        /// Its user limit.
        limit: Limit,
    },
    /// Overwrite an account. MUST fail with `StaleVersion` unless the stored
    /// version equals `expected_version`; stores `user.version` (= expected + 1).
    UpdateUser {
        /// The new state.
        user: User,
        /// The version the decision was based on.
        expected_version: i64,
    },
    /// Insert a one-time token.
    InsertOneTimeToken(OneTimeToken),
    /// Mark a token used. MUST fail with `StaleVersion` if it was used already.
    ConsumeOneTimeToken {
        /// Token id.
        id: Uuid,
        /// Use time.
        at: OffsetDateTime,
    },
    /// Mark every unused token of a user and purpose used (superseded).
    RetireOneTimeTokens {
        /// Whose tokens.
        user_id: UserId,
        /// Which purpose.
        purpose: TokenPurpose,
        /// Retirement time.
        at: OffsetDateTime,
    },
    /// Start a session.
    InsertSession(Session),
    /// Revoke one session (no-op if already revoked).
    RevokeSession {
        /// Session id.
        id: SessionId,
        /// Revocation time.
        at: OffsetDateTime,
    },
    /// Revoke every live session of a user.
    RevokeUserSessions {
        /// Whose sessions.
        user_id: UserId,
        /// Revocation time.
        at: OffsetDateTime,
    },
    /// Store a refresh token.
    InsertRefreshToken(RefreshToken),
    /// Record a rotation. MUST fail with `StaleVersion` if the token was
    /// rotated already (two refreshes raced; the loser re-reads).
    RotateRefreshToken {
        /// The old token's `jti`.
        id: Uuid,
        /// Rotation time.
        at: OffsetDateTime,
        /// The successor's `jti`.
        successor_id: Uuid,
    },
    /// Queue a message in the outbox.
    Outbox(OutboxMessage),
    /// Hard-delete a tenant and everything of it: its users, their sessions,
    /// refresh and one-time tokens, and its branches (account closure,
    /// §10.3). Outbox messages stay. MUST fail with `StaleVersion` when the
    /// tenant does not exist (e.g. a concurrent closure won).
    DeleteTenant {
        /// The tenant.
        tenant_id: TenantId,
    },
    /// Hard-delete every tenant as [`Change::DeleteTenant`] does (the admin
    /// tools' database reset, only with `dev.tools`); system users, the
    /// outbox and the audit trail stay.
    DeleteAllTenants,
    /// Append an entry to its tenant's audit chain, in the same transaction
    /// as the changes it describes (a failed append undoes them).
    Audit(AuditEntry),
}

/// How much tenant data exists (the database reset reports it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TenantDataCounts {
    /// Tenants, deleted or not.
    pub tenants: u64,
    /// Branches of every tenant.
    pub branches: u64,
    /// Tenant users, deleted or not.
    pub users: u64,
    /// System users (kept by a reset).
    pub system_users: u64,
}

/// Filters of the tenant user list (§3.2 #1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Case-insensitive substring of e-mail, first, last or full name.
    pub search: Option<String>,
    /// Exact tenant role.
    pub tenant_role: Option<TenantRole>,
    /// Exact system role (admin list only).
    pub system_role: Option<SystemRole>,
    /// Default branch.
    pub branch_id: Option<BranchId>,
    /// Tenant (admin list only; data, not a scope).
    pub tenant_id: Option<TenantId>,
}

/// A user with the names of its default branch and tenant, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct UserListing {
    /// The account.
    pub user: User,
    /// Default branch name.
    pub branch_name: Option<String>,
    /// Default branch code.
    pub branch_code: Option<String>,
    /// Tenant name (admin listing).
    pub tenant_name: Option<String>,
    /// Tenant subdomain (admin listing).
    pub tenant_subdomain: Option<String>,
}

/// Persistence of accounts, sessions and tokens.
///
/// Reads that run before a caller is authenticated (login, refresh, links)
/// take natural keys; every tenant-scoped read takes a [`TenantScope`].
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait IdentityStore: Send + Sync {
    /// Applies every change in order, atomically: all or nothing.
    ///
    /// # Errors
    /// `StaleVersion` per the [`Change`] docs; `Conflict` when a unique rule
    /// breaks (live e-mail, subdomain, one active owner per tenant).
    async fn commit(&self, changes: &[Change]) -> Result<(), StoreError>;

    /// An account by id, deleted or not.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// The live (not deleted) account with this e-mail.
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// An account of the scope's tenant, deleted or not; `None` for other tenants.
    async fn tenant_user(
        &self,
        scope: &TenantScope,
        id: UserId,
    ) -> Result<Option<User>, StoreError>;
    /// Active users of the scope's tenant, newest first.
    async fn list_tenant_users(
        &self,
        scope: &TenantScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError>;
    /// Active users of every tenant and the platform, newest first.
    async fn list_all_users(
        &self,
        scope: &OperatorScope,
        filter: &UserFilter,
        page: PageRequest,
    ) -> Result<Page<UserListing>, StoreError>;
    /// Active users of the scope's tenant (owner included).
    async fn count_active_users(&self, scope: &TenantScope) -> Result<u64, StoreError>;
    /// Whether any system admin exists (first-start bootstrap).
    async fn system_admin_exists(&self) -> Result<bool, StoreError>;
    /// How many tenants, branches, tenant users and system users exist.
    async fn tenant_data_counts(
        &self,
        scope: &OperatorScope,
    ) -> Result<TenantDataCounts, StoreError>;

    /// A tenant by id.
    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    /// A tenant by subdomain, active or not.
    async fn tenant_by_subdomain(&self, subdomain: &str) -> Result<Option<Tenant>, StoreError>;
    /// A branch of the scope's tenant; `None` for other tenants' branches.
    async fn tenant_branch(
        &self,
        scope: &TenantScope,
        id: BranchId,
    ) -> Result<Option<Branch>, StoreError>;

    /// A session by id.
    async fn session(&self, id: SessionId) -> Result<Option<Session>, StoreError>;
    /// A refresh token by `jti`.
    async fn refresh_token(&self, id: Uuid) -> Result<Option<RefreshToken>, StoreError>;
    /// A one-time token by digest and purpose, used or not.
    async fn one_time_token(
        &self,
        purpose: TokenPurpose,
        digest: &str,
    ) -> Result<Option<OneTimeToken>, StoreError>;
}

/// The result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Wrong password.
    Mismatch,
    /// Right password, hash is current.
    Match,
    /// Right password, but the hash uses old parameters or bcrypt: re-hash.
    MatchNeedsRehash,
}

/// Slow password hashing (argon2id; bcrypt verified for imported accounts).
/// Implementations MUST run the work off the async executor.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait::async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a policy-checked password.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, StoreError>;
    /// Checks a candidate; unknown or malformed hashes are a mismatch.
    async fn verify(&self, candidate: &SecretString, hash: &PasswordHash) -> Verification;
    /// Spends the same time as a real verification, for unknown accounts, so
    /// response time does not reveal whether an account exists.
    async fn verify_dummy(&self, candidate: &SecretString);
}

/// Which of the two JWT kinds a token is (defect 1: never interchangeable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Short-lived, sent on every request.
    Access,
    /// Long-lived, only exchanged at `/auth/refresh`.
    Refresh,
}

/// The claims of Harmony's JWTs: the contract's claims plus `type`, `jti`,
/// `iat` and `sid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Subject.
    pub user_id: UserId,
    /// Tenant and role, for tenant users.
    pub tenant: Option<(TenantId, TenantRole)>,
    /// System role, for system users.
    pub system_role: Option<SystemRole>,
    /// Legacy role string.
    pub legacy_role: String,
    /// Access or refresh.
    pub kind: TokenKind,
    /// Token id.
    pub jti: Uuid,
    /// Session id.
    pub session_id: SessionId,
    /// Issued at.
    pub issued_at: OffsetDateTime,
    /// Expires at.
    pub expires_at: OffsetDateTime,
    /// The `act` (actor) claim of RFC 8693: the system admin acting through
    /// an impersonation token; `None` for ordinary tokens.
    pub actor: Option<UserId>,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, bad shape, or wrong kind.
    #[error("invalid token")]
    Invalid,
    /// Past `exp`.
    #[error("expired token")]
    Expired,
}

/// Signs and verifies JWTs (HS256).
pub trait TokenCodec: Send + Sync {
    /// Signs the claims. Deterministic: equal claims give equal tokens.
    fn encode(&self, claims: &Claims) -> String;
    /// Verifies signature, expiry against `now`, and that the kind is `expected`.
    ///
    /// # Errors
    /// [`TokenError`] when any check fails.
    fn decode(
        &self,
        token: &str,
        expected: TokenKind,
        now: OffsetDateTime,
    ) -> Result<Claims, TokenError>;
}

/// Random secrets and their digests for one-time and refresh tokens.
pub trait SecretGenerator: Send + Sync {
    /// 32 random bytes, URL-safe base64 without padding (43 characters).
    fn token(&self) -> String;
    /// Lower-case hex SHA-256 of `token`; what the store keeps.
    fn digest(&self, token: &str) -> String;
    /// A password for generated accounts (bootstrap admin), satisfying the policy.
    fn password(&self) -> String;
}
