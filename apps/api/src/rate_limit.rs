//! Rate limiting of the abuse-prone auth endpoints (contract §1.7, defects 11
//! and 12).
//!
//! [`middleware`] runs inside the trailing-slash normalisation, before
//! routing: for a request matching a [`RouteLimit`] it asks the
//! [`RateLimiter`] (app data, see [`crate::app::AppState::with_rate_limiter`])
//! about the key `<rule name>:ip:<client>` and either answers 429 itself — the
//! handler, and so the database, never sees the request — or passes it on and
//! adds `X-RateLimit-Limit/-Remaining/-Reset` to whatever the handler returns.
//! The client is [`client_ip::client_ip`] (the socket peer unless
//! `trust_forwarded_for`), grouped by [`client_ip::subject`].
//!
//! Each route has its own counter (the original shared one `auth` counter
//! between login and reset-password). Login is additionally protected by
//! argon2's cost; a per-account limit would need the body and is left out.
//!
//! Every other `/api/v1` request with a valid bearer token is counted per
//! user and per tenant ([`principal`]; the tenant's quota may depend on its
//! tier). Answers carry the IETF `RateLimit-Policy` / `RateLimit` fields
//! (draft-ietf-httpapi-ratelimit-headers) besides `X-RateLimit-*`, and a
//! 429 also `Retry-After`.

pub mod principal;

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use harmony_kernel::rate_limit::{RateDecision, RateLimiter, RateRule};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::client_ip;
use crate::error::ApiError;
use crate::middleware::call_decorated;
use crate::routes::API_PREFIX;
use crate::runtime_switches::RuntimeSwitches;
use harmony_identity::IdentityService;

/// One limited endpoint: `limit` requests per `window_secs` per client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RouteLimit {
    /// Stable rule name; first part of the limiter key and of the settings
    /// key (`rate_limit.<name>`).
    pub name: String,
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Full path without trailing slash, e.g. `/api/v1/auth/login`.
    pub path: String,
    /// Requests allowed in any window.
    pub limit: u32,
    /// Window length in seconds.
    pub window_secs: u64,
}

impl RouteLimit {
    /// A `POST` rule for `/api/v1<path>`.
    pub fn post(name: &str, path: &str, limit: u32, window_secs: u64) -> Self {
        Self {
            name: name.to_owned(),
            method: Method::POST.to_string(),
            path: format!("{API_PREFIX}{path}"),
            limit,
            window_secs,
        }
    }

    /// The limiter rule.
    pub fn rule(&self) -> RateRule {
        RateRule::per_seconds(self.limit, self.window_secs)
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.path == path && self.method.eq_ignore_ascii_case(method.as_str())
    }
}

/// Whether and which endpoints are limited.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    /// Master switch; off only for local experiments (never fails open otherwise).
    pub enabled: bool,
    /// The limited endpoints (first match wins).
    pub rules: Vec<RouteLimit>,
    /// Limits of authenticated requests per user and per tenant.
    pub principal: principal::PrincipalLimits,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            rules: Self::auth_rules(),
            principal: principal::PrincipalLimits::default(),
        }
    }
}

impl RateLimitConfig {
    /// The built-in table (per client, sliding window); `config/default.toml`
    /// repeats it so operators can see and override each value.
    pub fn auth_rules() -> Vec<RouteLimit> {
        vec![
            RouteLimit::post("login", "/auth/login", 20, 60),
            RouteLimit::post("forgot_password", "/auth/forgot-password", 3, 3600),
            RouteLimit::post("reset_password", "/auth/reset-password", 20, 60),
            RouteLimit::post("register", "/auth/register", 10, 3600),
            RouteLimit::post("verify_email", "/auth/verify-email", 20, 60),
            RouteLimit::post("resend_verification", "/auth/resend-verification", 3, 3600),
            RouteLimit::post("accept_invite", "/auth/accept-invite", 20, 60),
            RouteLimit::post("refresh", "/auth/refresh", 60, 60),
        ]
    }

    /// Nothing is limited (tests of unrelated features, local experiments).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Changes rule `name`; `false` when there is no such rule.
    pub fn set(&mut self, name: &str, limit: u32, window_secs: u64) -> bool {
        match self.rules.iter_mut().find(|r| r.name == name) {
            Some(r) => {
                r.limit = limit;
                r.window_secs = window_secs;
                true
            }
            None => false,
        }
    }

    /// The rule limiting `method path`, if any (and if enabled).
    pub fn rule_for(&self, method: &Method, path: &str) -> Option<&RouteLimit> {
        if !self.enabled {
            return None;
        }
        self.rules.iter().find(|r| r.matches(method, path))
    }
}

/// One counted policy of a request: its name, rule and the decision.
struct Counted {
    policy: String,
    rule: RateRule,
    decision: RateDecision,
}

/// Sets the IETF `RateLimit-Policy`/`RateLimit` fields (one list item per
/// policy) and `X-RateLimit-*` from the most constrained policy.
fn set_headers(h: &mut HeaderMap, counted: &[Counted], now: i64) {
    let Some(tightest) = counted.iter().min_by_key(|c| c.decision.remaining) else {
        return;
    };
    let d = &tightest.decision;
    let legacy = [
        ("x-ratelimit-limit", d.limit.to_string()),
        ("x-ratelimit-remaining", d.remaining.to_string()),
        ("x-ratelimit-reset", d.reset_at.to_string()),
    ];
    for (name, value) in ietf_fields(counted, now).into_iter().chain(legacy) {
        if let Ok(v) = HeaderValue::try_from(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
}

/// `RateLimit-Policy` and `RateLimit`, one list member per counted policy.
fn ietf_fields(counted: &[Counted], now: i64) -> [(&'static str, String); 2] {
    let policies: Vec<String> = counted
        .iter()
        .map(|c| {
            let (q, w) = (c.rule.limit, c.rule.window.as_secs());
            format!("\"{}\";q={q};w={w}", c.policy)
        })
        .collect();
    let states: Vec<String> = counted
        .iter()
        .map(|c| {
            let t = (c.decision.reset_at - now).max(0);
            format!("\"{}\";r={};t={t}", c.policy, c.decision.remaining)
        })
        .collect();
    [
        ("ratelimit-policy", policies.join(", ")),
        ("ratelimit", states.join(", ")),
    ]
}

/// The middleware; `limits` and `trust_forwarded_for` come from
/// [`crate::ApiConfig`], the limiter from app data (else `fallback`).
pub async fn middleware<B: MessageBody + 'static>(
    limits: Arc<RateLimitConfig>,
    fallback: Arc<dyn RateLimiter>,
    trust_forwarded_for: bool,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // `match_info` is the percent-decoded path the router matches, so
    // `/auth/log%69n` cannot slip past the rule for `/auth/login`.
    let switched_off = req
        .app_data::<web::Data<RuntimeSwitches>>()
        .is_some_and(|s| !s.rate_limit_enabled());
    if switched_off || !limits.enabled {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let limiter = req
        .app_data::<web::Data<dyn RateLimiter>>()
        .map_or(fallback, |d| d.clone().into_inner());
    let policies = match limits.rule_for(req.method(), req.match_info().as_str()) {
        Some(route) => {
            let client = client_ip::client_ip(req.peer_addr(), req.headers(), trust_forwarded_for)
                .map_or_else(|| "unknown".to_owned(), client_ip::subject);
            vec![(
                route.name.clone(),
                format!("{}:ip:{client}", route.name),
                route.rule(),
            )]
        }
        None => principal_policies(&req, &limits.principal).await,
    };
    if policies.is_empty() {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let now = OffsetDateTime::now_utc();
    let mut counted = Vec::with_capacity(policies.len());
    for (policy, key, rule) in policies {
        let decision = limiter.hit(&key, rule, now).await;
        if !decision.allowed {
            metrics::counter!("rate_limit_rejections_total", "policy" => policy.clone())
                .increment(1);
            tracing::warn!(%policy, retry_after = decision.retry_after_secs(), "rate limit exceeded");
            let mut err = ApiError::rate_limited(
                u64::from(decision.limit),
                decision.reset_at,
                decision.retry_after_secs(),
            );
            counted.push(Counted {
                policy,
                rule,
                decision,
            });
            for (name, value) in ietf_fields(&counted, now.unix_timestamp()) {
                err = err.with_header(name, &value);
            }
            return Ok(req.error_response(err));
        }
        counted.push(Counted {
            policy,
            rule,
            decision,
        });
    }
    let unix_now = now.unix_timestamp();
    call_decorated(req, next, move |h| set_headers(h, &counted, unix_now)).await
}

/// The per-user and per-tenant policies of an authenticated request
/// (`(policy, limiter key, rule)`), none for anonymous ones.
async fn principal_policies(
    req: &ServiceRequest,
    limits: &principal::PrincipalLimits,
) -> Vec<(String, String, RateRule)> {
    if !req.path().starts_with(API_PREFIX) {
        return Vec::new();
    }
    let Some(identity) = req.app_data::<web::Data<IdentityService>>() else {
        return Vec::new();
    };
    let authorization = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some((who, verified)) = principal::claimant(identity, authorization) else {
        return Vec::new();
    };
    // the extractor authenticates with it instead of verifying the token again
    req.extensions_mut()
        .insert(crate::caller::VerifiedBearer(verified));
    let mut out = vec![(
        "user".to_owned(),
        format!("api:user:{}", who.user),
        limits.per_user.rule(),
    )];
    if let Some(tenant) = who.tenant {
        let tier = match req.app_data::<web::Data<principal::TierCache>>() {
            Some(cache) => cache.tier(identity, tenant).await,
            None => None,
        };
        out.push((
            "tenant".to_owned(),
            format!("api:tenant:{tenant}"),
            limits.tenant_quota(tier.as_deref()).rule(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_method_and_exact_path() {
        let cfg = RateLimitConfig::default();
        let login = cfg.rule_for(&Method::POST, "/api/v1/auth/login").unwrap();
        assert_eq!((login.limit, login.window_secs), (20, 60));
        assert!(cfg.rule_for(&Method::GET, "/api/v1/auth/login").is_none());
        assert!(cfg.rule_for(&Method::POST, "/api/v1/auth/logout").is_none());
        let strict = cfg
            .rule_for(&Method::POST, "/api/v1/auth/forgot-password")
            .unwrap();
        assert_eq!(strict.rule(), RateRule::per_seconds(3, 3600));
        assert!(
            RateLimitConfig::disabled()
                .rule_for(&Method::POST, "/api/v1/auth/login")
                .is_none()
        );
    }

    #[test]
    fn rules_can_be_overridden_by_name() {
        let mut cfg = RateLimitConfig::default();
        assert!(cfg.set("login", 5, 900));
        assert!(!cfg.set("nope", 1, 1));
        let login = cfg.rule_for(&Method::POST, "/api/v1/auth/login").unwrap();
        assert_eq!((login.limit, login.window_secs), (5, 900));
    }
}
