//! Where a request came from, for audit entries (api-core §8): the client IP
//! by the same trusted-proxy rules as rate limiting (so a client cannot
//! write a fake address into the trail), the `User-Agent` and the request id.

use crate::client_ip::client_ip;
use crate::config::ApiConfig;
use crate::middleware::request_id::RequestId;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use harmony_kernel::Origin;
use std::future::{Ready, ready};

/// Longest user agent kept (longer ones are cut, never rejected).
const MAX_USER_AGENT: usize = 512;

/// The origin of `req`.
pub fn origin_of(req: &HttpRequest) -> Origin {
    let trust = req
        .app_data::<web::Data<ApiConfig>>()
        .is_some_and(|c| c.trust_forwarded_for);
    let ip = client_ip(req.peer_addr(), req.headers(), trust).map(|ip| ip.to_string());
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0)
        .or_else(crate::middleware::request_id::current)
        .map(|id| id.to_string());
    Origin {
        ip,
        user_agent,
        request_id,
    }
}

/// Extractor of [`Origin`] for handlers without an authenticated caller
/// (login, registration, password reset); authenticated handlers get it
/// from their principal.
#[derive(Debug, Clone)]
pub struct RequestOrigin(pub Origin);

impl FromRequest for RequestOrigin {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(origin_of(req))))
    }
}
