//! CORS from configuration (contract §1.5).

use actix_cors::Cors;
use actix_web::http::header::HeaderName;

use crate::config::ApiConfig;

/// Headers browsers may read from responses.
pub const EXPOSED: [&str; 2] = ["x-request-id", "x-process-time"];

/// Exact allowed origins, credentials, any method, any request header, exposed
/// `X-Request-ID`/`X-Process-Time`, preflight max-age 600 s.
pub fn cors(config: &ApiConfig) -> Cors {
    let mut cors = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .supports_credentials()
        .expose_headers(EXPOSED.map(HeaderName::from_static))
        .max_age(600);
    for origin in &config.cors_origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}
