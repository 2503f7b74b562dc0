//! Glue between identity and HTTP: value-object parsing into the contract's
//! 422 details, and identity errors into API errors.

use crate::error::ApiError;
use crate::validation::{FieldErrors, body_value_error};
use harmony_identity::IdentityError;
use harmony_identity::model::{Email, Password, PersonName, Subdomain};
use secrecy::SecretString;

/// Maps an identity error; a value-object failure becomes a 422 whose field
/// is `body -> <field>`, as if the body had been validated up front.
pub fn identity_error(e: IdentityError) -> ApiError {
    match e {
        IdentityError::Validation { field, message } => body_value_error(field, message),
        other => ApiError::from(other),
    }
}

/// A required field: records `missing` when absent.
pub fn required(errors: &mut FieldErrors, field: &str, value: Option<String>) -> Option<String> {
    errors.required("body", field, value)
}

/// A policy-checked password: the schema's minimum first, then §6.1.
pub fn password(errors: &mut FieldErrors, field: &str, raw: Option<String>) -> Option<Password> {
    let raw = required(errors, field, raw)?;
    if !errors.min_len("body", field, &raw, 8) {
        return None;
    }
    Password::parse(SecretString::from(raw))
        .map_err(|e| errors.value_error("body", field, e))
        .ok()
}

/// Any non-empty password (login, confirmation prompts): no policy.
pub fn secret(errors: &mut FieldErrors, field: &str, raw: Option<String>) -> Option<SecretString> {
    required(errors, field, raw).map(SecretString::from)
}

/// An e-mail address (lower-cased).
pub fn email(errors: &mut FieldErrors, field: &str, raw: Option<String>) -> Option<Email> {
    let raw = required(errors, field, raw)?;
    Email::parse(&raw)
        .map_err(|e| errors.value_error("body", field, e))
        .ok()
}

/// An e-mail address for a new account: also refuses disposable domains.
pub fn signup_email(errors: &mut FieldErrors, field: &str, raw: Option<String>) -> Option<Email> {
    let raw = required(errors, field, raw)?;
    Email::parse_for_signup(&raw)
        .map_err(|e| errors.value_error("body", field, e))
        .ok()
}

/// A name under the name rule (§6.4); `max` is the schema's length limit.
pub fn name(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> Option<PersonName> {
    if !errors.min_len("body", field, raw, 1) || !errors.max_len("body", field, raw, max) {
        return None;
    }
    PersonName::parse(raw)
        .map_err(|e| errors.value_error("body", field, e))
        .ok()
}

/// An optional name: empty or absent means none.
pub fn optional_name(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<PersonName> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(s) => name(errors, field, s, 100),
    }
}

/// A subdomain: the schema (3–50, `^[a-z0-9-]+$`) then §6.2.
pub fn subdomain(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Subdomain> {
    if !errors.min_len("body", field, raw, 3) || !errors.max_len("body", field, raw, 50) {
        return None;
    }
    if !raw
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errors.pattern_mismatch("body", field, "^[a-z0-9-]+$");
        return None;
    }
    Subdomain::parse(raw)
        .map_err(|e| errors.value_error("body", field, e))
        .ok()
}
