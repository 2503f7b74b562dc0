//! Gives error responses that actix or a library produced (empty 405 of a resource,
//! plain-text 413, ...) the same JSON body as [`ApiError`]. Responses that already
//! carry JSON are left alone; headers (CORS, `Allow`, ...) are kept.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use uuid::Uuid;

use super::request_id;
use crate::error::ApiError;

/// The `ApiError` that stands for a bare error status.
pub fn error_for_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::route_not_found(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::method_not_allowed(),
        s if s.is_server_error() => ApiError::internal(format!(
            "unstructured {s} response from a library or middleware"
        )),
        s => {
            let reason = s.canonical_reason().unwrap_or("Error");
            let code: &'static str = match s {
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                StatusCode::UNAUTHORIZED => "unauthenticated",
                StatusCode::FORBIDDEN => "forbidden",
                StatusCode::URI_TOO_LONG => "uri_too_long",
                _ => "bad_request",
            };
            ApiError::http(s, code, reason)
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"))
}

/// Replaces a non-JSON error response by the JSON one, keeping status and other headers.
fn convert(old: HttpResponse, request_id: Option<Uuid>) -> HttpResponse {
    let status = old.status();
    if status.as_u16() < 400 || is_json(old.headers()) {
        return old;
    }
    let mut new = error_for_status(status).render(request_id);
    for (name, value) in old.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }
    // Keep the original status (e.g. 413) even if the mapping chose another one.
    *new.status_mut() = status;
    new
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = request_id::current();
    match next.call(req).await {
        Ok(res) => {
            let res = res.map_into_boxed_body();
            if res.status().as_u16() < 400 || is_json(res.headers()) {
                return Ok(res);
            }
            let (req, old) = res.into_parts();
            Ok(ServiceResponse::new(req, convert(old, request_id)))
        }
        Err(mut e) => {
            e.add_response_mapper(move |r| convert(r, request_id));
            Err(e)
        }
    }
}
