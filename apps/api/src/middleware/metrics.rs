//! HTTP metrics: `http_requests_total{method, route, status}` and
//! `http_request_duration_seconds{method, route}`.
//!
//! `route` is the actix route template (`/api/v1/users/{user_id}`), never the
//! raw path, so ids cannot explode the number of series; requests no route
//! matches are labelled `unmatched`. Without an installed recorder (metrics
//! off) the macros are no-ops.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Route label of requests that no route matched.
pub const UNMATCHED: &str = "unmatched";

/// The method as a label: the standard ones, else `other` (clients can send
/// any token as a method).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route template matching the request as it arrived; a fallback for
/// when the chain fails before a response exists (the request is gone then).
pub fn route_before_routing(req: &ServiceRequest) -> Option<String> {
    req.match_pattern()
}

/// Route template and status of a finished request. The response's request
/// has been through trailing-slash normalisation, so its template wins.
pub fn outcome(
    res: &Result<ServiceResponse<BoxBody>, Error>,
    fallback: Option<String>,
) -> (String, u16) {
    match res {
        Ok(r) => (
            r.request()
                .match_pattern()
                .or(fallback)
                .unwrap_or_else(|| UNMATCHED.to_owned()),
            r.status().as_u16(),
        ),
        Err(e) => (
            fallback.unwrap_or_else(|| UNMATCHED.to_owned()),
            e.as_response_error().status_code().as_u16(),
        ),
    }
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let start = Instant::now();
    let method = method_label(req.method());
    let fallback = route_before_routing(&req);
    let res = next
        .call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body);
    let (route, status) = outcome(&res, fallback);
    metrics::counter!("http_requests_total",
        "method" => method, "route" => route.clone(), "status" => status.to_string())
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
