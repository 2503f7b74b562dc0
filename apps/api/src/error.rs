//! `ApiError`: the one place where failures become HTTP responses.
//!
//! - Handler/guard errors: `{"detail": "<message>", "code": "<stable code>", "request_id": "<uuid>"}`
//!   (the contract's `detail` plus our additions).
//! - Validation errors: the contract's `{"error": {"code": "validation_error", ...}}` envelope.
//! - Internal errors: logged with their cause chain, shown only as the generic envelope.
//! - Rate limiting: the contract's §1.7 object `detail` plus `Retry-After`/`X-RateLimit-*`.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use harmony_kernel::error::{DomainError, ErrorKind, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::middleware::request_id;
use crate::validation::FieldError;

/// Boxed error used as the logged cause of an [`ApiError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Message shown for every internal error; internal text never reaches the client.
pub const INTERNAL_MESSAGE: &str = "An unexpected error occurred. Please try again later.";
/// Message of the validation envelope.
pub const VALIDATION_MESSAGE: &str = "The request data failed validation";

/// Body of handler/guard errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Human-readable message (the contract's `detail`).
    pub detail: String,
    /// Stable snake_case machine code.
    pub code: String,
    /// The request id, equal to the `X-Request-ID` response header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Body of validation (422) and internal (500) errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvelopeBody {
    /// The error itself.
    pub error: Envelope,
    /// The request id, equal to the `X-Request-ID` response header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The `error` object of [`EnvelopeBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope {
    /// `validation_error`, `internal_server_error` or `database_error`.
    pub code: String,
    /// Fixed message for the code.
    pub message: String,
    /// UTC time, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
    pub timestamp: String,
    /// One entry per invalid field; omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
}

/// The `detail` object of a 429 (contract §1.7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateLimitDetail {
    /// Always `rate_limit_exceeded`.
    pub error: String,
    /// `Too many requests. Please try again in <N> seconds.`
    pub message: String,
    /// Requests allowed per window.
    pub limit: u64,
    /// Unix seconds when the window resets.
    pub reset: i64,
    /// Seconds until a retry can succeed.
    pub retry_after: u64,
}

/// Body of a 429.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitBody {
    /// See [`RateLimitDetail`].
    pub detail: RateLimitDetail,
    /// Always `rate_limit_exceeded`.
    pub code: String,
    /// The request id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug)]
enum Shape {
    Detail,
    Validation(Vec<FieldError>),
    RateLimit(RateLimitDetail),
}

/// The API's error type; handlers return `Result<_, ApiError>` and use `?` on domain errors.
#[derive(Debug)]
pub struct ApiError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    status: Option<StatusCode>,
    code: &'static str,
    message: String,
    shape: Shape,
    headers: Vec<(HeaderName, HeaderValue)>,
    source: Option<BoxError>,
}

impl ApiError {
    /// An error of `kind` with a stable `code` and a client-visible `message`.
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            kind,
            status: None,
            code,
            message: message.into(),
            shape: Shape::Detail,
            headers: Vec::new(),
            source: None,
        }))
    }

    /// A protocol-level error whose status has no [`ErrorKind`] (405, 413, 415...).
    /// Domain failures must use [`ApiError::new`] or `?` so the kind table stays the only mapping.
    pub fn http(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let kind = if status.is_server_error() {
            ErrorKind::Internal
        } else {
            ErrorKind::BadRequest
        };
        let mut e = Self::new(kind, code, message);
        e.0.status = Some(status);
        e
    }

    /// A 422 with the given field errors (see [`crate::validation::FieldErrors`]).
    pub fn validation(details: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            ErrorKind::Validation,
            "validation_error",
            VALIDATION_MESSAGE,
        );
        e.0.shape = Shape::Validation(details);
        e
    }

    /// A 500; `source` is logged, never shown.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::new(
            ErrorKind::Internal,
            "internal_server_error",
            INTERNAL_MESSAGE,
        )
        .with_source(source)
    }

    /// Translates a storage failure that a handler did not map itself.
    pub fn store(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => Self::new(
                ErrorKind::Conflict,
                "already_exists",
                "This record already exists",
            )
            .with_source(e),
            StoreError::StaleVersion => Self::new(
                ErrorKind::Conflict,
                "concurrent_modification",
                "The record changed meanwhile; reload and retry",
            )
            .with_source(e),
            other => {
                let mut e = Self::internal(other);
                e.0.code = "database_error";
                e.0.message = "A database error occurred".into();
                e
            }
        }
    }

    /// `404 {"detail":"Not Found"}` for unknown paths.
    pub fn route_not_found() -> Self {
        Self::new(ErrorKind::NotFound, "not_found", "Not Found")
    }

    /// `405 {"detail":"Method Not Allowed"}`.
    pub fn method_not_allowed() -> Self {
        Self::http(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method Not Allowed",
        )
    }

    /// A 429 with the contract's object `detail` and `Retry-After` / `X-RateLimit-*` headers.
    pub fn rate_limited(limit: u64, reset_unix: i64, retry_after_secs: u64) -> Self {
        let detail = RateLimitDetail {
            error: "rate_limit_exceeded".into(),
            message: format!("Too many requests. Please try again in {retry_after_secs} seconds."),
            limit,
            reset: reset_unix,
            retry_after: retry_after_secs,
        };
        let mut e = Self::new(
            ErrorKind::LimitExceeded,
            "rate_limit_exceeded",
            detail.message.clone(),
        );
        e.0.shape = Shape::RateLimit(detail);
        e.with_header("retry-after", &retry_after_secs.to_string())
            .with_header("x-ratelimit-limit", &limit.to_string())
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-reset", &reset_unix.to_string())
    }

    /// Adds a response header (ignored if the name or value is invalid).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.0.headers.push((n, v));
        }
        self
    }

    /// Records the underlying cause (logged for internal errors).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// The error kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    /// The client-visible message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The field errors of a validation error (empty otherwise).
    pub fn field_errors(&self) -> &[FieldError] {
        match &self.0.shape {
            Shape::Validation(d) => d,
            _ => &[],
        }
    }

    fn cause_chain(&self) -> String {
        let mut out = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = self
            .0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out.join(": ")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

impl<E: DomainError> From<E> for ApiError {
    fn from(e: E) -> Self {
        let mut err = Self::new(e.kind(), e.code(), e.to_string());
        if e.kind() == ErrorKind::Validation {
            // Domain rules that are not bound to one field: shown as a `body` value error.
            err.0.shape = Shape::Validation(vec![FieldError::new(
                "body",
                format!("Value error, {e}"),
                "value_error",
            )]);
        }
        err.with_source(e)
    }
}

/// The only kind→status table.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::LimitExceeded => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status.unwrap_or_else(|| status_for(self.0.kind))
    }

    fn error_response(&self) -> HttpResponse {
        self.render(request_id::current())
    }
}

impl ApiError {
    /// Renders the response with an explicit request id (for code running outside the
    /// request-id task-local, e.g. response mappers).
    pub fn render(&self, request_id: Option<uuid::Uuid>) -> HttpResponse {
        let status = self.status_code();
        let mut res = HttpResponse::build(status);
        for (n, v) in &self.0.headers {
            res.insert_header((n.clone(), v.clone()));
        }
        if self.0.kind == ErrorKind::Unauthenticated {
            res.insert_header((WWW_AUTHENTICATE, "Bearer"));
        }
        let request_id = request_id.map(|id| id.to_string());
        if status.is_server_error() && self.0.kind == ErrorKind::Internal {
            tracing::error!(
                code = self.0.code,
                request_id = request_id.as_deref().unwrap_or("-"),
                error.cause_chain = %self.cause_chain(),
                "request failed"
            );
            let message = if self.0.code == "database_error" {
                &self.0.message
            } else {
                INTERNAL_MESSAGE
            };
            let code = if self.0.code == "database_error" {
                self.0.code
            } else {
                "internal_server_error"
            };
            return res.json(envelope(code, message, Vec::new(), request_id));
        }
        match &self.0.shape {
            Shape::Validation(details) => res.json(envelope(
                "validation_error",
                VALIDATION_MESSAGE,
                details.clone(),
                request_id,
            )),
            Shape::RateLimit(detail) => res.json(RateLimitBody {
                detail: detail.clone(),
                code: self.0.code.into(),
                request_id,
            }),
            Shape::Detail => res.json(ErrorBody {
                detail: self.0.message.clone(),
                code: self.0.code.into(),
                request_id,
            }),
        }
    }
}

fn envelope(
    code: &str,
    message: &str,
    details: Vec<FieldError>,
    request_id: Option<String>,
) -> EnvelopeBody {
    EnvelopeBody {
        error: Envelope {
            code: code.into(),
            message: message.into(),
            timestamp: utc_timestamp(),
            details,
        },
        request_id,
    }
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (fraction omitted when zero).
pub fn utc_timestamp() -> String {
    format_utc(time::OffsetDateTime::now_utc())
}

/// Formats `t` (converted to UTC) like [`utc_timestamp`].
pub fn format_utc(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if micros == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{micros:06}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn timestamps_follow_the_contract() {
        let t = time::macros::datetime!(2026-02-20 10:11:12.123456 UTC);
        assert_eq!(format_utc(t), "2026-02-20T10:11:12.123456Z");
        let t = time::macros::datetime!(2026-02-20 10:11:12 +02:00);
        assert_eq!(format_utc(t), "2026-02-20T08:11:12Z");
    }

    #[test]
    fn cause_chain_is_joined() {
        let e = ApiError::internal(Outer(std::io::Error::other("disk on fire")));
        assert_eq!(e.cause_chain(), "outer: disk on fire");
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn store_errors_are_translated() {
        assert_eq!(
            ApiError::store(StoreError::StaleVersion).status_code(),
            StatusCode::CONFLICT
        );
        let e = ApiError::store(StoreError::Corrupt("x".into()));
        assert_eq!(e.code(), "database_error");
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
