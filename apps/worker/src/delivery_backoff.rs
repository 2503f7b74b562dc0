//! Retry timing, kept pure so it can be tested without clocks or stores.

use std::time::Duration;

/// Delay before the next attempt after `attempts` earlier failed attempts:
/// `base * 2^attempts`, capped at `max`. So the first failure waits `base`,
/// the second `2 * base`, and so on, without overflow for any input.
pub fn backoff_delay(attempts: u32, base: Duration, max: Duration) -> Duration {
    let factor = 1_u32.checked_shl(attempts).unwrap_or(u32::MAX);
    base.checked_mul(factor).map_or(max, |d| d.min(max))
}

/// Adds up to 10 % of `delay` derived from `seed`, so messages that failed
/// together (an SMTP outage) do not all retry in the same second. The result
/// is deterministic for a seed and never exceeds `max`.
pub fn with_jitter(delay: Duration, seed: u128, max: Duration) -> Duration {
    // Fold the seed so every bit counts, then take a per-mille share 0..=100.
    #[allow(clippy::cast_possible_truncation)] // deliberate folding to 64 bits
    let folded = (seed as u64) ^ ((seed >> 64) as u64);
    let per_mille = u32::try_from(folded % 101).unwrap_or(0);
    let extra = delay
        .checked_mul(per_mille)
        .map_or(Duration::ZERO, |d| d / 1000);
    delay.saturating_add(extra).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(2);
    const MAX: Duration = Duration::from_mins(15);

    #[test]
    fn doubles_from_base() {
        let secs: Vec<u64> = (0..6)
            .map(|a| backoff_delay(a, BASE, MAX).as_secs())
            .collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 64]);
    }

    #[test]
    fn is_capped_and_never_overflows() {
        assert_eq!(backoff_delay(9, BASE, MAX), MAX); // 1024 s > 900 s
        assert_eq!(backoff_delay(31, BASE, MAX), MAX);
        assert_eq!(backoff_delay(32, BASE, MAX), MAX);
        assert_eq!(backoff_delay(u32::MAX, BASE, MAX), MAX);
        assert_eq!(
            backoff_delay(40, Duration::MAX, Duration::MAX),
            Duration::MAX
        );
    }

    #[test]
    fn zero_base_means_immediate_retry() {
        assert_eq!(backoff_delay(5, Duration::ZERO, MAX), Duration::ZERO);
    }

    #[test]
    fn jitter_adds_at_most_ten_percent_and_respects_the_cap() {
        let d = Duration::from_secs(100);
        for seed in [0_u128, 1, 42, 100, 12_345_678, u128::MAX] {
            let j = with_jitter(d, seed, MAX);
            assert!(j >= d && j <= Duration::from_secs(110), "{seed}: {j:?}");
            assert_eq!(j, with_jitter(d, seed, MAX), "deterministic");
        }
        assert_eq!(with_jitter(MAX, 50, MAX), MAX);
        assert_eq!(with_jitter(Duration::MAX, 50, Duration::MAX), Duration::MAX);
    }

    #[test]
    fn jitter_spreads_seeds() {
        let d = Duration::from_secs(100);
        let distinct: std::collections::HashSet<Duration> =
            (0_u128..50).map(|s| with_jitter(d, s, MAX)).collect();
        assert!(distinct.len() > 10);
    }
}
