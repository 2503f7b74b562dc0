//! [`InProcessRateLimiter`]: the sliding window log of
//! [`harmony_kernel::rate_limit`] kept in this process's memory.
//!
//! It is the production limiter of the single-process embedded default and the
//! fallback of the Redis limiter, so it must stay cheap and bounded under
//! attack: every key holds at most `limit` timestamps, keys whose window has
//! passed are swept (amortised O(1) per hit), and beyond `max_keys` the least
//! recently hit keys are evicted in batches.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use harmony_kernel::rate_limit::{RateDecision, RateLimiter, RateRule, unix_millis};
use time::OffsetDateTime;

/// Keys tracked before the least recently hit ones are evicted (with the
/// API's limits this is at most a few tens of MB).
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// Hits between two sweeps of expired keys, at least (the sweep is O(keys),
/// so it runs at most once per `max(SWEEP_EVERY, keys)` hits).
const SWEEP_EVERY: usize = 1_024;

#[derive(Debug)]
struct Bucket {
    /// Unix milliseconds of the counted requests, ascending.
    hits: VecDeque<i64>,
    /// The window of the rule last used with this key.
    window_ms: i64,
}

impl Bucket {
    fn newest(&self) -> i64 {
        self.hits.back().copied().unwrap_or(i64::MIN)
    }

    fn is_expired(&self, now_ms: i64) -> bool {
        self.newest() <= now_ms.saturating_sub(self.window_ms)
    }
}

#[derive(Debug, Default)]
struct State {
    buckets: HashMap<String, Bucket>,
    hits_since_sweep: usize,
}

impl State {
    fn sweep(&mut self, now_ms: i64) {
        self.buckets.retain(|_, b| !b.is_expired(now_ms));
        self.hits_since_sweep = 0;
    }

    /// Drops the least recently hit tenth of the keys (at least one).
    fn evict_idle(&mut self) {
        let mut by_age: Vec<(i64, String)> = self
            .buckets
            .iter()
            .map(|(k, b)| (b.newest(), k.clone()))
            .collect();
        let n = (by_age.len() / 10).max(1).min(by_age.len());
        if n == 0 {
            return;
        }
        by_age.select_nth_unstable_by_key(n - 1, |(t, _)| *t);
        for (_, key) in by_age.into_iter().take(n) {
            self.buckets.remove(&key);
        }
    }
}

/// A sliding-window rate limiter over a mutex-guarded map.
///
/// Correct for one process (the embedded default). With several API processes
/// each counts on its own, so use the Redis limiter there; that one falls back
/// to this type when Redis is unreachable.
#[derive(Debug)]
pub struct InProcessRateLimiter {
    state: Mutex<State>,
    max_keys: usize,
}

impl Default for InProcessRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl InProcessRateLimiter {
    /// A limiter tracking up to [`DEFAULT_MAX_KEYS`] keys.
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }

    /// A limiter tracking up to `max_keys` keys (at least 1), for tests and
    /// memory-constrained deployments.
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            max_keys: max_keys.max(1),
        }
    }

    /// Number of keys currently tracked (for tests and diagnostics).
    pub fn tracked_keys(&self) -> usize {
        self.lock().buckets.len()
    }

    /// The synchronous core of [`RateLimiter::hit`]; never blocks on I/O.
    pub fn check(&self, key: &str, rule: RateRule, now: OffsetDateTime) -> RateDecision {
        let now_ms = unix_millis(now);
        let window_ms = rule.window_millis();
        let mut state = self.lock();
        state.hits_since_sweep += 1;
        if state.hits_since_sweep >= SWEEP_EVERY.max(state.buckets.len()) {
            state.sweep(now_ms);
        }
        if !state.buckets.contains_key(key) && state.buckets.len() >= self.max_keys {
            state.sweep(now_ms);
            if state.buckets.len() >= self.max_keys {
                state.evict_idle();
            }
        }
        let bucket = state
            .buckets
            .entry(key.to_owned())
            .or_insert_with(|| Bucket {
                hits: VecDeque::new(),
                window_ms,
            });
        bucket.window_ms = window_ms;
        let oldest_kept = now_ms.saturating_sub(window_ms);
        while bucket.hits.front().is_some_and(|&t| t <= oldest_kept) {
            bucket.hits.pop_front();
        }
        let allowed = bucket.hits.len() < usize::try_from(rule.limit).unwrap_or(usize::MAX);
        if allowed {
            // `now` may go backwards (clock steps, callers' explicit times): keep the log sorted.
            let at = bucket.hits.partition_point(|&t| t <= now_ms);
            bucket.hits.insert(at, now_ms);
        }
        let used = u32::try_from(bucket.hits.len()).unwrap_or(u32::MAX);
        let reset_ms = bucket
            .hits
            .front()
            .map_or(now_ms.saturating_add(window_ms), |&t| {
                t.saturating_add(window_ms)
            });
        if bucket.hits.is_empty() {
            state.buckets.remove(key);
        }
        RateDecision::from_window(rule, now_ms, allowed, used, reset_ms)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent at every await-free step, so a panic in
        // another thread leaves nothing half-written: keep limiting.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl RateLimiter for InProcessRateLimiter {
    async fn hit(&self, key: &str, rule: RateRule, now: OffsetDateTime) -> RateDecision {
        self.check(key, rule, now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use time::Duration as Span;

    use super::*;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
    }

    #[test]
    fn limit_reached_is_denied_with_a_wait() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(3, 3600);
        for (i, remaining) in [2, 1, 0].into_iter().enumerate() {
            let d = rl.check("k", rule, t0() + Span::seconds(i64::try_from(i).unwrap()));
            assert!(d.allowed);
            assert_eq!(d.remaining, remaining);
            assert_eq!(d.limit, 3);
            assert_eq!(d.reset_at, 1_800_000_000 + 3600);
        }
        let d = rl.check("k", rule, t0() + Span::seconds(10));
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0);
        assert_eq!(d.retry_after, Duration::from_secs(3590));
        assert_eq!(d.retry_after_secs(), 3590);
        assert_eq!(d.reset_at, 1_800_000_000 + 3600);
    }

    #[test]
    fn sliding_window_frees_capacity_one_request_at_a_time() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(2, 60);
        assert!(rl.check("k", rule, t0()).allowed);
        assert!(rl.check("k", rule, t0() + Span::seconds(30)).allowed);
        assert!(!rl.check("k", rule, t0() + Span::seconds(59)).allowed);
        // Exactly one window after the first hit, that hit no longer counts...
        let d = rl.check("k", rule, t0() + Span::seconds(60));
        assert!(d.allowed, "{d:?}");
        assert_eq!(d.remaining, 0);
        // ...but the one at +30 s still does: no fixed-window reset at +60 s.
        let d = rl.check("k", rule, t0() + Span::seconds(61));
        assert!(!d.allowed);
        assert_eq!(d.retry_after, Duration::from_secs(29));
        assert!(rl.check("k", rule, t0() + Span::seconds(90)).allowed);
    }

    #[test]
    fn rejected_requests_are_not_counted() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(1, 10);
        assert!(rl.check("k", rule, t0()).allowed);
        for s in 1..10 {
            assert!(!rl.check("k", rule, t0() + Span::seconds(s)).allowed);
        }
        assert!(rl.check("k", rule, t0() + Span::seconds(10)).allowed);
    }

    #[test]
    fn keys_are_independent() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(1, 60);
        assert!(rl.check("a", rule, t0()).allowed);
        assert!(!rl.check("a", rule, t0()).allowed);
        assert!(rl.check("b", rule, t0()).allowed);
    }

    #[test]
    fn zero_limit_denies_and_keeps_no_state() {
        let rl = InProcessRateLimiter::new();
        let d = rl.check("k", RateRule::per_seconds(0, 60), t0());
        assert!(!d.allowed);
        assert_eq!(d.retry_after_secs(), 60);
        assert_eq!(rl.tracked_keys(), 0);
    }

    #[test]
    fn out_of_order_times_keep_the_log_sorted() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(3, 60);
        rl.check("k", rule, t0() + Span::seconds(20));
        rl.check("k", rule, t0());
        let d = rl.check("k", rule, t0() + Span::seconds(10));
        assert_eq!(
            d.reset_at,
            1_800_000_000 + 60,
            "oldest hit decides the reset"
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let rl = InProcessRateLimiter::with_max_keys(100);
        let rule = RateRule::per_seconds(5, 60);
        for i in 0..1_000 {
            rl.check(&format!("ip-{i}"), rule, t0() + Span::milliseconds(i));
        }
        assert!(rl.tracked_keys() <= 100, "{}", rl.tracked_keys());
        // The most recent key survived eviction and is still limited.
        for _ in 0..4 {
            rl.check("ip-999", rule, t0() + Span::seconds(1));
        }
        assert!(!rl.check("ip-999", rule, t0() + Span::seconds(1)).allowed);
    }

    #[test]
    fn expired_keys_are_swept() {
        let rl = InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(5, 1);
        for i in 0..2_000 {
            rl.check(&format!("ip-{i}"), rule, t0());
        }
        let later = t0() + Span::seconds(5);
        for _ in 0..SWEEP_EVERY.max(2_000) {
            rl.check("fresh", RateRule::per_seconds(u32::MAX, 1), later);
        }
        assert_eq!(rl.tracked_keys(), 1);
    }

    #[tokio::test]
    async fn port_delegates_to_check() {
        let rl: &dyn RateLimiter = &InProcessRateLimiter::new();
        let rule = RateRule::per_seconds(1, 60);
        assert!(rl.hit("k", rule, t0()).await.allowed);
        assert!(!rl.hit("k", rule, t0()).await.allowed);
    }
}
