//! Limits of authenticated API traffic: one counter per user and one per
//! tenant, the tenant's limit possibly set per subscription tier.
//!
//! Who calls is read from the bearer token's verified claims without a
//! database round trip ([`IdentityService::peek_access_claims`]); the tier
//! comes from a small per-process cache refreshed every minute, so a tier
//! change takes effect within that minute. A request without a valid token
//! is not counted here (the handler refuses it anyway); the IP-keyed auth
//! rules cover the anonymous endpoints.

use harmony_identity::IdentityService;
use harmony_identity::service::VerifiedAccess;
use harmony_kernel::TenantId;
use harmony_kernel::rate_limit::RateRule;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One limit: `limit` requests in any `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Quota {
    /// Requests allowed per window.
    pub limit: u32,
    /// Window length in seconds.
    pub window_secs: u64,
}

impl Quota {
    /// The limiter rule.
    pub fn rule(self) -> RateRule {
        RateRule::per_seconds(self.limit, self.window_secs)
    }
}

/// Per-user and per-tenant limits of authenticated requests.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrincipalLimits {
    /// Requests per user (all of their sessions together).
    pub per_user: Quota,
    /// Requests per tenant (all of its users together), unless its tier has
    /// its own entry in `tenant_tiers`.
    pub per_tenant: Quota,
    /// Per-tenant limits by tier code, e.g. `enterprise`.
    pub tenant_tiers: BTreeMap<String, Quota>,
}

impl Default for PrincipalLimits {
    fn default() -> Self {
        Self {
            per_user: Quota {
                limit: 600,
                window_secs: 60,
            },
            per_tenant: Quota {
                limit: 6000,
                window_secs: 60,
            },
            // the largest tier gets more room; `config/default.toml` repeats it
            tenant_tiers: BTreeMap::from([(
                "enterprise".to_owned(),
                Quota {
                    limit: 30_000,
                    window_secs: 60,
                },
            )]),
        }
    }
}

impl PrincipalLimits {
    /// The tenant quota for `tier`.
    pub fn tenant_quota(&self, tier: Option<&str>) -> Quota {
        tier.and_then(|t| self.tenant_tiers.get(t))
            .copied()
            .unwrap_or(self.per_tenant)
    }
}

/// Who a request claims to be, from its bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimant {
    /// The user (`sub`).
    pub user: uuid::Uuid,
    /// Their tenant, for tenant users.
    pub tenant: Option<TenantId>,
}

/// The claimant of a bearer token, if it is a valid access token, with the
/// verification the `Caller` extractor can reuse.
pub fn claimant(
    identity: &IdentityService,
    authorization: Option<&str>,
) -> Option<(Claimant, VerifiedAccess)> {
    let token = crate::caller::bearer_token(authorization?)?;
    let verified = identity.peek_access_claims(token)?;
    let claims = verified.claims();
    let who = Claimant {
        user: claims.user_id.into_uuid(),
        tenant: claims.tenant.map(|(t, _)| t),
    };
    Some((who, verified))
}

/// How long a cached tier is trusted.
const TIER_TTL: Duration = Duration::from_mins(1);
/// Entries above which the cache starts over (bounded memory).
const TIER_CAPACITY: usize = 10_000;

/// Tenant → tier, per process, refreshed after [`TIER_TTL`].
#[derive(Debug, Default)]
pub struct TierCache {
    entries: Mutex<HashMap<TenantId, (Option<String>, Instant)>>,
}

impl TierCache {
    /// The tier of `tenant`; a lookup failure counts as "no tier" (the
    /// default tenant quota applies), never as "no limit".
    pub async fn tier(&self, identity: &IdentityService, tenant: TenantId) -> Option<String> {
        if let Some((tier, at)) = self.lock().get(&tenant)
            && at.elapsed() < TIER_TTL
        {
            return tier.clone();
        }
        let tier = identity.tenant_tier(tenant).await.ok().flatten();
        let mut entries = self.lock();
        if entries.len() >= TIER_CAPACITY {
            entries.clear();
        }
        entries.insert(tenant, (tier.clone(), Instant::now()));
        tier
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, (Option<String>, Instant)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_override_the_tenant_quota() {
        let mut limits = PrincipalLimits::default();
        let big = Quota {
            limit: 60_000,
            window_secs: 60,
        };
        limits.tenant_tiers.insert("enterprise".into(), big);
        assert_eq!(limits.tenant_quota(Some("enterprise")), big);
        assert_eq!(limits.tenant_quota(Some("free")), limits.per_tenant);
        assert_eq!(limits.tenant_quota(None), limits.per_tenant);
    }
}
