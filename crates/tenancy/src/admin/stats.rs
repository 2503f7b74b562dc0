//! The statistics of §3.5 (SystemStats, TenantStats) and §3.6, computed from
//! stored facts and one "now", so every number is testable without a database.

use super::{TIER_CODES, TenantFacts, TenantUsage};
use crate::model::{Limit, SubscriptionStatus, Tenant};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime, Time};

const STATUSES: [SubscriptionStatus; 5] = [
    SubscriptionStatus::Active,
    SubscriptionStatus::Trial,
    SubscriptionStatus::Expired,
    SubscriptionStatus::Cancelled,
    SubscriptionStatus::Suspended,
];

/// `GET /admin/tenants/stats` (§3.5 #3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SystemStats {
    /// Every tenant row.
    pub total_tenants: u64,
    /// `is_active` tenants.
    pub active_tenants: u64,
    /// The difference.
    pub inactive_tenants: u64,
    /// Tenants in trial.
    pub trial_tenants: u64,
    /// Tier `free`.
    pub free_tier_count: u64,
    /// Tier `basic`.
    pub basic_tier_count: u64,
    /// Tier `premium`.
    pub premium_tier_count: u64,
    /// Tier `enterprise`.
    pub enterprise_tier_count: u64,
    /// The four tiers as a map.
    pub tenants_by_tier: BTreeMap<&'static str, u64>,
    /// The five statuses as a map.
    pub tenants_by_status: BTreeMap<&'static str, u64>,
    /// Every user row, system and inactive ones included.
    pub total_users: u64,
    /// Every branch row.
    pub total_branches: u64,
    /// Created since 00:00 UTC today.
    pub tenants_created_today: u64,
    /// Created in the last 7×24 h.
    pub tenants_created_this_week: u64,
    /// Created since the 1st of this month, 00:00 UTC.
    pub tenants_created_this_month: u64,
    /// Trials ending within 7 days (still running).
    pub trials_expiring_soon: u64,
    /// Paid periods ending within 7 days (still running).
    pub subscriptions_expiring_soon: u64,
}

fn count<T>(items: &[T], f: impl Fn(&T) -> bool) -> u64 {
    items.iter().filter(|i| f(i)).count() as u64
}

fn start_of_day(now: OffsetDateTime) -> OffsetDateTime {
    now.replace_time(Time::MIDNIGHT)
}

fn ends_within_week(end: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    end.is_some_and(|e| now < e && e <= now + Duration::days(7))
}

impl SystemStats {
    /// Counts `tenants` as of `now` (UTC); user and branch totals come in.
    pub fn compute(
        tenants: &[TenantFacts],
        total_users: u64,
        total_branches: u64,
        now: OffsetDateTime,
    ) -> Self {
        let today = start_of_day(now);
        let month = today.replace_day(1).unwrap_or(today);
        let week = now - Duration::days(7);
        let tier = |code: &str| count(tenants, |t| t.tier == code);
        let total = tenants.len() as u64;
        let active = count(tenants, |t| t.is_active);
        Self {
            total_tenants: total,
            active_tenants: active,
            inactive_tenants: total - active,
            trial_tenants: count(tenants, |t| t.status == SubscriptionStatus::Trial),
            free_tier_count: tier("free"),
            basic_tier_count: tier("basic"),
            premium_tier_count: tier("premium"),
            enterprise_tier_count: tier("enterprise"),
            tenants_by_tier: TIER_CODES.iter().map(|&c| (c, tier(c))).collect(),
            tenants_by_status: STATUSES
                .iter()
                .map(|&s| (s.as_str(), count(tenants, |t| t.status == s)))
                .collect(),
            total_users,
            total_branches,
            tenants_created_today: count(tenants, |t| t.created_at >= today),
            tenants_created_this_week: count(tenants, |t| t.created_at >= week),
            tenants_created_this_month: count(tenants, |t| t.created_at >= month),
            trials_expiring_soon: count(tenants, |t| {
                t.status == SubscriptionStatus::Trial && ends_within_week(t.trial_ends_at, now)
            }),
            subscriptions_expiring_soon: count(tenants, |t| {
                ends_within_week(t.subscription_ends_at, now)
            }),
        }
    }
}

/// `GET /admin/tenants/{id}/stats` (§3.5 #7), before wire formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantStats {
    /// The tenant.
    pub tenant: Tenant,
    /// Its usage.
    pub usage: TenantUsage,
    /// `storage_used_bytes` in GB (1024³ bytes), 4 decimal places (defect 32:
    /// the original always reported 0).
    pub storage_used_gb: f64,
    /// Active users against `max_users`, in percent, 2 decimal places.
    pub users_usage_percent: f64,
    /// Active branches against `max_branches`.
    pub branches_usage_percent: f64,
    /// Storage against `max_storage_gb`.
    pub storage_usage_percent: f64,
    /// Status is `trial`.
    pub is_trial: bool,
    /// `days_until_expiry < 0`.
    pub is_expired: bool,
    /// Whole days (floor) from now to `subscription_ends_at`; `None` without
    /// an end. Computed on UTC instants (defect 29: the original raised).
    pub days_until_expiry: Option<i64>,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

#[allow(
    clippy::cast_precision_loss,
    reason = "percentages of human-sized counts"
)]
fn percent(current: f64, limit: Limit) -> f64 {
    if limit.raw() <= 0 {
        0.0
    } else {
        round(current / limit.raw() as f64 * 100.0, 2)
    }
}

impl TenantStats {
    /// Derives the ratios and the expiry of `tenant` as of `now`.
    #[allow(
        clippy::cast_precision_loss,
        reason = "byte and head counts fit f64 well enough"
    )]
    pub fn compute(tenant: Tenant, usage: TenantUsage, now: OffsetDateTime) -> Self {
        let gb = tenant.storage_used_bytes.max(0) as f64 / 1_073_741_824.0;
        let days = tenant
            .subscription_ends_at
            .map(|end| (end - now).whole_seconds().div_euclid(86_400));
        Self {
            storage_used_gb: round(gb, 4),
            users_usage_percent: percent(usage.active_users as f64, tenant.max_users),
            branches_usage_percent: percent(usage.active_branches as f64, tenant.max_branches),
            storage_usage_percent: percent(gb, tenant.max_storage_gb),
            is_trial: tenant.subscription_status == SubscriptionStatus::Trial,
            is_expired: days.is_some_and(|d| d < 0),
            days_until_expiry: days,
            tenant,
            usage,
        }
    }
}

/// `overview` of `GET /admin/stats` (§3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StatsOverview {
    /// Active tenants.
    pub total_tenants: u64,
    /// Active users.
    pub total_users: u64,
    /// Active branches.
    pub total_branches: u64,
    /// Active and verified users.
    pub verified_users: u64,
    /// Active, unverified users.
    pub unverified_users: u64,
    /// Inactive tenants.
    pub inactive_tenants: u64,
}

/// `recent_activity` of `GET /admin/stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RecentActivity {
    /// Tenants created in the last 30 days.
    pub new_tenants_30d: u64,
    /// Active users created in the last 30 days.
    pub new_users_30d: u64,
    /// `auth.login` audit rows of the last 24 h; tenancy leaves it 0 and the
    /// API fills it from the audit trail.
    pub logins_24h: u64,
    /// Audit rows of the last 24 h; filled like `logins_24h`.
    pub total_actions_24h: u64,
}

/// `growth` of `GET /admin/stats`: the last 7 days against the 7 before.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Growth {
    /// Tenants created in the last 7 days.
    pub tenants_last_7d: u64,
    /// Tenants created 14 to 7 days ago.
    pub tenants_prev_7d: u64,
    /// Change in percent, 2 decimal places; 0 when the previous week had none.
    pub tenant_growth_percentage: f64,
    /// Active users created in the last 7 days.
    pub users_last_7d: u64,
    /// Active users created 14 to 7 days ago.
    pub users_prev_7d: u64,
    /// Change in percent, as for tenants.
    pub user_growth_percentage: f64,
}

impl Growth {
    /// `(last - prev) / prev × 100`, 2 places; 0 when `prev` is 0.
    #[allow(clippy::cast_precision_loss, reason = "human-sized counts")]
    pub fn percentage(last: u64, prev: u64) -> f64 {
        if prev == 0 {
            0.0
        } else {
            round((last as f64 - prev as f64) / prev as f64 * 100.0, 2)
        }
    }
}

/// `GET /admin/stats` (§3.6).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlatformStats {
    /// Head counts.
    pub overview: StatsOverview,
    /// Active users per role; only roles that have users.
    pub users_by_role: BTreeMap<&'static str, u64>,
    /// Active tenants per tier; only tiers that have tenants.
    pub tenants_by_tier: BTreeMap<String, u64>,
    /// The last 24 h and 30 days.
    pub recent_activity: RecentActivity,
    /// Week over week.
    pub growth: Growth,
}
