//! Redis adapters: a health probe and the shared [`RedisRateLimiter`]
//! (sliding window log in an atomic Lua script, falling back to in-process
//! counting when Redis fails — never open).

use std::time::Duration;

use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts, redis};

pub mod rate_limit;

pub use rate_limit::RedisRateLimiter;

/// How long a [`RedisProbe::ping`] may take in total.
pub const PING_TIMEOUT: Duration = Duration::from_secs(1);

/// Why a [`RedisProbe`] or [`RedisRateLimiter`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RedisSetupError {
    /// The URL is not a Redis connection URL (nothing was contacted).
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(String),
}

/// A pooled Redis client used to check that the server answers.
///
/// Building one never contacts the server: connections are opened lazily,
/// so start-up succeeds while Redis is down and only [`RedisProbe::ping`]
/// fails. `Debug` does not print the URL (it may hold a password).
#[derive(Clone)]
pub struct RedisProbe {
    pool: Pool,
}

impl std::fmt::Debug for RedisProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.pool.status();
        f.debug_struct("RedisProbe")
            .field("max_size", &status.max_size)
            .field("size", &status.size)
            .finish_non_exhaustive()
    }
}

impl RedisProbe {
    /// A probe for `url` (`redis://[user:password@]host[:port][/db]`).
    ///
    /// Needs no runtime; [`RedisProbe::ping`] needs a tokio runtime.
    ///
    /// # Errors
    /// [`RedisSetupError::InvalidUrl`] when the URL does not parse; an
    /// unreachable server is *not* an error here.
    pub fn new(url: &str) -> Result<Self, RedisSetupError> {
        let mut cfg = Config::from_url(url);
        cfg.pool = Some(PoolConfig {
            max_size: 4,
            timeouts: Timeouts {
                wait: Some(PING_TIMEOUT),
                create: Some(PING_TIMEOUT),
                recycle: Some(PING_TIMEOUT),
            },
            ..PoolConfig::default()
        });
        let pool = cfg
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| RedisSetupError::InvalidUrl(e.to_string()))?;
        Ok(Self { pool })
    }

    /// The connection pool, for adapters that build on this client.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Sends `PING` and expects `PONG`, within [`PING_TIMEOUT`].
    ///
    /// # Errors
    /// A human-readable reason (connection refused, timeout, unexpected reply),
    /// suitable for a health report.
    pub async fn ping(&self) -> Result<(), String> {
        let attempt = async {
            let mut conn = self.pool.get().await.map_err(|e| format!("redis: {e}"))?;
            let reply: String = redis::cmd("PING")
                .query_async(&mut conn)
                .await
                .map_err(|e| format!("redis: {e}"))?;
            if reply == "PONG" {
                Ok(())
            } else {
                Err(format!("redis: unexpected reply {reply:?}"))
            }
        };
        match tokio::time::timeout(PING_TIMEOUT, attempt).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "redis: no answer within {} ms",
                PING_TIMEOUT.as_millis()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn unreachable_server_fails_ping_quickly_but_builds() {
        let probe = RedisProbe::new("redis://127.0.0.1:1").unwrap();
        let started = Instant::now();
        let err = probe.ping().await.unwrap_err();
        assert!(err.starts_with("redis: "), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(!format!("{probe:?}").contains("127.0.0.1"));
    }

    #[test]
    fn malformed_url_is_a_setup_error() {
        assert!(RedisProbe::new("not a url").is_err());
        assert!(RedisProbe::new("http://127.0.0.1").is_err());
    }

    #[tokio::test]
    async fn live_server_answers_when_configured() {
        let Ok(url) = std::env::var("HARMONY_TEST_REDIS_URL") else {
            return; // no server configured: covered by the unreachable test
        };
        let probe = RedisProbe::new(&url).unwrap();
        probe.ping().await.unwrap();
        probe.ping().await.unwrap(); // a recycled connection works too
    }
}
