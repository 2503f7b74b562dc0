//! HTTP-layer settings (the lead's config loader fills this from `[api]` / `HARMONY__API__*`).

use serde::Deserialize;

use crate::rate_limit::RateLimitConfig;

/// Default JSON body limit: 1 MiB.
pub const DEFAULT_JSON_LIMIT: usize = 1024 * 1024;

/// Settings of the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApiConfig {
    /// Allowed CORS origins, exactly (contract §1.5); `"*"` allows any origin.
    pub cors_origins: Vec<String>,
    /// Largest accepted JSON body in bytes.
    pub json_limit: usize,
    /// Send `Strict-Transport-Security` (only when clients reach us over HTTPS).
    pub hsts: bool,
    /// Use `X-Forwarded-For`/`Forwarded` for the logged client ip, and the right-most
    /// `X-Forwarded-For` hop for rate limiting (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Serve `/api/docs` and `/api/openapi.json`.
    pub docs_enabled: bool,
    /// Timeout of each health probe, in milliseconds.
    pub health_timeout_ms: u64,
    /// Per-client limits of the auth endpoints (contract §1.7, defects 11–12).
    pub rate_limit: RateLimitConfig,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            cors_origins: vec![
                "http://localhost:3000".into(),
                "http://localhost:3001".into(),
            ],
            json_limit: DEFAULT_JSON_LIMIT,
            hsts: false,
            trust_forwarded_for: false,
            docs_enabled: true,
            health_timeout_ms: 3000,
            rate_limit: RateLimitConfig::default(),
        }
    }
}
