//! Random tokens, their digests, generated passwords, and the JWT secret check.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use harmony_identity::ports::SecretGenerator;
use rand::rngs::SysRng;
use rand::{Rng as _, RngExt as _, TryRng as _};
use sha2::{Digest as _, Sha256};

/// Characters of generated passwords: ASCII letters and digits without the
/// look-alikes `0 O o 1 l I`.
const PASSWORD_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
/// Length of generated passwords.
const PASSWORD_LEN: usize = 20;

/// [`SecretGenerator`] backed by the operating system's RNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomSecrets;

impl RandomSecrets {
    /// The generator.
    pub const fn new() -> Self {
        Self
    }
}

/// Fills `buf` from the OS RNG; if that ever fails, from the thread-local
/// CSPRNG (itself seeded from the OS) instead of panicking.
fn fill_random(buf: &mut [u8]) {
    if SysRng.try_fill_bytes(buf).is_err() {
        rand::rng().fill_bytes(buf);
    }
}

impl SecretGenerator for RandomSecrets {
    fn token(&self) -> String {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn digest(&self, token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    fn password(&self) -> String {
        let mut rng = rand::rng();
        loop {
            let pw: String = (0..PASSWORD_LEN)
                .map(|_| {
                    char::from(PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())])
                })
                .collect();
            let has = |f: fn(&char) -> bool| pw.chars().any(|c| f(&c));
            if has(char::is_ascii_uppercase)
                && has(char::is_ascii_lowercase)
                && has(char::is_ascii_digit)
            {
                return pw;
            }
        }
    }
}

/// Markers of placeholder secrets copied from examples or dev configuration.
const PLACEHOLDER_MARKERS: [&str; 14] = [
    "dev-secret",
    "dev_secret",
    "devsecret",
    "change-me",
    "change_me",
    "changeme",
    "replace-me",
    "replaceme",
    "insecure",
    "placeholder",
    "example",
    "your-secret",
    "your_secret",
    "do-not-use",
];

/// Whether a JWT signing secret is unfit for production. Weak means any of:
///
/// - shorter than 32 bytes;
/// - contains a placeholder marker, case-insensitively (`dev-secret`,
///   `change-me`, `changeme`, `insecure`, `example`, `placeholder`, ...);
/// - fewer than 8 distinct characters (`aaaa…`, `secretsecret…`, `1234…1234`).
pub fn is_weak_jwt_secret(s: &str) -> bool {
    if s.len() < 32 {
        return true;
    }
    let lower = s.to_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < 8
}

#[cfg(test)]
mod tests {
    use super::*;
    use harmony_identity::model::Password;
    use secrecy::SecretString;

    #[test]
    fn tokens_are_43_url_safe_chars_and_unique() {
        let g = RandomSecrets::new();
        let a = g.token();
        let b = g.token();
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
    }

    #[test]
    fn digest_is_lowercase_hex_sha256() {
        let d = RandomSecrets.digest("abc");
        assert_eq!(
            d,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn generated_passwords_satisfy_the_policy() {
        let g = RandomSecrets;
        for _ in 0..200 {
            let pw = g.password();
            assert_eq!(pw.chars().count(), 20);
            assert!(
                Password::parse(SecretString::from(pw.clone())).is_ok(),
                "{pw}"
            );
        }
        assert_ne!(g.password(), g.password());
    }

    #[test]
    fn weak_secrets_are_detected() {
        for weak in [
            "",
            "secret",
            "short-but-random-Xy7",
            "INSECURE-dev-secret-change-me-0000000000000000",
            "my-production-ChangeMe-please-0123456789abcdef",
            "secretsecretsecretsecretsecretsecretsecret",
            "secret-secret-secret-secret-secret-secret",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "12341234123412341234123412341234",
        ] {
            assert!(is_weak_jwt_secret(weak), "{weak}");
        }
        assert!(!is_weak_jwt_secret(&RandomSecrets.token()));
        assert!(!is_weak_jwt_secret("k3Jd9-QpL2xZ7vNw8TbR4mYc6HsE1uAf"));
    }
}
