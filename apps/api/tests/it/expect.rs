//! Assertions on API answers: status with the body in the message, the
//! contract's error shapes (§1.3) and the `UserResponse` shape (§2).

use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Asserts the status (printing the body otherwise) and returns the JSON body.
pub async fn expect_status(res: Response, status: u16) -> Value {
    let actual = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(
        actual,
        StatusCode::from_u16(status).expect("status"),
        "body: {text}"
    );
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }
}

/// Asserts a `{"detail", "code", "request_id"}` error and returns the body.
pub async fn expect_detail(res: Response, status: u16, detail: &str) -> Value {
    let rid = header(&res, "x-request-id");
    let body = expect_status(res, status).await;
    assert_eq!(body["detail"], detail, "{body}");
    assert!(
        body["code"].as_str().is_some_and(|c| !c.is_empty()),
        "code: {body}"
    );
    assert_eq!(body["request_id"], rid.as_str(), "request_id: {body}");
    body
}

/// Asserts a 422 envelope whose details are exactly `expected` (field, type)
/// pairs, in order; returns the details.
pub async fn expect_validation(res: Response, expected: &[(&str, &str)]) -> Vec<Value> {
    let rid = header(&res, "x-request-id");
    let body = expect_status(res, 422).await;
    assert_eq!(body["error"]["code"], "validation_error", "{body}");
    assert_eq!(
        body["error"]["message"],
        "The request data failed validation"
    );
    assert!(body["error"]["timestamp"].is_string(), "{body}");
    assert_eq!(body["request_id"], rid.as_str(), "request_id: {body}");
    let details = body["error"]["details"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let got: Vec<(&str, &str)> = details
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap_or_default(),
                d["type"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got, expected, "{body}");
    details
}

/// A response header as a string ("" when absent).
pub fn header(res: &Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The keys of `UserResponse` (§2), all always present.
pub const USER_KEYS: [&str; 18] = [
    "id",
    "email",
    "first_name",
    "last_name",
    "full_name",
    "phone",
    "tenant_id",
    "system_role",
    "tenant_role",
    "business_role",
    "role",
    "is_super_admin",
    "default_branch_id",
    "avatar_url",
    "is_active",
    "is_verified",
    "created_at",
    "last_login_at",
];

/// Asserts `user` has exactly the `UserResponse` keys (plus `extra`).
pub fn assert_user_shape(user: &Value, extra: &[&str]) {
    let obj = user
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {user}"));
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want: Vec<&str> = USER_KEYS.iter().chain(extra).copied().collect();
    want.sort_unstable();
    assert_eq!(keys, want, "{user}");
    let created = user["created_at"].as_str().expect("created_at");
    assert!(created.ends_with('Z'), "{created}");
    assert_eq!(user["id"].as_str().map(str::len), Some(36), "{user}");
}

/// Asserts an error body mentions none of `secrets` (cross-tenant probes).
pub fn assert_leaks_nothing(body: &Value, secrets: &[&str]) {
    let text = body.to_string();
    for s in secrets {
        assert!(!text.contains(s), "{s} leaked in {text}");
    }
}
