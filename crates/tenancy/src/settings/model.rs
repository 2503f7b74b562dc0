//! Pure decisions of the tenant-settings use cases (§3.4): usage and limit
//! figures, subscription summary, format settings and the settings merge.
//! No I/O here; the service loads, these decide.

use crate::model::{Limit, Tenant};
use harmony_kernel::TenantId;
use time::OffsetDateTime;

/// The writes' decisions live in `update.rs`; re-exported so every
/// settings type is reachable from one module.
pub use super::update::{FormatSettings, SettingsUpdate, merge_settings};

const GIB: f64 = 1_073_741_824.0;

/// One subscription tier as the tier catalogue describes it (`TierInfo`).
#[derive(Debug, Clone, PartialEq)]
pub struct TierInfo {
    /// Tier code (`free`, `basic`, ...), unique.
    pub code: String,
    /// Human name.
    pub display_name: String,
    /// Monthly price in the currency's smallest unit.
    pub price_monthly: i64,
    /// Yearly price in the currency's smallest unit.
    pub price_yearly: i64,
    /// User cap (`-1` unlimited).
    pub max_users: Limit,
    /// Branch cap (`-1` unlimited).
    pub max_branches: Limit,
    /// Storage cap in GB (`-1` unlimited).
    pub max_storage_gb: Limit,
    /// Feature codes or marketing strings.
    pub features: Vec<String>,
    /// Listed to tenants.
    pub is_public: bool,
    /// Highlighted in the pricing table.
    pub is_recommended: bool,
}

/// The fixed tier list of api-billing §1.4, used only when the catalogue is
/// empty (defect 32: the original always used it).
pub fn fallback_tiers() -> Vec<TierInfo> {
    let tier =
        |code: &str, name: &str, monthly: i64, limits: [i64; 3], features: &[&str]| TierInfo {
            code: code.to_owned(),
            display_name: name.to_owned(),
            price_monthly: monthly,
            price_yearly: monthly * 10,
            max_users: Limit::new(limits[0]),
            max_branches: Limit::new(limits[1]),
            max_storage_gb: Limit::new(limits[2]),
            features: features.iter().map(|f| (*f).to_owned()).collect(),
            is_public: true,
            is_recommended: code == "premium",
        };
    vec![
        tier(
            "free",
            "Free",
            0,
            [5, 1, 1],
            &["Basic Dashboard", "User Management", "1 Branch"],
        ),
        tier(
            "basic",
            "Basic",
            299_000,
            [20, 5, 10],
            &[
                "All Free Features",
                "5 Branches",
                "10GB Storage",
                "Email Support",
            ],
        ),
        tier(
            "premium",
            "Premium",
            999_000,
            [100, 20, 50],
            &[
                "All Basic Features",
                "20 Branches",
                "50GB Storage",
                "Priority Support",
                "API Access",
            ],
        ),
        tier(
            "enterprise",
            "Enterprise",
            2_999_000,
            [-1, -1, 200],
            &[
                "All Premium Features",
                "Unlimited Users",
                "Unlimited Branches",
                "200GB Storage",
                "24/7 Support",
                "Custom Integration",
            ],
        ),
    ]
}

/// The next tier in the fixed upgrade order free→basic→premium→enterprise;
/// `None` for enterprise, `free` for a code outside that list (contract).
pub fn next_tier(code: &str) -> Option<&'static str> {
    const ORDER: [&str; 4] = ["free", "basic", "premium", "enterprise"];
    match ORDER.iter().position(|c| *c == code) {
        Some(i) => ORDER.get(i + 1).copied(),
        None => Some("free"),
    }
}

fn round_dp(x: f64, dp: i32) -> f64 {
    let f = 10f64.powi(dp);
    (x * f).round() / f
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts and bytes far below 2^52"
)]
fn ratio_percent(current: f64, limit: i64) -> f64 {
    if limit <= 0 {
        0.0
    } else {
        round_dp(current / limit as f64 * 100.0, 2)
    }
}

/// How much of one countable quota is used. `-1` means unlimited: then
/// `available` is `-1`, `reached` is false and `percent` 0 (defect 33).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitUsage {
    /// Active records now.
    pub current: u64,
    /// The cap.
    pub limit: Limit,
    /// Free slots (`max(0, limit − current)`), `-1` when unlimited.
    pub available: i64,
    /// `current / limit × 100`, 2 dp; 0 when unlimited or the cap is 0.
    pub percent: f64,
    /// Whether no more may be added.
    pub reached: bool,
}

impl LimitUsage {
    /// The figures for `current` records under `limit`.
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    pub fn new(current: u64, limit: Limit) -> Self {
        let cur = i64::try_from(current).unwrap_or(i64::MAX);
        if limit == Limit::UNLIMITED {
            return Self {
                current,
                limit,
                available: -1,
                percent: 0.0,
                reached: false,
            };
        }
        Self {
            current,
            limit,
            available: (limit.raw() - cur).max(0),
            percent: ratio_percent(current as f64, limit.raw()),
            reached: limit.is_reached_by(current),
        }
    }
}

/// Storage use from `tenants.storage_used_bytes` (defect 32: no stub).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageUsage {
    /// Used GB, 3 dp.
    pub used_gb: f64,
    /// The cap in GB.
    pub limit: Limit,
    /// `max(0, limit − used)` GB, 2 dp; `-1` when unlimited.
    pub available_gb: f64,
    /// Used share of the cap, 2 dp; 0 when unlimited.
    pub percent: f64,
    /// Used ≥ cap; never when unlimited.
    pub reached: bool,
}

impl StorageUsage {
    /// The figures for `used_bytes` under `limit` GB.
    #[allow(clippy::cast_precision_loss, reason = "bytes far below 2^52")]
    pub fn new(used_bytes: i64, limit: Limit) -> Self {
        let used = used_bytes.max(0) as f64 / GIB;
        if limit == Limit::UNLIMITED {
            return Self {
                used_gb: round_dp(used, 3),
                limit,
                available_gb: -1.0,
                percent: 0.0,
                reached: false,
            };
        }
        let cap = limit.raw() as f64;
        Self {
            used_gb: round_dp(used, 3),
            limit,
            available_gb: round_dp((cap - used).max(0.0), 2),
            percent: ratio_percent(used, limit.raw()),
            reached: used >= cap,
        }
    }
}

/// `TenantUsageResponse`: the tenant's quotas and how much is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// The tenant.
    pub tenant_id: TenantId,
    /// Its name.
    pub tenant_name: String,
    /// Its tier code.
    pub tier: String,
    /// Active users against `max_users`.
    pub users: LimitUsage,
    /// Active branches against `max_branches`.
    pub branches: LimitUsage,
    /// Stored bytes against `max_storage_gb`.
    pub storage: StorageUsage,
    /// The next tier in the upgrade order, if any.
    pub next_tier: Option<&'static str>,
}

impl Usage {
    /// Decides the figures from the tenant and its active counts.
    pub fn of(tenant: &Tenant, users: u64, branches: u64) -> Self {
        Self {
            tenant_id: tenant.id,
            tenant_name: tenant.name.clone(),
            tier: tenant.tier.clone(),
            users: LimitUsage::new(users, tenant.max_users),
            branches: LimitUsage::new(branches, tenant.max_branches),
            storage: StorageUsage::new(tenant.storage_used_bytes, tenant.max_storage_gb),
            next_tier: next_tier(&tenant.tier),
        }
    }
}

/// A pending tier change (`scheduled_change`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledChange {
    /// Target tier code.
    pub tier_code: String,
    /// Its display name (the code when the catalogue lacks it).
    pub tier_name: String,
    /// When it applies.
    pub effective_at: Option<OffsetDateTime>,
    /// Whole days until then, never negative.
    pub days_until: i64,
}

/// `SubscriptionInfo`: the tenant's plan as the billing page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The tier code.
    pub tier_code: String,
    /// Its display name (the code when the catalogue lacks it).
    pub tier_name: String,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    /// Start of the paid period.
    pub started_at: Option<OffsetDateTime>,
    /// End of the paid period.
    pub ends_at: Option<OffsetDateTime>,
    /// Whole days left, 0 without an end or past it.
    pub days_remaining: i64,
    /// Credit in the smallest currency unit.
    pub credit_balance: i64,
    /// The pending tier change, if any.
    pub scheduled_change: Option<ScheduledChange>,
}

fn days_until(at: Option<OffsetDateTime>, now: OffsetDateTime) -> i64 {
    at.map_or(0, |t| (t - now).whole_days().max(0))
}

impl Subscription {
    /// Summarises `tenant` at `now`; names come from the active `tiers`.
    pub fn of(tenant: &Tenant, tiers: &[TierInfo], now: OffsetDateTime) -> Self {
        let name = |code: &str| {
            tiers
                .iter()
                .find(|t| t.code == code)
                .map_or_else(|| code.to_owned(), |t| t.display_name.clone())
        };
        let period = if tenant.billing_period.is_empty() {
            "monthly"
        } else {
            &tenant.billing_period
        };
        Self {
            tier_code: tenant.tier.clone(),
            tier_name: name(&tenant.tier),
            billing_period: period.to_owned(),
            started_at: tenant.subscription_started_at,
            ends_at: tenant.subscription_ends_at,
            days_remaining: days_until(tenant.subscription_ends_at, now),
            credit_balance: tenant.credit_balance,
            scheduled_change: tenant
                .scheduled_tier_code
                .as_ref()
                .map(|code| ScheduledChange {
                    tier_code: code.clone(),
                    tier_name: name(code),
                    effective_at: tenant.scheduled_tier_effective_at,
                    days_until: days_until(tenant.scheduled_tier_effective_at, now),
                }),
        }
    }
}
