//! Harmony's HTTP API (actix-web): the App factory, error envelope, validation
//! helpers, extractor configuration, middleware (request id, timing, security
//! headers, CORS, trailing slashes, request log, rate limiting), health checks and
//! OpenAPI/Swagger UI.
//!
//! It owns no business rules: handlers parse, call one service method, and map the
//! result; services come from the domain crates and are registered as app data by
//! the composition root (see [`app::AppState`]).
#![allow(clippy::missing_errors_doc)]

pub mod app;
pub mod caller;
pub mod client_ip;
pub mod config;
pub mod cors;
pub mod docs;
pub mod error;
pub mod extract;
pub mod health;
pub mod identity_http;
pub mod logging;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod origin;
pub mod rate_limit;
pub mod routes;
pub mod runtime_switches;
pub mod secret_mask;
pub mod seed;
pub mod server;
pub mod telemetry;
pub mod validation;
pub mod views;

pub use app::{AppState, build_app, serve};
pub use config::ApiConfig;
pub use error::ApiError;
pub use health::{HealthProbe, HealthProbes};
pub use validation::FieldErrors;
