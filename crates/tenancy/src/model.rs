//! Tenant and branch records with the defaults the contract (§5, §10.1) fixes.

use harmony_kernel::{BranchId, TenantId, UserId};
/// Re-exported so callers (the API's DTO parsing) use the same exact decimal type.
pub use rust_decimal::Decimal;
use time::OffsetDateTime;

/// A quota where `-1` means unlimited (the contract's encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Limit(i64);

impl Limit {
    /// No cap.
    pub const UNLIMITED: Self = Self(-1);
    /// A cap of `n`; negative values mean unlimited.
    pub const fn new(n: i64) -> Self {
        if n < 0 { Self::UNLIMITED } else { Self(n) }
    }
    /// The wire value (`-1` for unlimited).
    pub const fn raw(self) -> i64 {
        self.0
    }
    /// Whether `current` has reached the cap (never, when unlimited).
    pub const fn is_reached_by(self, current: u64) -> bool {
        self.0 >= 0 && current >= self.0.unsigned_abs()
    }
}

/// A tenant's subscription state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Paying or free, in good standing.
    Active,
    /// In a trial period.
    Trial,
    /// The paid period ended.
    Expired,
    /// Cancelled by the customer.
    Cancelled,
    /// Suspended by the platform.
    Suspended,
}

impl SubscriptionStatus {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Trial => "trial",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Suspended => "suspended",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Active,
            Self::Trial,
            Self::Expired,
            Self::Cancelled,
            Self::Suspended,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
    /// Whether the tenant may add users and branches (§10.5).
    pub const fn allows_growth(self) -> bool {
        matches!(self, Self::Active | Self::Trial)
    }
}

/// A customer organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    /// Id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// Unique lower-case subdomain.
    pub subdomain: String,
    /// Custom domain, if any.
    pub domain: Option<String>,
    /// Logo URL, if any.
    pub logo_url: Option<String>,
    /// Tier code (`free`, `basic`, ...).
    pub tier: String,
    /// Subscription state.
    pub subscription_status: SubscriptionStatus,
    /// User cap.
    pub max_users: Limit,
    /// Branch cap.
    pub max_branches: Limit,
    /// Storage cap in GB.
    pub max_storage_gb: Limit,
    /// Feature overrides.
    pub features: serde_json::Value,
    /// Tenant settings (format, language, ...).
    pub settings: serde_json::Value,
    /// Free-form metadata.
    pub meta_data: serde_json::Value,
    /// End of trial.
    pub trial_ends_at: Option<OffsetDateTime>,
    /// End of the paid period.
    pub subscription_ends_at: Option<OffsetDateTime>,
    /// Start of the current paid period.
    pub subscription_started_at: Option<OffsetDateTime>,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    /// Credit in the currency's smallest unit; may go negative by manual adjustment.
    pub credit_balance: i64,
    /// Tier a scheduled downgrade switches to.
    pub scheduled_tier_code: Option<String>,
    /// When the scheduled downgrade applies.
    pub scheduled_tier_effective_at: Option<OffsetDateTime>,
    /// Bytes of stored files, maintained by the files context.
    pub storage_used_bytes: i64,
    /// False when deactivated by the platform; locks the tenant out.
    pub is_active: bool,
    /// Set when the platform deleted the tenant (soft), distinct from a
    /// deactivation (defect 43).
    pub deleted_at: Option<OffsetDateTime>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
}

impl Tenant {
    /// A self-registered tenant on the free tier (§10.1 step 4).
    pub fn for_registration(name: String, subdomain: String, now: OffsetDateTime) -> Self {
        Self {
            id: TenantId::new(),
            name,
            subdomain,
            domain: None,
            logo_url: None,
            tier: "free".to_owned(),
            subscription_status: SubscriptionStatus::Active,
            max_users: Limit::new(5),
            max_branches: Limit::new(1),
            max_storage_gb: Limit::new(1),
            features: serde_json::json!({}),
            settings: serde_json::json!({}),
            meta_data: serde_json::json!({}),
            trial_ends_at: None,
            subscription_ends_at: None,
            subscription_started_at: None,
            billing_period: "monthly".to_owned(),
            credit_balance: 0,
            scheduled_tier_code: None,
            scheduled_tier_effective_at: None,
            storage_used_bytes: 0,
            is_active: true,
            deleted_at: None,
            created_at: now,
            updated_at: None,
        }
    }
}

/// A tenant's office, store or site.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Id.
    pub id: BranchId,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// Code, unique within the tenant.
    pub code: String,
    /// Headquarters flag; one per tenant.
    pub is_hq: bool,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Province or state.
    pub province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: String,
    /// Phone.
    pub phone: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Latitude in degrees (`numeric(10,8)`), kept exact as a decimal.
    pub latitude: Option<Decimal>,
    /// Longitude in degrees (`numeric(11,8)`), kept exact as a decimal.
    pub longitude: Option<Decimal>,
    /// IANA time zone.
    pub timezone: String,
    /// ISO currency code.
    pub currency: String,
    /// False once deleted (soft) or deactivated.
    pub is_active: bool,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: Option<OffsetDateTime>,
    /// Set by a soft delete; a deleted branch is gone for every use case (defect 40).
    pub deleted_at: Option<OffsetDateTime>,
    /// Who deleted it.
    pub deleted_by: Option<UserId>,
    /// Optimistic-locking counter: every stored update increments it.
    pub version: i64,
}

impl Branch {
    /// The head office every registered tenant starts with.
    pub fn headquarters(tenant_id: TenantId, now: OffsetDateTime) -> Self {
        Self {
            id: BranchId::new(),
            tenant_id,
            name: "Head Office".to_owned(),
            code: "HQ".to_owned(),
            is_hq: true,
            address: None,
            city: None,
            province: None,
            postal_code: None,
            country: "Indonesia".to_owned(),
            phone: None,
            email: None,
            latitude: None,
            longitude: None,
            timezone: "Asia/Jakarta".to_owned(),
            currency: "IDR".to_owned(),
            is_active: true,
            created_at: now,
            updated_at: None,
            deleted_at: None,
            deleted_by: None,
            version: 0,
        }
    }

    /// Whether the branch exists for the tenant's use cases: not soft-deleted.
    pub const fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// Whether the branch counts against `max_branches` and may be a default
    /// branch: live and active.
    pub const fn is_counted(&self) -> bool {
        self.is_active && self.deleted_at.is_none()
    }
}

/// Latitudes and longitudes are stored with 8 decimal places (§5.2); this
/// rounds half away from zero to that scale and pads, so `-6.2088` becomes
/// `-6.20880000` on every backend.
pub fn coordinate(value: Decimal) -> Decimal {
    let mut d =
        value.round_dp_with_strategy(8, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    d.rescale(8);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_is_never_reached() {
        assert!(!Limit::UNLIMITED.is_reached_by(u64::MAX));
        assert!(Limit::new(5).is_reached_by(5));
        assert!(!Limit::new(5).is_reached_by(4));
        assert_eq!(Limit::new(-7), Limit::UNLIMITED);
    }

    #[test]
    fn only_active_and_trial_allow_growth() {
        assert!(SubscriptionStatus::Trial.allows_growth());
        assert!(!SubscriptionStatus::Suspended.allows_growth());
        assert_eq!(
            SubscriptionStatus::parse("expired"),
            Some(SubscriptionStatus::Expired)
        );
    }
}
