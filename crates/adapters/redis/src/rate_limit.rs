//! [`RedisRateLimiter`]: the kernel's sliding window log shared by every API
//! process through Redis.
//!
//! One atomic Lua script per hit keeps a sorted set of the allowed requests'
//! timestamps under `harmony:rl:<key>`: drop members older than the window,
//! count, add this request when under the limit, report the oldest member,
//! and let the key expire one window after the last write. The script runs
//! as `EVALSHA` (loaded on first use), so a hit is one round trip.
//!
//! When Redis fails or is slow (connection, timeout, script error) the hit is
//! counted by an inner [`InProcessRateLimiter`] instead — limits then apply
//! per process, which is weaker but never open — and Redis is not tried again
//! for [`RETRY_REDIS_AFTER`]. A warning is logged at most once per
//! [`WARN_EVERY`].

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts, redis};
use harmony_adapters_memory::InProcessRateLimiter;
use harmony_kernel::rate_limit::{RateDecision, RateLimiter, RateRule, unix_millis};
use time::OffsetDateTime;

use crate::RedisSetupError;

/// Prefix of every rate-limit key in Redis.
pub const KEY_PREFIX: &str = "harmony:rl:";

/// Longest a hit may wait for Redis before it is counted in-process.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// After a failure, hits skip Redis for this long (so an outage does not add
/// [`REDIS_TIMEOUT`] to every request).
pub const RETRY_REDIS_AFTER: Duration = Duration::from_secs(5);

/// Least time between two "falling back" warnings.
pub const WARN_EVERY: Duration = Duration::from_mins(1);

/// KEYS[1] = log key; ARGV = now_ms, window_ms, limit, unique member.
/// Returns {allowed (0/1), used, reset_ms}.
const SLIDING_WINDOW_LOG: &str = r"
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
local allowed = 0
if used < limit then
  redis.call('ZADD', key, now, ARGV[4])
  used = used + 1
  allowed = 1
end
local reset = now + window
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then
  reset = tonumber(oldest[2]) + window
end
if used > 0 then
  redis.call('PEXPIRE', key, window)
end
return {allowed, used, reset}
";

/// A rate limiter whose counters live in Redis, shared by all API processes.
pub struct RedisRateLimiter {
    pool: Pool,
    script: redis::Script,
    fallback: InProcessRateLimiter,
    /// Unix ms before which hits go straight to the fallback.
    skip_redis_until: AtomicI64,
    /// Unix ms of the last fallback warning.
    last_warning: AtomicI64,
    /// Whether the last attempt failed (to log the recovery once).
    degraded: AtomicBool,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may hold a password.
        f.debug_struct("RedisRateLimiter")
            .field("max_size", &self.pool.status().max_size)
            .field("degraded", &self.degraded.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// A limiter over its own small pool for `url`; connects lazily, so an
    /// unreachable server is not an error here (hits then fall back).
    ///
    /// # Errors
    /// [`RedisSetupError::InvalidUrl`] when the URL does not parse.
    pub fn new(url: &str) -> Result<Self, RedisSetupError> {
        let mut cfg = Config::from_url(url);
        cfg.pool = Some(PoolConfig {
            max_size: 16,
            timeouts: Timeouts {
                wait: Some(REDIS_TIMEOUT),
                create: Some(REDIS_TIMEOUT),
                recycle: Some(REDIS_TIMEOUT),
            },
            ..PoolConfig::default()
        });
        let pool = cfg
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| RedisSetupError::InvalidUrl(e.to_string()))?;
        Ok(Self::from_pool(pool))
    }

    /// A limiter over an existing pool (e.g. [`crate::RedisProbe::pool`]).
    pub fn from_pool(pool: Pool) -> Self {
        Self {
            pool,
            script: redis::Script::new(SLIDING_WINDOW_LOG),
            fallback: InProcessRateLimiter::new(),
            skip_redis_until: AtomicI64::new(i64::MIN),
            last_warning: AtomicI64::new(i64::MIN),
            degraded: AtomicBool::new(false),
        }
    }

    /// Whether the last hit had to fall back to in-process counting.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    async fn hit_redis(
        &self,
        key: &str,
        rule: RateRule,
        now_ms: i64,
    ) -> Result<RateDecision, String> {
        let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
        let member = format!("{now_ms}-{}", uuid::Uuid::new_v4().simple());
        let (allowed, used, reset_ms): (i64, i64, i64) = self
            .script
            .key(format!("{KEY_PREFIX}{key}"))
            .arg(now_ms)
            .arg(rule.window_millis())
            .arg(rule.limit)
            .arg(member)
            .invoke_async(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        let used = u32::try_from(used).unwrap_or(u32::MAX);
        Ok(RateDecision::from_window(
            rule,
            now_ms,
            allowed == 1,
            used,
            reset_ms,
        ))
    }

    fn fall_back(&self, now_ms: i64, reason: &str) {
        self.degraded.store(true, Ordering::Relaxed);
        let skip_ms = i64::try_from(RETRY_REDIS_AFTER.as_millis()).unwrap_or(i64::MAX);
        self.skip_redis_until
            .store(now_ms.saturating_add(skip_ms), Ordering::Relaxed);
        let every_ms = i64::try_from(WARN_EVERY.as_millis()).unwrap_or(i64::MAX);
        let last = self.last_warning.load(Ordering::Relaxed);
        if now_ms.saturating_sub(last) >= every_ms
            && self
                .last_warning
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                error = %reason,
                "rate limiter: Redis unavailable, counting in-process (per-process limits) \
                 until it answers again"
            );
        }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn hit(&self, key: &str, rule: RateRule, now: OffsetDateTime) -> RateDecision {
        let now_ms = unix_millis(now);
        if now_ms < self.skip_redis_until.load(Ordering::Relaxed) {
            return self.fallback.check(key, rule, now);
        }
        let outcome = tokio::time::timeout(REDIS_TIMEOUT, self.hit_redis(key, rule, now_ms)).await;
        match outcome {
            Ok(Ok(decision)) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("rate limiter: Redis answers again, shared limits restored");
                }
                decision
            }
            Ok(Err(reason)) => {
                self.fall_back(now_ms, &reason);
                self.fallback.check(key, rule, now)
            }
            Err(_) => {
                self.fall_back(now_ms, "no answer within the timeout");
                self.fallback.check(key, rule, now)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use time::Duration as Span;

    use super::*;

    fn live() -> Option<RedisRateLimiter> {
        let url = std::env::var("HARMONY_TEST_REDIS_URL").ok()?;
        Some(RedisRateLimiter::new(&url).unwrap())
    }

    fn unique_key(test: &str) -> String {
        format!("test:{test}:{}", uuid::Uuid::new_v4().simple())
    }

    fn t0() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[tokio::test]
    async fn unreachable_redis_falls_back_and_still_limits() {
        let rl = RedisRateLimiter::new("redis://127.0.0.1:1").unwrap();
        let rule = RateRule::per_seconds(2, 60);
        let started = Instant::now();
        let now = t0();
        assert!(rl.hit("k", rule, now).await.allowed);
        assert!(rl.is_degraded());
        assert!(rl.hit("k", rule, now).await.allowed);
        let d = rl.hit("k", rule, now).await;
        assert!(!d.allowed, "never fail open: {d:?}");
        assert_eq!(d.retry_after_secs(), 60);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        // After the back-off Redis is tried again; still down, still limited.
        let later = now + Span::seconds(6);
        assert!(!rl.hit("k", rule, later).await.allowed);
        assert!(!format!("{rl:?}").contains("127.0.0.1"));
    }

    #[test]
    fn malformed_url_is_a_setup_error() {
        assert!(RedisRateLimiter::new("http://127.0.0.1").is_err());
    }

    #[tokio::test]
    async fn live_sliding_window() {
        let Some(rl) = live() else { return };
        let key = unique_key("sliding");
        let rule = RateRule::per_seconds(2, 10);
        let now = t0();
        let first = rl.hit(&key, rule, now).await;
        assert!(first.allowed && first.remaining == 1, "{first:?}");
        assert!(
            !rl.is_degraded(),
            "Redis at HARMONY_TEST_REDIS_URL must answer"
        );
        assert!(rl.hit(&key, rule, now + Span::seconds(4)).await.allowed);
        let denied = rl.hit(&key, rule, now + Span::seconds(5)).await;
        assert!(!denied.allowed);
        assert_eq!(denied.retry_after, Duration::from_secs(5));
        assert_eq!(
            denied.reset_at,
            (now + Span::seconds(10)).unix_timestamp() + 1
        );
        // The first hit leaves the window; the second still counts.
        let d = rl.hit(&key, rule, now + Span::seconds(10)).await;
        assert!(d.allowed, "{d:?}");
        assert_eq!(d.remaining, 0);
        assert!(!rl.hit(&key, rule, now + Span::seconds(11)).await.allowed);

        let mut conn = rl.pool.get().await.unwrap();
        let ttl: i64 = redis::cmd("PTTL")
            .arg(format!("{KEY_PREFIX}{key}"))
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(ttl > 0 && ttl <= 10_000, "{ttl}");
    }

    #[tokio::test]
    async fn live_concurrent_hits_are_atomic() {
        let Some(rl) = live() else { return };
        let rl = Arc::new(rl);
        let key = unique_key("atomic");
        let rule = RateRule::per_seconds(5, 60);
        let now = t0();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (rl, key) = (rl.clone(), key.clone());
                tokio::spawn(async move { rl.hit(&key, rule, now).await.allowed })
            })
            .collect();
        let mut allowed = 0;
        for t in tasks {
            allowed += usize::from(t.await.unwrap());
        }
        assert_eq!(allowed, 5);
        assert!(!rl.is_degraded());
    }
}
