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

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use harmony_kernel::rate_limit::{RateDecision, RateLimiter, RateRule};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::client_ip;
use crate::error::ApiError;
use crate::middleware::call_decorated;
use crate::routes::API_PREFIX;
use crate::runtime_switches::RuntimeSwitches;

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
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            rules: Self::auth_rules(),
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

/// Sets `X-RateLimit-Limit/-Remaining/-Reset` from `d`.
fn set_headers(h: &mut HeaderMap, d: &RateDecision) {
    for (name, value) in [
        ("x-ratelimit-limit", d.limit.to_string()),
        ("x-ratelimit-remaining", d.remaining.to_string()),
        ("x-ratelimit-reset", d.reset_at.to_string()),
    ] {
        if let Ok(v) = HeaderValue::try_from(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
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
    let route = limits
        .rule_for(req.method(), req.match_info().as_str())
        .filter(|_| !switched_off);
    let Some(route) = route else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let limiter = req
        .app_data::<web::Data<dyn RateLimiter>>()
        .map_or(fallback, |d| d.clone().into_inner());
    let client = client_ip::client_ip(req.peer_addr(), req.headers(), trust_forwarded_for)
        .map_or_else(|| "unknown".to_owned(), client_ip::subject);
    let key = format!("{}:ip:{client}", route.name);
    let decision = limiter
        .hit(&key, route.rule(), OffsetDateTime::now_utc())
        .await;
    if !decision.allowed {
        metrics::counter!("rate_limit_rejections_total", "policy" => route.name.clone())
            .increment(1);
        tracing::warn!(rule = %route.name, %client, retry_after = decision.retry_after_secs(),
            "rate limit exceeded");
        let err = ApiError::rate_limited(
            u64::from(decision.limit),
            decision.reset_at,
            decision.retry_after_secs(),
        );
        return Ok(req.error_response(err));
    }
    call_decorated(req, next, move |h| set_headers(h, &decision)).await
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
