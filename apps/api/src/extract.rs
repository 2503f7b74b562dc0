//! Extractor configuration: JSON, query and path errors become the contract's 422
//! envelope (or a JSON 413) instead of actix's plain text.
//!
//! Suggested DTO pattern: deserialize bodies and queries into structs whose fields are
//! all `Option<String>` / `Option<serde_json::Value>`, then validate them with
//! [`crate::validation::FieldErrors`] so every problem is reported at once with its
//! field path (serde stops at the first error and cannot name query fields).
//!
//! Suggested auth extractor (the lead's `Caller`): implement `FromRequest` for
//! `Caller(Principal)` reading `Authorization: Bearer <jwt>` and calling identity's
//! `authenticate(token)` through `req.app_data::<web::Data<IdentityService>>()`;
//! return `ApiError` so failures get the envelope, e.g. missing header →
//! `ApiError::new(ErrorKind::Forbidden, "not_authenticated", "Not authenticated")`,
//! bad token → `ErrorKind::Unauthenticated` (adds `WWW-Authenticate: Bearer`).
//! Because it is async, use `type Future = LocalBoxFuture<'static, Result<Self, ApiError>>`
//! and clone what you need out of the request before `Box::pin(async move { .. })`.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use uuid::Uuid;

use crate::error::ApiError;
use crate::validation::{FieldErrors, loc};

/// `web::JsonConfig` with the configured `limit` and the envelope error handler.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| json_error(&err).into())
}

/// `web::QueryConfig` with the envelope error handler.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, req| query_error(&err, req).into())
}

/// `web::PathConfig` with the envelope error handler.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| path_error(&err, req).into())
}

/// Registers the three configs on a scope or app.
pub fn configure(cfg: &mut web::ServiceConfig, json_limit: usize) {
    cfg.app_data(json_config(json_limit))
        .app_data(query_config())
        .app_data(path_config());
}

/// Maps a JSON body error.
pub fn json_error(err: &JsonPayloadError) -> ApiError {
    let mut errors = FieldErrors::new();
    match err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => {
            return ApiError::http(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("Request body is too large (limit: {limit} bytes)"),
            );
        }
        JsonPayloadError::ContentType => {
            errors.push(
                "body",
                "",
                "Content-Type must be application/json",
                "content_type",
            );
        }
        JsonPayloadError::Deserialize(e) => serde_json_error(&mut errors, e),
        JsonPayloadError::Payload(e) => {
            return ApiError::http(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("Could not read the request body: {e}"),
            );
        }
        other => return ApiError::internal(other.to_string()),
    }
    errors.into()
}

fn serde_json_error(errors: &mut FieldErrors, e: &serde_json::Error) {
    use serde_json::error::Category;
    let text = e.to_string();
    match e.classify() {
        Category::Eof if e.line() == 1 && e.column() == 0 => {
            errors.missing("body", "");
        }
        Category::Syntax | Category::Eof | Category::Io => {
            errors.push(
                "body",
                "",
                format!("JSON decode error: {text}"),
                "json_invalid",
            );
        }
        Category::Data => serde_data_error(errors, "body", strip_position(&text)),
    }
}

/// serde_json appends " at line L column C"; the position is useless to API clients.
fn strip_position(text: &str) -> &str {
    text.rfind(" at line ").map_or(text, |i| &text[..i])
}

/// Text between the first pair of backticks.
fn backticked(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(&text[start..start + len])
}

/// Maps a serde data error message (`missing field `x``, `invalid type: ...`, ...).
fn serde_data_error(errors: &mut FieldErrors, location: &str, text: &str) {
    if let Some(rest) = text.strip_prefix("missing field ") {
        let field = backticked(rest).unwrap_or("");
        errors.missing(location, field);
    } else if let Some(rest) = text.strip_prefix("unknown variant ") {
        let allowed: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        errors.literal_error(location, "", &allowed);
    } else if text.starts_with("invalid digit")
        || text.starts_with("cannot parse integer")
        || text.starts_with("number too")
    {
        errors.int_parsing(location, "");
    } else if text.contains("UUID parsing failed")
        || text.starts_with("invalid character")
        || text.starts_with("invalid length")
        || text.starts_with("invalid group")
    {
        let reason = text.strip_prefix("UUID parsing failed: ").unwrap_or(text);
        errors.uuid_parsing(location, "", reason);
    } else if text.starts_with("provided string was not `true` or `false`") {
        errors.bool_parsing(location, "");
    } else if let Some(rest) = text.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or(rest, |(_, e)| e);
        errors.push(
            location,
            "",
            format!("Input should be {expected}"),
            "type_error",
        );
    } else {
        errors.push(location, "", text.to_owned(), "value_error");
    }
}

/// Maps a query string error; names the field when serde's message does.
pub fn query_error(err: &QueryPayloadError, _req: &HttpRequest) -> ApiError {
    let mut errors = FieldErrors::new();
    let text = match err {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    serde_data_error(&mut errors, "query", &text);
    errors.into()
}

/// Maps a path error; the field is found from the matched segment names.
pub fn path_error(err: &PathError, req: &HttpRequest) -> ApiError {
    let text = match err {
        PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    let params: Vec<(String, String)> = req
        .match_info()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut errors = FieldErrors::new();
    // A segment that is not a UUID (most path ids are UUIDs).
    if let Some((name, value)) = params
        .iter()
        .find(|(_, v)| Uuid::parse_str(v).is_err() && looks_like_uuid_error(&text))
    {
        let reason = Uuid::parse_str(value)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        errors.uuid_parsing("path", name, reason);
        return errors.into();
    }
    let mut tmp = FieldErrors::new();
    serde_data_error(&mut tmp, "path", &text);
    let field = match params.as_slice() {
        [(name, _)] => loc("path", name),
        _ => "path".to_owned(),
    };
    for e in tmp.errors() {
        errors.push(&field, "", e.message.clone(), &e.kind);
    }
    errors.into()
}

fn looks_like_uuid_error(text: &str) -> bool {
    text.contains("UUID")
        || text.starts_with("invalid character")
        || text.starts_with("invalid length")
        || text.starts_with("invalid group")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(location: &str, text: &str) -> (String, String, String) {
        let mut e = FieldErrors::new();
        serde_data_error(&mut e, location, text);
        let f = &e.errors()[0];
        (f.field.clone(), f.message.clone(), f.kind.clone())
    }

    #[test]
    fn serde_messages_are_classified() {
        assert_eq!(one("body", "missing field `email`").0, "body -> email");
        assert_eq!(one("body", "missing field `email`").2, "missing");
        assert_eq!(
            one("query", "invalid digit found in string").2,
            "int_parsing"
        );
        let (_, msg, kind) = one("body", "unknown variant `x`, expected `admin` or `member`");
        assert_eq!(
            (msg.as_str(), kind.as_str()),
            ("Input should be 'admin' or 'member'", "literal_error")
        );
        let (_, msg, kind) = one("body", "invalid type: integer `1`, expected a string");
        assert_eq!(
            (msg.as_str(), kind.as_str()),
            ("Input should be a string", "type_error")
        );
        assert_eq!(
            strip_position("expected value at line 1 column 2"),
            "expected value"
        );
    }
}
