//! Field-level validation errors in the contract's shape (§1.3) and a builder for them.
//!
//! DTOs deserialize into `Option<String>` / `serde_json::Value` fields so that every
//! problem is reported at once; the conversion into a domain command collects them:
//!
//! ```
//! use harmony_api::validation::FieldErrors;
//! # fn f(email: Option<String>, password: Option<String>) -> Result<(), harmony_api::error::ApiError> {
//! let mut errors = FieldErrors::new();
//! let email = errors.required("body", "email", email);
//! let password = errors.required("body", "password", password);
//! if let Some(p) = &password { errors.min_len("body", "password", p, 8); }
//! errors.finish()?;                      // 422 listing every problem
//! # Ok(()) }
//! ```

use std::fmt::Display;
use std::str::FromStr;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// One invalid input: `field` is the location joined with `" -> "` (`body -> admin_password`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Location path, first element `body`, `query`, `path` or `header`.
    pub field: String,
    /// Validator text (custom rules are prefixed `Value error, `).
    pub message: String,
    /// Machine type (`missing`, `string_too_short`, `value_error`, ...).
    #[serde(rename = "type")]
    pub kind: String,
}

impl FieldError {
    /// A field error at an already-joined location.
    pub fn new(
        field: impl Into<String>,
        message: impl Into<String>,
        kind: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            kind: kind.into(),
        }
    }
}

/// Joins a location and a field name the contract's way (`field` may be empty or nested).
pub fn loc(location: &str, field: &str) -> String {
    if field.is_empty() {
        location.to_owned()
    } else {
        format!("{location} -> {field}")
    }
}

/// Collects field errors; [`FieldErrors::finish`] turns them into one 422.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

impl FieldErrors {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an error at `location -> field` with an explicit type.
    pub fn push(
        &mut self,
        location: &str,
        field: &str,
        message: impl Into<String>,
        kind: &str,
    ) -> &mut Self {
        self.errors
            .push(FieldError::new(loc(location, field), message, kind));
        self
    }

    /// `missing`: "Field required".
    pub fn missing(&mut self, location: &str, field: &str) -> &mut Self {
        self.push(location, field, "Field required", "missing")
    }

    /// `value_error`: a custom rule; the message gets the `Value error, ` prefix.
    pub fn value_error(&mut self, location: &str, field: &str, msg: impl Display) -> &mut Self {
        self.push(
            location,
            field,
            format!("Value error, {msg}"),
            "value_error",
        )
    }

    /// `string_too_short`.
    pub fn too_short(&mut self, location: &str, field: &str, min: usize) -> &mut Self {
        let s = if min == 1 { "" } else { "s" };
        self.push(
            location,
            field,
            format!("String should have at least {min} character{s}"),
            "string_too_short",
        )
    }

    /// `string_too_long`.
    pub fn too_long(&mut self, location: &str, field: &str, max: usize) -> &mut Self {
        let s = if max == 1 { "" } else { "s" };
        self.push(
            location,
            field,
            format!("String should have at most {max} character{s}"),
            "string_too_long",
        )
    }

    /// `string_pattern_mismatch`.
    pub fn pattern_mismatch(&mut self, location: &str, field: &str, pattern: &str) -> &mut Self {
        self.push(
            location,
            field,
            format!("String should match pattern '{pattern}'"),
            "string_pattern_mismatch",
        )
    }

    /// `literal_error`: "Input should be 'admin' or 'member'".
    pub fn literal_error(&mut self, location: &str, field: &str, allowed: &[&str]) -> &mut Self {
        let quoted: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
        let list = match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.join(""),
        };
        self.push(
            location,
            field,
            format!("Input should be {list}"),
            "literal_error",
        )
    }

    /// `uuid_parsing`; `reason` is the parser's text.
    pub fn uuid_parsing(&mut self, location: &str, field: &str, reason: impl Display) -> &mut Self {
        self.push(
            location,
            field,
            format!("Input should be a valid UUID, {reason}"),
            "uuid_parsing",
        )
    }

    /// `int_parsing`.
    pub fn int_parsing(&mut self, location: &str, field: &str) -> &mut Self {
        self.push(
            location,
            field,
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        )
    }

    /// `bool_parsing`.
    pub fn bool_parsing(&mut self, location: &str, field: &str) -> &mut Self {
        self.push(
            location,
            field,
            "Input should be a valid boolean, unable to interpret input",
            "bool_parsing",
        )
    }

    /// `greater_than_equal`.
    pub fn greater_than_equal(
        &mut self,
        location: &str,
        field: &str,
        min: impl Display,
    ) -> &mut Self {
        self.push(
            location,
            field,
            format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        )
    }

    /// `less_than_equal`.
    pub fn less_than_equal(&mut self, location: &str, field: &str, max: impl Display) -> &mut Self {
        self.push(
            location,
            field,
            format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        )
    }

    /// Returns the value, or records `missing` and returns `None`.
    pub fn required<T>(&mut self, location: &str, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.missing(location, field);
        }
        value
    }

    /// Checks the character count of `value`; records `string_too_short` if below `min`.
    pub fn min_len(&mut self, location: &str, field: &str, value: &str, min: usize) -> bool {
        let ok = value.chars().count() >= min;
        if !ok {
            self.too_short(location, field, min);
        }
        ok
    }

    /// Checks the character count of `value`; records `string_too_long` if above `max`.
    pub fn max_len(&mut self, location: &str, field: &str, value: &str, max: usize) -> bool {
        let ok = value.chars().count() <= max;
        if !ok {
            self.too_long(location, field, max);
        }
        ok
    }

    /// Parses a UUID (`uuid_parsing` on failure).
    pub fn parse_uuid(&mut self, location: &str, field: &str, raw: &str) -> Option<Uuid> {
        Uuid::parse_str(raw)
            .map_err(|e| {
                self.uuid_parsing(location, field, e);
            })
            .ok()
    }

    /// Parses an integer (`int_parsing` on failure) and checks optional bounds.
    pub fn parse_int<T>(
        &mut self,
        location: &str,
        field: &str,
        raw: &str,
        min: Option<T>,
        max: Option<T>,
    ) -> Option<T>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        let Ok(v) = raw.trim().parse::<T>() else {
            self.int_parsing(location, field);
            return None;
        };
        if let Some(min) = min.filter(|m| v < *m) {
            self.greater_than_equal(location, field, min);
            return None;
        }
        if let Some(max) = max.filter(|m| v > *m) {
            self.less_than_equal(location, field, max);
            return None;
        }
        Some(v)
    }

    /// Parses a query boolean: `true/false/1/0/yes/no/on/off`, case-insensitive (§1.2).
    pub fn parse_bool(&mut self, location: &str, field: &str, raw: &str) -> Option<bool> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
            "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
            _ => {
                self.bool_parsing(location, field);
                None
            }
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors were recorded.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// The recorded errors.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// `Ok(())` when empty, else one 422 [`ApiError`] listing every error.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::validation(e.errors)
    }
}

/// A 422 for one body field refused by a domain rule after parsing (e.g. a
/// value object checked in a service), shaped as if the body had been
/// validated up front: `body -> <field>`, `Value error, <message>`.
pub fn body_value_error(field: &str, message: impl Display) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        loc("body", field),
        format!("Value error, {message}"),
        "value_error",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_messages_match_the_contract() {
        let mut e = FieldErrors::new();
        e.missing("body", "admin_email")
            .value_error(
                "body",
                "admin_password",
                "Password must contain at least one uppercase letter",
            )
            .too_short("body", "password", 8)
            .pattern_mismatch("body", "subdomain", "^[a-z0-9-]+$")
            .literal_error("body", "role", &["admin", "member"])
            .greater_than_equal("query", "limit", 1)
            .less_than_equal("query", "limit", 100);
        let got: Vec<(&str, &str, &str)> = e
            .errors()
            .iter()
            .map(|f| (f.field.as_str(), f.message.as_str(), f.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("body -> admin_email", "Field required", "missing"),
                (
                    "body -> admin_password",
                    "Value error, Password must contain at least one uppercase letter",
                    "value_error"
                ),
                (
                    "body -> password",
                    "String should have at least 8 characters",
                    "string_too_short"
                ),
                (
                    "body -> subdomain",
                    "String should match pattern '^[a-z0-9-]+$'",
                    "string_pattern_mismatch"
                ),
                (
                    "body -> role",
                    "Input should be 'admin' or 'member'",
                    "literal_error"
                ),
                (
                    "query -> limit",
                    "Input should be greater than or equal to 1",
                    "greater_than_equal"
                ),
                (
                    "query -> limit",
                    "Input should be less than or equal to 100",
                    "less_than_equal"
                ),
            ]
        );
        let err = e.finish().unwrap_err();
        assert_eq!(err.field_errors().len(), 7);
    }

    #[test]
    fn literal_lists_three_values() {
        let mut e = FieldErrors::new();
        e.literal_error("body", "r", &["owner", "admin", "member"]);
        assert_eq!(
            e.errors()[0].message,
            "Input should be 'owner', 'admin' or 'member'"
        );
    }

    #[test]
    fn parsers_record_errors() {
        let mut e = FieldErrors::new();
        assert_eq!(
            e.parse_int::<i64>("query", "skip", "5", Some(0), None),
            Some(5)
        );
        assert_eq!(
            e.parse_int::<i64>("query", "skip", "-1", Some(0), None),
            None
        );
        assert_eq!(e.parse_int::<i64>("query", "limit", "x", None, None), None);
        assert_eq!(e.parse_bool("query", "active", "Yes"), Some(true));
        assert!(e.parse_uuid("path", "id", "nope").is_none());
        let kinds: Vec<&str> = e.errors().iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["greater_than_equal", "int_parsing", "uuid_parsing"]);
        assert!(
            e.errors()[2]
                .message
                .starts_with("Input should be a valid UUID, invalid character")
        );
        assert!(FieldErrors::new().finish().is_ok());
    }
}
