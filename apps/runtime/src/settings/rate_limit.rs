//! `[rate_limit]`: the per-IP auth rules and the per-user/per-tenant limits
//! of authenticated requests (see ADR 0004).

use serde::Deserialize;

/// One rate limit: `limit` requests per `window_seconds`, per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitRule {
    /// Requests allowed in any window.
    pub limit: u32,
    /// Length of the sliding window in seconds.
    pub window_seconds: u64,
}

/// `[rate_limit]`: one rule per limited auth endpoint (contract §1.7,
/// defects 11–12). Unknown keys are refused, so a misspelt rule name fails at
/// start-up instead of silently leaving its endpoint at the default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Master switch (keep it on outside local experiments).
    pub enabled: bool,
    /// `POST /auth/login`.
    pub login: RateLimitRule,
    /// `POST /auth/forgot-password` (the contract's "strict" limit).
    pub forgot_password: RateLimitRule,
    /// `POST /auth/reset-password`.
    pub reset_password: RateLimitRule,
    /// `POST /auth/register`.
    pub register: RateLimitRule,
    /// `POST /auth/verify-email`.
    pub verify_email: RateLimitRule,
    /// `POST /auth/resend-verification`.
    pub resend_verification: RateLimitRule,
    /// `POST /auth/accept-invite`.
    pub accept_invite: RateLimitRule,
    /// `POST /auth/refresh`.
    pub refresh: RateLimitRule,
    /// Authenticated requests per user and per tenant.
    pub api: ApiRateLimitSettings,
}

/// `[rate_limit.api]`: every authenticated `/api/v1` request counts once
/// against its user and once against its tenant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRateLimitSettings {
    /// Per user, all sessions together.
    pub per_user: RateLimitRule,
    /// Per tenant, unless its tier is listed in `tenant_tiers`.
    pub per_tenant: RateLimitRule,
    /// Per-tenant limits by tier code (e.g. `enterprise`).
    #[serde(default)]
    pub tenant_tiers: std::collections::BTreeMap<String, RateLimitRule>,
}

impl RateLimitSettings {
    /// Every rule with its name (the key under `[rate_limit]`).
    pub fn rules(&self) -> [(&'static str, RateLimitRule); 10] {
        [
            ("api.per_user", self.api.per_user),
            ("api.per_tenant", self.api.per_tenant),
            ("login", self.login),
            ("forgot_password", self.forgot_password),
            ("reset_password", self.reset_password),
            ("register", self.register),
            ("verify_email", self.verify_email),
            ("resend_verification", self.resend_verification),
            ("accept_invite", self.accept_invite),
            ("refresh", self.refresh),
        ]
    }
}
