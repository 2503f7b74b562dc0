//! Cross-cutting middleware, wrapped by [`crate::app::build_app`] in this order
//! (outermost first): request id → request span ([`crate::telemetry`]) → HTTP
//! metrics → timing → request log → security headers →
//! error-body fallback → CORS → trailing-slash normalization → rate limiting
//! ([`crate::rate_limit`]) → routes.

pub mod error_body;
pub mod metrics;
pub mod request_id;
pub mod request_log;
pub mod security_headers;
pub mod timing;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Calls the rest of the chain and applies `decorate` to the response headers, also
/// when the chain returned an `Err` (via a response mapper, since the request is gone).
///
/// Middleware must not keep a clone of the `HttpRequest` across `next.call`: routing
/// and `NormalizePath` need the request to be uniquely owned.
pub(crate) async fn call_decorated<B, F>(
    req: ServiceRequest,
    next: Next<B>,
    decorate: F,
) -> Result<ServiceResponse<BoxBody>, Error>
where
    B: MessageBody + 'static,
    F: Fn(&mut HeaderMap) + 'static,
{
    match next.call(req).await {
        Ok(res) => {
            let mut res = res.map_into_boxed_body();
            decorate(res.headers_mut());
            Ok(res)
        }
        Err(mut e) => {
            e.add_response_mapper(move |mut r: HttpResponse| {
                decorate(r.headers_mut());
                r
            });
            Err(e)
        }
    }
}
