//! The bucket bootstrap of api-core §3.9: on first use, create the bucket if
//! it is missing, make `tenant-logos/*` and `avatars/*` publicly readable and
//! allow browsers to upload from any origin.
//!
//! object_store has no bucket-level API, so these are three plain S3 REST
//! calls (`PUT /bucket`, `PUT ?policy`, `PUT ?cors`) signed with
//! [`crate::sigv4`]. Servers without CORS support (MinIO answers 501) only
//! get a warning: CORS is then configured on the server itself.

use super::S3Config;
use crate::sigv4;
use base64::Engine as _;
use harmony_files::ports::ObjectStoreError;
use harmony_kernel::Clock;
use md5::{Digest as _, Md5};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;

const CORS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>"#;

/// The public-read policy for the public categories of `bucket`.
pub fn public_read_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicReadLogosAndAvatars",
            "Effect": "Allow",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject"],
            "Resource": [
                format!("arn:aws:s3:::{bucket}/tenant-logos/*"),
                format!("arn:aws:s3:::{bucket}/avatars/*"),
            ],
        }],
    })
    .to_string()
}

fn unavailable(e: &reqwest::Error) -> ObjectStoreError {
    if e.is_connect() || e.is_timeout() {
        ObjectStoreError::Unavailable(e.to_string())
    } else {
        ObjectStoreError::Failed(e.to_string())
    }
}

struct Call<'a> {
    config: &'a S3Config,
    http: &'a reqwest::Client,
    amz_date: String,
}

impl Call<'_> {
    /// Sends one signed request to the bucket URL (`sub` = `""`, `policy`, `cors`).
    async fn send(
        &self,
        method: Method,
        sub: &str,
        body: &str,
        content_type: Option<&str>,
    ) -> Result<(StatusCode, String), ObjectStoreError> {
        let base = self.config.bucket_url();
        let url_text = if sub.is_empty() {
            base
        } else {
            format!("{base}?{sub}")
        };
        let url = reqwest::Url::parse(&url_text)
            .map_err(|e| ObjectStoreError::Failed(format!("bucket URL {url_text}: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => return Err(ObjectStoreError::Failed(format!("no host in {url_text}"))),
        };
        let payload = sigv4::sha256_hex(body.as_bytes());
        let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()));
        let mut headers: Vec<(&str, &str)> = vec![
            ("host", &host),
            ("x-amz-content-sha256", &payload),
            ("x-amz-date", &self.amz_date),
        ];
        if let Some(ct) = content_type {
            headers.push(("content-type", ct));
            headers.push(("content-md5", &md5));
        }
        let query: Vec<(&str, &str)> = if sub.is_empty() {
            vec![]
        } else {
            vec![(sub, "")]
        };
        let auth = sigv4::authorization(
            &sigv4::Credentials {
                access_key_id: &self.config.access_key_id,
                secret_access_key: self.config.secret_access_key.expose_secret(),
                region: &self.config.region,
            },
            &sigv4::Request {
                method: method.as_str(),
                path: url.path(),
                query: &query,
                headers: &headers,
                payload_sha256: &payload,
                amz_date: &self.amz_date,
            },
        );
        let mut request = self.http.request(method, url).header("authorization", auth);
        for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
            request = request.header(*name, *value);
        }
        let response = request
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Ok((status, text))
    }
}

fn failed(what: &str, status: StatusCode, body: &str) -> ObjectStoreError {
    ObjectStoreError::Failed(format!("{what}: HTTP {status}: {body}"))
}

/// Creates and configures the bucket unless it exists.
pub async fn run(
    config: &S3Config,
    http: &reqwest::Client,
    clock: &dyn Clock,
) -> Result<(), ObjectStoreError> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let amz_date = clock
        .now()
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .map_err(|e| ObjectStoreError::Failed(e.to_string()))?;
    let call = Call {
        config,
        http,
        amz_date,
    };
    let (status, body) = call.send(Method::HEAD, "", "", None).await?;
    if status.is_success() {
        return Ok(());
    }
    if status != StatusCode::NOT_FOUND {
        return Err(failed("checking the bucket", status, &body));
    }
    let create = if config.region == "us-east-1" {
        String::new()
    } else {
        format!(
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
            config.region
        )
    };
    let ct = (!create.is_empty()).then_some("application/xml");
    let (status, body) = call.send(Method::PUT, "", &create, ct).await?;
    // 409 BucketAlreadyOwnedByYou: another process won the race; configure anyway.
    if !status.is_success() && status != StatusCode::CONFLICT {
        return Err(failed("creating the bucket", status, &body));
    }
    let policy = public_read_policy(&config.bucket);
    let (status, body) = call
        .send(Method::PUT, "policy", &policy, Some("application/json"))
        .await?;
    if !status.is_success() {
        return Err(failed("setting the bucket policy", status, &body));
    }
    let (status, body) = call
        .send(Method::PUT, "cors", CORS, Some("application/xml"))
        .await?;
    if status == StatusCode::NOT_IMPLEMENTED {
        tracing::warn!(bucket = %config.bucket, "the S3 server does not support bucket CORS; configure it on the server");
    } else if !status.is_success() {
        return Err(failed("setting the bucket CORS rules", status, &body));
    }
    tracing::info!(bucket = %config.bucket, "created the object-storage bucket");
    Ok(())
}
