//! E-mail addresses, passwords and the token records behind sessions and links.

use harmony_kernel::{SessionId, UserId};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use uuid::Uuid;

/// Domains of throw-away mailboxes refused at sign-up (§6.3, applied: defect 27).
const DISPOSABLE_DOMAINS: [&str; 9] = [
    "tempmail.com",
    "10minutemail.com",
    "guerrillamail.com",
    "mailinator.com",
    "throwaway.email",
    "temp-mail.org",
    "fakeinbox.com",
    "trashmail.com",
    "yopmail.com",
];

/// A syntactically valid, trimmed, lower-cased e-mail address. Lower-casing
/// the whole address (not only the domain) fixes the original's duplicate
/// accounts that differed only in case (defect 27).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why an address was refused; the text is the contract's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not an address.
    #[error("value is not a valid email address: {0}")]
    Malformed(String),
    /// A disposable mailbox.
    #[error("Disposable email addresses are not allowed. Please use a permanent email address.")]
    Disposable,
}

impl Email {
    /// Parses and normalises an address.
    ///
    /// # Errors
    /// [`EmailError::Malformed`] unless there is exactly one `@`, a non-empty
    /// local part of at most 64 characters, a dotted domain without empty
    /// labels, no white space, and at most 254 characters in all.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        let malformed = |why: &str| EmailError::Malformed(why.to_owned());
        if s.len() > 254 || s.chars().any(char::is_whitespace) {
            return Err(malformed("the address is too long or contains white space"));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(malformed("An email address must have an @-sign."));
        };
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return Err(malformed("The part before the @-sign is not valid."));
        }
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !labels_ok {
            return Err(malformed("The part after the @-sign is not valid."));
        }
        Ok(Self(s))
    }

    /// Parses an address for a new account: also refuses disposable domains.
    ///
    /// # Errors
    /// As [`Email::parse`], plus [`EmailError::Disposable`].
    pub fn parse_for_signup(raw: &str) -> Result<Self, EmailError> {
        let email = Self::parse(raw)?;
        if DISPOSABLE_DOMAINS.contains(&email.domain()) {
            return Err(EmailError::Disposable);
        }
        Ok(email)
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, d)| d)
    }

    /// The part before `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(l, _)| l)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, EmailError> {
        Self::parse(&s)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}
impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Passwords refused for being too common (§6.1 c).
const COMMON_PASSWORDS: [&str; 8] = [
    "password",
    "12345678",
    "password123",
    "admin123",
    "qwerty123",
    "letmein",
    "welcome123",
    "monkey123",
];

/// A plaintext password that satisfies the policy of §6.1. `Debug` is
/// redacted; it is never stored and only goes to the `PasswordHasher`.
#[derive(Debug)]
pub struct Password(SecretString);

/// Why a password was refused; the text is the contract's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than 8 characters.
    #[error("Password must be at least 8 characters long")]
    TooShort,
    /// More than 128 characters, or more than 72 bytes (the bcrypt limit
    /// the original silently truncated at, defect 48; kept so hashes stay
    /// portable).
    #[error("Password must not exceed 128 characters")]
    TooLong,
    /// Longer than 72 bytes of UTF-8.
    #[error("Password must not exceed 72 bytes")]
    TooManyBytes,
    /// On the common-passwords list.
    #[error("This password is too common. Please choose a stronger password.")]
    TooCommon,
    /// Missing character classes, in the contract's order.
    #[error("Password must contain {}", .0.join(", "))]
    MissingClasses(Vec<&'static str>),
}

impl Password {
    /// Applies the policy.
    ///
    /// # Errors
    /// The first failing rule of §6.1 in the contract's order: length (code
    /// points), common list, then all missing classes at once.
    pub fn parse(candidate: SecretString) -> Result<Self, PasswordError> {
        let pw = candidate.expose_secret();
        let chars = pw.chars().count();
        if chars < 8 {
            return Err(PasswordError::TooShort);
        }
        if chars > 128 {
            return Err(PasswordError::TooLong);
        }
        if pw.len() > 72 {
            return Err(PasswordError::TooManyBytes);
        }
        if COMMON_PASSWORDS.contains(&pw.to_lowercase().as_str()) {
            return Err(PasswordError::TooCommon);
        }
        let mut missing = Vec::new();
        if !pw.chars().any(|c| c.is_ascii_uppercase()) {
            missing.push("at least one uppercase letter");
        }
        if !pw.chars().any(|c| c.is_ascii_lowercase()) {
            missing.push("at least one lowercase letter");
        }
        if !pw.chars().any(char::is_numeric) {
            missing.push("at least one number");
        }
        if missing.is_empty() {
            Ok(Self(candidate))
        } else {
            Err(PasswordError::MissingClasses(missing))
        }
    }

    /// The plaintext, for the hasher adapter only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A PHC (argon2id) or modular-crypt (bcrypt `$2b$`) hash. A distinct type so
/// a hash can never be passed where a password is expected.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash produced by a hasher or read from storage.
    pub fn new(hash: String) -> Self {
        Self(hash)
    }
    /// The encoded hash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// What a one-time token proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Ownership of the e-mail address.
    EmailVerification,
    /// Right to set a new password.
    PasswordReset,
    /// Right to accept an invitation.
    Invitation,
}

impl TokenPurpose {
    /// Storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EmailVerification => "email_verification",
            Self::PasswordReset => "password_reset",
            Self::Invitation => "invitation",
        }
    }
    /// Parses the storage name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::EmailVerification,
            Self::PasswordReset,
            Self::Invitation,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A single-use link token. Only its digest is stored (defect 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// Id.
    pub id: Uuid,
    /// Whose token.
    pub user_id: UserId,
    /// What it proves.
    pub purpose: TokenPurpose,
    /// SHA-256 hex digest of the token sent by e-mail.
    pub token_digest: String,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was used; a used token never works again.
    pub used_at: Option<OffsetDateTime>,
    /// When it was issued.
    pub created_at: OffsetDateTime,
}

/// One sign-in; revoking it refuses its access tokens and every refresh token
/// of its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Id (the `sid` claim).
    pub id: SessionId,
    /// Whose session.
    pub user_id: UserId,
    /// Sign-in time.
    pub created_at: OffsetDateTime,
    /// Set on logout, password change or reset, or refresh-token reuse.
    pub revoked_at: Option<OffsetDateTime>,
    /// The system admin who started this session as an impersonation of
    /// `user_id`; `None` for the user's own sign-ins. Checked against the
    /// token's `act` claim on every request.
    pub impersonator_id: Option<UserId>,
}

/// One refresh token of a session's rotation chain. Only its digest is stored;
/// the successor's ids and issue time are kept so a refresh inside the grace
/// window re-mints the identical successor pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// The token's `jti`.
    pub id: Uuid,
    /// The session (token family).
    pub session_id: SessionId,
    /// Whose token.
    pub user_id: UserId,
    /// SHA-256 hex digest of the encoded token.
    pub token_digest: String,
    /// `jti` of the access token minted together with this one.
    pub access_jti: Uuid,
    /// `iat` of this token and its paired access token.
    pub issued_at: OffsetDateTime,
    /// `exp` of this token.
    pub expires_at: OffsetDateTime,
    /// When it was exchanged for a successor.
    pub rotated_at: Option<OffsetDateTime>,
    /// The successor's `jti`.
    pub successor_id: Option<Uuid>,
}
