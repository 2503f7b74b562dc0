//! Request id: a fresh server-generated UUIDv4 per request (client ids are ignored,
//! contract §1.4), echoed as `X-Request-ID`, kept in a task-local so error bodies
//! carry it, and stored in the request extensions for handlers and logging.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use super::call_decorated;

/// Response header carrying the request id.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: Uuid;
}

/// The request id of the request being handled on this task, if any.
pub fn current() -> Option<Uuid> {
    REQUEST_ID.try_with(|id| *id).ok()
}

/// Runs `fut` with `id` as the current request id (for tests and background work).
pub async fn scope<F: Future>(id: Uuid, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// Extractor and extension value: the current request's id (for audit records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub Uuid);

impl FromRequest for RequestId {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req
            .extensions()
            .get::<RequestId>()
            .copied()
            .or_else(|| current().map(RequestId))
            .unwrap_or_else(|| RequestId(Uuid::new_v4()));
        ready(Ok(id))
    }
}

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = Uuid::new_v4();
    req.extensions_mut().insert(RequestId(id));
    let value = HeaderValue::from_str(&id.to_string()).ok();
    let decorate = move |h: &mut HeaderMap| {
        if let Some(v) = &value {
            h.insert(HEADER, v.clone());
        }
    };
    REQUEST_ID
        .scope(id, call_decorated(req, next, decorate))
        .await
}
