//! `X-Process-Time: <ms with 2 decimals>ms` on every response, errors included.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

use super::call_decorated;

/// Response header carrying the processing time.
pub const HEADER: HeaderName = HeaderName::from_static("x-process-time");

/// Formats a duration the contract's way (`12.34ms`).
pub fn format_ms(elapsed: std::time::Duration) -> String {
    format!("{:.2}ms", elapsed.as_secs_f64() * 1000.0)
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let start = Instant::now();
    let decorate = move |h: &mut HeaderMap| {
        if let Ok(v) = HeaderValue::from_str(&format_ms(start.elapsed())) {
            h.insert(HEADER, v);
        }
    };
    call_decorated(req, next, decorate).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_decimals() {
        assert_eq!(
            super::format_ms(std::time::Duration::from_micros(12_345)),
            "12.35ms"
        );
        assert_eq!(super::format_ms(std::time::Duration::ZERO), "0.00ms");
    }
}
