//! The raw argon2 rate of this machine with the production parameters: the
//! ceiling that `POST /api/v1/auth/login` (one verification per request) is
//! measured against in `bench/results.md`.
//!
//! ```sh
//! cargo run --release -p harmony-adapters-crypto --example argon2_rate -- [SECONDS] [THREADS]
//! ```
//!
//! Hashes one password with [`Argon2Hasher::owasp`] (what the runtime wires in
//! production), then verifies it in a loop on `THREADS` threads (default 2)
//! for `SECONDS` (default 10), each thread on its own current-thread tokio
//! runtime as an actix worker is, through the same `PasswordHasher::verify`
//! call the login use case makes. The last line is machine-readable:
//! `verifications_per_second=<f64>`.

use std::time::{Duration, Instant};

use harmony_adapters_crypto::Argon2Hasher;
use harmony_identity::model::Password;
use harmony_identity::ports::{PasswordHasher as _, Verification};
use secrecy::SecretString;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn arg<T: std::str::FromStr>(raw: Option<String>, default: T, name: &str) -> Result<T, Error> {
    match raw {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| format!("{name}: not a number: {s}").into()),
    }
}

/// Verifies `hash` until `deadline`; returns how many verifications ran.
fn verify_loop(
    hasher: &Argon2Hasher,
    hash: &harmony_identity::model::PasswordHash,
    deadline: Instant,
) -> Result<u64, Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let candidate = SecretString::from("Bench-Password-1");
        let mut n = 0u64;
        while Instant::now() < deadline {
            if hasher.verify(&candidate, hash).await != Verification::Match {
                return Err("verification did not match".into());
            }
            n += 1;
        }
        Ok(n)
    })
}

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = arg(args.next(), 10.0, "SECONDS")?;
    let threads: usize = arg(args.next(), 2, "THREADS")?;
    let hasher = Argon2Hasher::owasp();
    let p = hasher.params();
    let (m, t, lanes) = (p.m_cost(), p.t_cost(), p.p_cost());

    let setup = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let password = Password::parse(SecretString::from("Bench-Password-1"))?;
    let started = Instant::now();
    let hash = setup.block_on(hasher.hash(&password))?;
    let one_hash = started.elapsed();

    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let counts = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| verify_loop(&hasher, &hash, deadline)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| Error::from("a thread panicked"))?)
            .collect::<Result<Vec<u64>, Error>>()
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let total: u64 = counts.iter().sum();
    #[allow(clippy::cast_precision_loss, reason = "a count of verifications")]
    let rate = total as f64 / elapsed;

    #[allow(clippy::print_stdout, reason = "the example's report")]
    {
        println!("argon2id v19 m={m} KiB t={t} p={lanes} (Argon2Hasher::owasp)");
        println!("one hash: {:.1} ms", one_hash.as_secs_f64() * 1000.0);
        println!("threads: {threads}, seconds: {elapsed:.2}, verifications: {total} {counts:?}");
        println!("verifications_per_second={rate:.2}");
    }
    Ok(())
}
