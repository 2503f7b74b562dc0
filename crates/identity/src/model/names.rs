//! Person names and subdomains (§6.2, §6.4).

/// A trimmed person or company name without markup characters, ≤ 100 chars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

/// Why a name was refused; the text is the contract's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty after trimming.
    #[error("Name cannot be empty")]
    Empty,
    /// Over 100 characters.
    #[error("Name must not exceed 100 characters")]
    TooLong,
    /// Contains `< > " ' & ;`.
    #[error("Name contains invalid characters. Please remove: < > \" ' & ;")]
    InvalidCharacters,
}

impl PersonName {
    /// Applies the name rule.
    ///
    /// # Errors
    /// Empty after trimming, longer than 100 characters, or containing `< > " ' & ;`.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(NameError::Empty);
        }
        if s.chars().count() > 100 {
            return Err(NameError::TooLong);
        }
        if s.chars()
            .any(|c| matches!(c, '<' | '>' | '"' | '\'' | '&' | ';'))
        {
            return Err(NameError::InvalidCharacters);
        }
        Ok(Self(s.to_owned()))
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The name as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Names no tenant may take (§6.2), also applied to generated subdomains
/// (defect 26).
pub const RESERVED_SUBDOMAINS: [&str; 38] = [
    "www",
    "api",
    "admin",
    "app",
    "mail",
    "email",
    "ftp",
    "smtp",
    "pop",
    "imap",
    "webmail",
    "test",
    "demo",
    "dev",
    "staging",
    "prod",
    "production",
    "localhost",
    "support",
    "help",
    "blog",
    "forum",
    "shop",
    "store",
    "cdn",
    "static",
    "assets",
    "files",
    "docs",
    "status",
    "dashboard",
    "account",
    "billing",
    "payments",
    "checkout",
    "login",
    "signup",
    "register",
];

/// A tenant subdomain: 3–50 of `[a-z0-9-]`, alphanumeric at both ends, no
/// `--`, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subdomain(String);

/// Why a subdomain was refused; the text is the contract's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubdomainError {
    /// Under 3 characters.
    #[error("Subdomain must be at least 3 characters long")]
    TooShort,
    /// Over 50 characters.
    #[error("Subdomain must not exceed 50 characters")]
    TooLong,
    /// Bad characters or a hyphen at an end.
    #[error(
        "Subdomain must contain only lowercase letters, numbers, and hyphens. It must start and end with a letter or number."
    )]
    Malformed,
    /// On the reserved list.
    #[error(
        "The subdomain '{0}' is reserved and cannot be used. Please choose a different subdomain."
    )]
    Reserved(String),
    /// Contains `--`.
    #[error("Subdomain cannot contain consecutive hyphens")]
    ConsecutiveHyphens,
}

impl Subdomain {
    /// Applies the subdomain rule after lower-casing and trimming.
    ///
    /// # Errors
    /// The first failing rule of §6.2, in its order.
    pub fn parse(raw: &str) -> Result<Self, SubdomainError> {
        let s = raw.trim().to_lowercase();
        let len = s.chars().count();
        if len < 3 {
            return Err(SubdomainError::TooShort);
        }
        if len > 50 {
            return Err(SubdomainError::TooLong);
        }
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let bytes = s.as_bytes();
        let well_formed = bytes.iter().all(|b| alnum(*b) || *b == b'-')
            && alnum(bytes[0])
            && alnum(bytes[bytes.len() - 1]);
        if !well_formed {
            return Err(SubdomainError::Malformed);
        }
        if RESERVED_SUBDOMAINS.contains(&s.as_str()) {
            return Err(SubdomainError::Reserved(s));
        }
        if s.contains("--") {
            return Err(SubdomainError::ConsecutiveHyphens);
        }
        Ok(Self(s))
    }
    /// The subdomain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
