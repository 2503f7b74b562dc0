//! One log line per request (method, path, scrubbed query, status, duration, request
//! id, client ip). Query values of secret-looking keys are replaced by `***`
//! (defect 24: passwords and tokens must never reach the logs).

use std::time::Instant;

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::request_id::{self, RequestId};

const EXACT: &[&str] = &[
    "code",
    "key",
    "auth",
    "authorization",
    "otp",
    "pin",
    "sig",
    "jwt",
    "session",
    "credential",
    "credentials",
    "x_amz_credential",
];
const CONTAINS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "secret",
    "signature",
    "apikey",
    "api_key",
];

/// Whether the value of query key `key` must be hidden.
pub fn is_sensitive(key: &str) -> bool {
    let k = percent_decode(key).to_ascii_lowercase().replace('-', "_");
    EXACT.contains(&k.as_str()) || CONTAINS.iter().any(|c| k.contains(c)) || k.ends_with("_key")
}

/// Replaces the values of sensitive keys with `***`, keeping everything else verbatim.
pub fn scrub_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive(k) => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The middleware; `trust_forwarded` takes the client ip from the right-most
/// `X-Forwarded-For` hop (only behind a proxy that appends it).
pub async fn middleware<B: MessageBody + 'static>(
    trust_forwarded: bool,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let query = scrub_query(req.query_string());
    // The same client as rate limiting sees: never a client-chosen hop (defect 12).
    let client_ip = crate::client_ip::client_ip(req.peer_addr(), req.headers(), trust_forwarded)
        .map_or_else(|| "-".to_owned(), |ip| ip.to_string());
    let rid = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0)
        .or_else(request_id::current)
        .map_or_else(|| "-".to_owned(), |id| id.to_string());
    let res = next
        .call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body);
    let status = match &res {
        Ok(r) => r.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    let duration_ms = start.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(target: "harmony_api::access", %method, %path, %query, status,
            duration_ms = format!("{duration_ms:.2}"), request_id = %rid, %client_ip, "request");
    } else {
        tracing::info!(target: "harmony_api::access", %method, %path, %query, status,
            duration_ms = format!("{duration_ms:.2}"), request_id = %rid, %client_ip, "request");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_secret_values_only() {
        assert_eq!(
            scrub_query("password=hunter2&skip=0&limit=10"),
            "password=***&skip=0&limit=10"
        );
        assert_eq!(
            scrub_query(
                "token=abc&refresh_token=def&new_password=x&client_secret=y&api-key=z&code=123"
            ),
            "token=***&refresh_token=***&new_password=***&client_secret=***&api-key=***&code=***"
        );
        assert_eq!(
            scrub_query("PASSWORD=a&Access_Token=b"),
            "PASSWORD=***&Access_Token=***"
        );
        assert_eq!(scrub_query("pass%77ord=a"), "pass%77ord=***");
        assert_eq!(scrub_query("key=k&search=key"), "key=***&search=key");
        assert_eq!(scrub_query(""), "");
        assert_eq!(scrub_query("flag&password"), "flag&password");
        assert_eq!(
            scrub_query("category=image&page=2"),
            "category=image&page=2"
        );
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
        assert_eq!(percent_decode("a+b%41"), "a bA");
    }
}
