//! Rate limiting as a port, so the HTTP layer can throttle abuse-prone
//! endpoints without knowing whether the counters live in this process or in
//! Redis.
//!
//! Semantics are a **sliding window log**: a request is allowed when fewer than
//! [`RateRule::limit`] requests were *allowed* for the same key in the half-open
//! interval `(now - window, now]`. Unlike a fixed window (defect 12) a client
//! cannot double its budget by straddling a window boundary, and unlike GCRA a
//! rule such as "3 per hour" really admits at most 3 requests in any hour.
//! Rejected requests are not recorded, so a client that keeps hammering is
//! released as soon as its oldest counted request leaves the window.
//!
//! The port is infallible on purpose: an adapter that loses its backing store
//! must degrade internally (e.g. to in-process counting), never fail open and
//! never surface an error the caller could be tempted to ignore.

use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

/// "At most `limit` requests per `window`" for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateRule {
    /// Requests allowed within any `window`.
    pub limit: u32,
    /// Length of the sliding window.
    pub window: Duration,
}

impl RateRule {
    /// A rule of `limit` requests per `window_secs` seconds (the unit every
    /// configuration file uses).
    pub const fn per_seconds(limit: u32, window_secs: u64) -> Self {
        Self {
            limit,
            window: Duration::from_secs(window_secs),
        }
    }

    /// The window in whole milliseconds, at least 1 (the adapters' resolution).
    pub fn window_millis(&self) -> i64 {
        i64::try_from(self.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// The outcome of one [`RateLimiter::hit`]: whether to serve the request and
/// what to tell the client (`X-RateLimit-*`, `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    /// Serve the request (`true`) or answer 429 (`false`).
    pub allowed: bool,
    /// The rule's limit, echoed for `X-RateLimit-Limit`.
    pub limit: u32,
    /// Requests still allowed in the current window after this one.
    pub remaining: u32,
    /// Unix time (seconds, rounded up) at which the oldest counted request
    /// leaves the window, i.e. when capacity grows again.
    pub reset_at: i64,
    /// How long to wait before a retry can succeed; zero when allowed.
    pub retry_after: Duration,
}

impl RateDecision {
    /// Builds the decision from the state of a sliding window log, so every
    /// adapter reports identical numbers.
    ///
    /// `used` is the number of requests counted in the window *after* this
    /// one was (or was not) recorded; `reset_ms` is when the oldest of them
    /// leaves the window (unix milliseconds).
    pub fn from_window(
        rule: RateRule,
        now_ms: i64,
        allowed: bool,
        used: u32,
        reset_ms: i64,
    ) -> Self {
        let reset_ms = reset_ms.max(now_ms);
        let retry_after = if allowed {
            Duration::ZERO
        } else {
            Duration::from_millis(u64::try_from(reset_ms - now_ms).unwrap_or(0).max(1))
        };
        Self {
            allowed,
            limit: rule.limit,
            remaining: rule.limit.saturating_sub(used),
            reset_at: reset_ms.div_euclid(1000) + i64::from(reset_ms.rem_euclid(1000) != 0),
            retry_after,
        }
    }

    /// [`retry_after`](Self::retry_after) in whole seconds, rounded up and at
    /// least 1 when denied (what `Retry-After` and the 429 body carry).
    pub fn retry_after_secs(&self) -> u64 {
        if self.allowed {
            return 0;
        }
        let d = self.retry_after;
        (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
    }
}

/// Unix time of `now` in milliseconds (the resolution of every adapter).
pub fn unix_millis(now: OffsetDateTime) -> i64 {
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Counts requests per key and decides whether the next one may pass.
///
/// Keys are opaque to the limiter (the API uses `<rule>:ip:<client>`); the
/// same key must always be used with the same rule. `now` is explicit so tests
/// and every process of a deployment agree on time without a hidden clock.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Records a request for `key` if `rule` allows it and reports the outcome.
    async fn hit(&self, key: &str, rule: RateRule, now: OffsetDateTime) -> RateDecision;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_rounds_reset_and_retry_up() {
        let rule = RateRule::per_seconds(3, 60);
        let d = RateDecision::from_window(rule, 1_000, false, 3, 2_500);
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0);
        assert_eq!(d.reset_at, 3);
        assert_eq!(d.retry_after, Duration::from_millis(1_500));
        assert_eq!(d.retry_after_secs(), 2);

        let ok = RateDecision::from_window(rule, 1_000, true, 1, 61_000);
        assert_eq!(
            (ok.remaining, ok.reset_at, ok.retry_after_secs()),
            (2, 61, 0)
        );
    }

    #[test]
    fn denied_decision_always_asks_for_a_positive_wait() {
        let d = RateDecision::from_window(RateRule::per_seconds(1, 1), 5_000, false, 1, 5_000);
        assert_eq!(d.retry_after, Duration::from_millis(1));
        assert_eq!(d.retry_after_secs(), 1);
    }

    #[test]
    fn millis_and_window() {
        assert_eq!(
            unix_millis(OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(1_234)),
            1_234
        );
        assert_eq!(RateRule::per_seconds(1, 0).window_millis(), 1);
        assert_eq!(RateRule::per_seconds(1, 60).window_millis(), 60_000);
    }
}
