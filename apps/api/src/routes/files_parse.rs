//! Request parsing shared by the files routes: the `X-Tenant-ID` context
//! header (G-CTX), the upload declarations (`FileUploadRequest`,
//! `TenantLogoUpload`/`UserAvatarUpload`), the confirm wrapper of the
//! multi-body endpoints and the mapping of [`FilesError`].
//!
//! Bodies are read as JSON values and checked field by field into
//! [`FieldErrors`], so every problem is one 422 with its path
//! (`body -> original_request -> filename`) and the contract's texts.

use crate::error::ApiError;
use crate::validation::{FieldError, FieldErrors, body_value_error, loc};
use actix_web::HttpRequest;
use harmony_files::service::{FilePatch, ImageUpload, UploadConfirm, UploadRequest};
use harmony_files::{FileCategory, FilesError, rules};
use harmony_kernel::{Principal, TenantId};
use serde_json::{Map, Value};

/// Maps a files error; a service-side validation failure becomes a 422 on
/// its body field (custom rules with the `Value error, ` prefix).
pub(crate) fn files_error(e: FilesError) -> ApiError {
    match e {
        FilesError::Validation { field, message } => {
            if message.starts_with("String should") || message.starts_with("Input should") {
                let kind = if message.contains("at least") {
                    "string_too_short"
                } else if message.contains("at most") {
                    "string_too_long"
                } else if message.contains("greater than") {
                    "greater_than"
                } else {
                    "value_error"
                };
                ApiError::validation(vec![FieldError::new(loc("body", field), message, kind)])
            } else {
                body_value_error(field, message)
            }
        }
        other => ApiError::from(other),
    }
}

/// G-CTX: the tenant a system user acts in (`X-Tenant-ID`); `None` for
/// tenant users, whose header is ignored (§1.8.2). A malformed header is a
/// 422 on `header -> x-tenant-id`.
pub(crate) fn tenant_context(
    req: &HttpRequest,
    who: &Principal,
) -> Result<Option<TenantId>, ApiError> {
    if who.system_role().is_none() {
        return Ok(None);
    }
    let Some(raw) = req.headers().get("x-tenant-id") else {
        return Ok(None);
    };
    let mut e = FieldErrors::new();
    let id = e.parse_uuid("header", "x-tenant-id", raw.to_str().unwrap_or("").trim());
    e.finish()?;
    Ok(id.map(TenantId::from_uuid))
}

/// A required string of `min..=max` characters.
fn string(
    e: &mut FieldErrors,
    at: &str,
    body: &Map<String, Value>,
    key: &str,
    max: usize,
) -> Option<String> {
    match body.get(key) {
        None => {
            e.missing(at, key);
            None
        }
        Some(Value::String(s)) => {
            (e.min_len(at, key, s, 1) && e.max_len(at, key, s, max)).then(|| s.clone())
        }
        Some(_) => {
            e.push(at, key, "Input should be a valid string", "string_type");
            None
        }
    }
}

/// The filename rule: 1–255 characters, no `..`, `/`, `\`, NUL.
fn filename(e: &mut FieldErrors, at: &str, body: &Map<String, Value>) -> Option<String> {
    let name = string(e, at, body, "filename", 255)?;
    match rules::check_filename(&name) {
        Ok(()) => Some(name),
        Err(m) => {
            e.value_error(at, "filename", m);
            None
        }
    }
}

/// `size_bytes`: an integer > 0.
fn size_bytes(e: &mut FieldErrors, at: &str, body: &Map<String, Value>) -> Option<i64> {
    match body.get("size_bytes") {
        None => {
            e.missing(at, "size_bytes");
            None
        }
        Some(v) => match v.as_i64() {
            Some(n) if n > 0 => Some(n),
            Some(_) => {
                e.push(
                    at,
                    "size_bytes",
                    "Input should be greater than 0",
                    "greater_than",
                );
                None
            }
            None => {
                e.push(
                    at,
                    "size_bytes",
                    "Input should be a valid integer",
                    "int_type",
                );
                None
            }
        },
    }
}

/// The body as an object, or a 422 on `body`.
pub(crate) fn object<'a>(
    e: &mut FieldErrors,
    at: &str,
    value: &'a Value,
) -> Option<&'a Map<String, Value>> {
    let obj = value.as_object();
    if obj.is_none() {
        e.push(
            at,
            "",
            "Input should be a valid dictionary or object",
            "dict_type",
        );
    }
    obj
}

/// `FileUploadRequest` at `at` (`body` or `body -> original_request`).
pub(crate) fn upload_request(e: &mut FieldErrors, at: &str, v: &Value) -> Option<UploadRequest> {
    let body = object(e, at, v)?;
    let filename = filename(e, at, body);
    let content_type = string(e, at, body, "content_type", 100).and_then(|ct| {
        rules::normalize_content_type(&ct)
            .map_err(|m| e.value_error(at, "content_type", m))
            .ok()
    });
    let size = size_bytes(e, at, body);
    let category = match body.get("category") {
        None => {
            e.missing(at, "category");
            None
        }
        Some(v) => {
            let c = v.as_str().and_then(FileCategory::parse);
            if c.is_none() {
                let names: Vec<&str> = FileCategory::ALL.iter().map(|c| c.as_str()).collect();
                e.literal_error(at, "category", &names);
            }
            c
        }
    };
    let resource_type = match body.get("resource_type") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => e.max_len(at, "resource_type", s, 50).then(|| s.clone()),
        Some(_) => {
            e.push(
                at,
                "resource_type",
                "Input should be a valid string",
                "string_type",
            );
            None
        }
    };
    let resource_id = match body.get("resource_id") {
        None | Some(Value::Null) => None,
        Some(v) => e.parse_uuid(at, "resource_id", v.as_str().unwrap_or("")),
    };
    let is_public = boolean(e, at, body, "is_public").unwrap_or(false);
    Some(UploadRequest {
        filename: filename?,
        content_type: content_type?,
        size_bytes: size?,
        category: category?,
        resource_type,
        resource_id,
        is_public,
    })
}

/// An optional boolean (`null` = absent).
pub(crate) fn boolean(
    e: &mut FieldErrors,
    at: &str,
    body: &Map<String, Value>,
    key: &str,
) -> Option<bool> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            e.push(at, key, "Input should be a valid boolean", "bool_type");
            None
        }
    }
}

/// `TenantLogoUpload` / `UserAvatarUpload` at `at`.
pub(crate) fn image_upload(e: &mut FieldErrors, at: &str, v: &Value) -> Option<ImageUpload> {
    let body = object(e, at, v)?;
    let filename = filename(e, at, body);
    let content_type = string(e, at, body, "content_type", 100).and_then(|ct| {
        rules::normalize_image_content_type(&ct)
            .map_err(|m| e.value_error(at, "content_type", m))
            .ok()
    });
    let size = size_bytes(e, at, body);
    Some(ImageUpload {
        filename: filename?,
        content_type: content_type?,
        size_bytes: size?,
    })
}

/// `FileUploadConfirm` at `body -> confirm` (`null`/absent → `None`).
fn upload_confirm(e: &mut FieldErrors, v: Option<&Value>) -> Option<UploadConfirm> {
    let at = "body -> confirm";
    let body = match v {
        None | Some(Value::Null) => return None,
        Some(v) => object(e, at, v)?,
    };
    string(e, at, body, "storage_key", 512);
    let checksum = match body.get("checksum") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => e.max_len(at, "checksum", s, 64).then(|| s.clone()),
        Some(_) => {
            e.push(
                at,
                "checksum",
                "Input should be a valid string",
                "string_type",
            );
            None
        }
    };
    let metadata = match body.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => {
            e.push(
                at,
                "metadata",
                "Input should be a valid dictionary",
                "dict_type",
            );
            None
        }
    };
    Some(UploadConfirm { checksum, metadata })
}

/// What a multi-body confirm (§3.9 #2, #10, #14) carries.
pub(crate) struct ConfirmBody {
    /// The `storage_key` query parameter.
    pub storage_key: String,
    /// The optional `confirm` part.
    pub confirm: Option<UploadConfirm>,
}

/// Parses `?storage_key=` and `{"original_request": …, "confirm": …}`:
/// query and body problems are one 422; a valid body without
/// `original_request` is 400 `Original upload request required`. The
/// original request is checked for shape only: the service takes filename,
/// category, resource, size and type from the pending upload and storage.
pub(crate) fn confirm_body(
    storage_key: Option<String>,
    body: &Value,
    image: bool,
) -> Result<ConfirmBody, ApiError> {
    let mut e = FieldErrors::new();
    let key = e.required("query", "storage_key", storage_key);
    let obj = object(&mut e, "body", body);
    let original = obj
        .and_then(|o| o.get("original_request"))
        .filter(|v| !v.is_null());
    if let Some(v) = original {
        let at = "body -> original_request";
        if image {
            image_upload(&mut e, at, v);
        } else {
            upload_request(&mut e, at, v);
        }
    }
    let confirm = upload_confirm(&mut e, obj.and_then(|o| o.get("confirm")));
    e.finish()?;
    if original.is_none() {
        return Err(files_error(FilesError::OriginalRequestRequired));
    }
    Ok(ConfirmBody {
        storage_key: key.unwrap_or_default(),
        confirm,
    })
}

/// The PATCH body: `filename` (1–255, filename rule), `metadata` (object,
/// merged), `is_public`; `null` leaves a field unchanged.
pub(crate) fn parse_patch(body: &Value) -> Result<FilePatch, ApiError> {
    let mut e = FieldErrors::new();
    let mut patch = FilePatch::default();
    if let Some(obj) = object(&mut e, "body", body) {
        match obj.get("filename") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                if e.min_len("body", "filename", s, 1) && e.max_len("body", "filename", s, 255) {
                    match rules::check_filename(s) {
                        Ok(()) => patch.filename = Some(s.clone()),
                        Err(m) => {
                            e.value_error("body", "filename", m);
                        }
                    }
                }
            }
            Some(_) => {
                e.push(
                    "body",
                    "filename",
                    "Input should be a valid string",
                    "string_type",
                );
            }
        }
        match obj.get("metadata") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => patch.metadata = Some(m.clone()),
            Some(_) => {
                e.push(
                    "body",
                    "metadata",
                    "Input should be a valid dictionary",
                    "dict_type",
                );
            }
        }
        patch.is_public = boolean(&mut e, "body", obj, "is_public");
    }
    e.finish()?;
    Ok(patch)
}
