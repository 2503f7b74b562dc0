//! Security headers on every response; a looser CSP for the Swagger UI under `/api/docs`.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CONTENT_SECURITY_POLICY, HeaderMap, HeaderValue, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::middleware::Next;

use super::call_decorated;

/// CSP of API (JSON) responses.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// CSP of the documentation UI (lets the vendored Swagger UI run).
pub const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
/// HSTS value sent when the API is served over HTTPS.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";
/// Path prefix of the documentation UI.
pub const DOCS_PREFIX: &str = "/api/docs";

/// Adds the headers to `headers`; `hsts` only when TLS terminates in front of us.
pub fn apply(headers: &mut HeaderMap, path: &str, hsts: bool) {
    let csp = if path == DOCS_PREFIX || path.starts_with("/api/docs/") {
        DOCS_CSP
    } else {
        API_CSP
    };
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    if hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
}

/// The middleware; wrap with `from_fn(move |r, n| security_headers::middleware(hsts, r, n))`.
pub async fn middleware<B: MessageBody + 'static>(
    hsts: bool,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path().to_owned();
    call_decorated(req, next, move |h: &mut HeaderMap| apply(h, &path, hsts)).await
}
