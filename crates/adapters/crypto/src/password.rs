//! argon2id hashing; bcrypt verification for accounts imported from the
//! original database.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Version};
use harmony_identity::model::{Password, PasswordHash};
use harmony_identity::ports::{PasswordHasher, Verification};
use harmony_kernel::StoreError;
use secrecy::{ExposeSecret, SecretString};

/// argon2 cost parameters (memory in KiB, iterations, lanes), re-exported so
/// callers need no direct `argon2` dependency.
pub use argon2::Params as Argon2Params;

/// The password [`verify_dummy`](PasswordHasher::verify_dummy) checks against.
const DUMMY_PASSWORD: &[u8] = b"harmony-dummy-password-for-timing";

/// [`PasswordHasher`] with argon2id v19.
///
/// New hashes use the configured parameters ([`Argon2Hasher::owasp`] by
/// default: m = 19456 KiB, t = 2, p = 1). Verification accepts any argon2 PHC
/// string and bcrypt `$2a$`/`$2b$`/`$2y$` hashes; a correct password against
/// bcrypt, another argon2 variant or other parameters yields
/// [`Verification::MatchNeedsRehash`]. All work runs on tokio's blocking pool.
#[derive(Clone)]
pub struct Argon2Hasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Argon2Params,
    /// Hash of [`DUMMY_PASSWORD`] with `params`, computed on first use.
    dummy: OnceLock<String>,
}

/// The argon2 threads of the process (see [`crate::pool`]): shared by every
/// hasher, so memory stays bounded however many hashers exist.
static POOL: crate::pool::HashPool = crate::pool::HashPool::new();

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.inner.params;
        f.debug_struct("Argon2Hasher")
            .field("m_cost", &p.m_cost())
            .field("t_cost", &p.t_cost())
            .field("p_cost", &p.p_cost())
            .finish_non_exhaustive()
    }
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        Self::owasp()
    }
}

impl Argon2Hasher {
    /// A hasher producing argon2id hashes with `params`.
    pub fn new(params: Argon2Params) -> Self {
        Self {
            inner: Arc::new(Inner {
                params,
                dummy: OnceLock::new(),
            }),
        }
    }

    /// The OWASP recommendation: m = 19456 KiB, t = 2, p = 1 (argon2's defaults).
    pub fn owasp() -> Self {
        Self::new(Argon2Params::DEFAULT)
    }

    /// TEST SUITES ONLY: the smallest parameters argon2 allows (m = 8 KiB,
    /// t = 1, p = 1), so tests hash in microseconds. Never use in production:
    /// these hashes are trivially brute-forced.
    pub fn fast_for_tests() -> Self {
        let params = Argon2Params::new(Argon2Params::MIN_M_COST, 1, 1, None)
            .unwrap_or(Argon2Params::DEFAULT);
        Self::new(params)
    }

    /// The parameters new hashes get.
    pub fn params(&self) -> &Argon2Params {
        &self.inner.params
    }
}

impl Inner {
    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash(&self, password: &[u8]) -> Result<String, argon2::password_hash::Error> {
        self.argon2().hash_password(password).map(|h| h.to_string())
    }

    fn dummy_hash(&self) -> &str {
        // On the (impossible) failure the empty string makes verify_dummy
        // return quickly instead of panicking.
        self.dummy
            .get_or_init(|| self.hash(DUMMY_PASSWORD).unwrap_or_default())
    }

    /// Whether an argon2 hash was made with the current algorithm and cost.
    fn is_current(&self, parsed: &PhcHash) -> bool {
        let Ok(used) = Argon2Params::try_from(parsed) else {
            return false;
        };
        parsed.algorithm.as_str() == Algorithm::Argon2id.as_str()
            && parsed.version.is_none_or(|v| v == Version::V0x13 as u32)
            && used.m_cost() == self.params.m_cost()
            && used.t_cost() == self.params.t_cost()
            && used.p_cost() == self.params.p_cost()
            && used
                .output_len()
                .unwrap_or(Argon2Params::DEFAULT_OUTPUT_LEN)
                == self
                    .params
                    .output_len()
                    .unwrap_or(Argon2Params::DEFAULT_OUTPUT_LEN)
    }

    fn verify(&self, candidate: &[u8], stored: &str) -> Verification {
        if is_bcrypt(stored) {
            return match bcrypt::verify(candidate, stored) {
                Ok(true) => Verification::MatchNeedsRehash,
                Ok(false) | Err(_) => Verification::Mismatch,
            };
        }
        let Ok(parsed) = PhcHash::new(stored) else {
            return Verification::Mismatch;
        };
        if !parsed.algorithm.as_str().starts_with("argon2") {
            return Verification::Mismatch;
        }
        // The cost comes from the stored hash, not from `self.params`.
        match Argon2::default().verify_password(candidate, &parsed) {
            Ok(()) if self.is_current(&parsed) => Verification::Match,
            Ok(()) => Verification::MatchNeedsRehash,
            Err(_) => Verification::Mismatch,
        }
    }
}

/// bcrypt modular-crypt prefixes written by the original system.
fn is_bcrypt(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p))
}

/// Runs `f` on the argon2 threads inside the caller's tracing span.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::pool::PoolUnavailable> {
    POOL.run(f).await
}

#[async_trait::async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, StoreError> {
        let inner = Arc::clone(&self.inner);
        let plain = SecretString::from(password.expose());
        let encoded = blocking(move || inner.hash(plain.expose_secret().as_bytes()))
            .await
            .map_err(StoreError::backend)?
            .map_err(StoreError::backend)?;
        Ok(PasswordHash::new(encoded))
    }

    async fn verify(&self, candidate: &SecretString, hash: &PasswordHash) -> Verification {
        let inner = Arc::clone(&self.inner);
        let candidate = candidate.clone();
        let stored = hash.as_str().to_owned();
        blocking(move || inner.verify(candidate.expose_secret().as_bytes(), &stored))
            .await
            .unwrap_or(Verification::Mismatch)
    }

    async fn verify_dummy(&self, candidate: &SecretString) {
        let inner = Arc::clone(&self.inner);
        let candidate = candidate.clone();
        let _ = blocking(move || {
            let dummy = inner.dummy_hash();
            inner.verify(candidate.expose_secret().as_bytes(), dummy)
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(s: &str) -> Password {
        Password::parse(SecretString::from(s)).unwrap()
    }

    #[tokio::test]
    async fn hash_then_verify_roundtrip() {
        let hasher = Argon2Hasher::fast_for_tests();
        let hash = hasher.hash(&password("Correct-Horse-9")).await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
        let ok = hasher.verify(&"Correct-Horse-9".into(), &hash).await;
        assert_eq!(ok, Verification::Match);
    }

    #[tokio::test]
    async fn wrong_password_is_mismatch() {
        let hasher = Argon2Hasher::fast_for_tests();
        let hash = hasher.hash(&password("Correct-Horse-9")).await.unwrap();
        let res = hasher.verify(&"Correct-Horse-8".into(), &hash).await;
        assert_eq!(res, Verification::Mismatch);
    }

    #[tokio::test]
    async fn other_params_need_rehash() {
        let old = Argon2Hasher::fast_for_tests();
        let hash = old.hash(&password("Correct-Horse-9")).await.unwrap();
        let current = Argon2Hasher::new(Argon2Params::new(16, 1, 1, None).unwrap());
        let res = current.verify(&"Correct-Horse-9".into(), &hash).await;
        assert_eq!(res, Verification::MatchNeedsRehash);
        let wrong = current.verify(&"nope".into(), &hash).await;
        assert_eq!(wrong, Verification::Mismatch);
    }

    #[tokio::test]
    async fn owasp_params_are_encoded() {
        let p = Argon2Hasher::owasp();
        assert_eq!(
            (
                p.params().m_cost(),
                p.params().t_cost(),
                p.params().p_cost()
            ),
            (19456, 2, 1)
        );
    }

    #[tokio::test]
    async fn bcrypt_hashes_verify_and_need_rehash() {
        let hasher = Argon2Hasher::fast_for_tests();
        let b = bcrypt::hash("Legacy-Pass-1", 4).unwrap();
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let stored = PasswordHash::new(format!("{prefix}{}", &b[4..]));
            let ok = hasher.verify(&"Legacy-Pass-1".into(), &stored).await;
            assert_eq!(ok, Verification::MatchNeedsRehash, "{prefix}");
            let bad = hasher.verify(&"Legacy-Pass-2".into(), &stored).await;
            assert_eq!(bad, Verification::Mismatch, "{prefix}");
        }
    }

    #[tokio::test]
    async fn garbage_hashes_are_mismatch() {
        let hasher = Argon2Hasher::fast_for_tests();
        for garbage in [
            "",
            "plaintext",
            "$2b$04$short",
            "$2b$99$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
            "$argon2id$v=19$m=8,t=1,p=1$bm90LWEtc2FsdA$",
            "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA",
            "$2b$04$ééééééééééééééééééééééééééééééééééééééééééééééééééééé",
        ] {
            let res = hasher
                .verify(&"whatever".into(), &PasswordHash::new(garbage.into()))
                .await;
            assert_eq!(res, Verification::Mismatch, "{garbage:?}");
        }
    }

    #[tokio::test]
    async fn dummy_verification_completes() {
        let hasher = Argon2Hasher::fast_for_tests();
        hasher.verify_dummy(&"anything".into()).await;
        hasher.verify_dummy(&"anything else".into()).await;
        assert!(
            hasher
                .inner
                .dummy
                .get()
                .is_some_and(|h| h.starts_with("$argon2id$"))
        );
    }
}
