//! The byte endpoints of the local object store (docs/storage.md): the
//! signed URLs `LocalObjectStorage` hands out point here.
//!
//! - `PUT /api/v1/files/blob/{key}?exp&ct&sig`: upload, streamed to disk;
//! - `GET|HEAD /api/v1/files/blob/{key}?exp&disp&sig`: download, streamed back;
//! - `GET /api/v1/files/public/{key}`: logos and avatars, unsigned.
//!
//! They answer only when the local backend is configured (the store is app
//! data, see [`local_store_data`]); with S3 they are `404 Not Found` like any
//! unknown path. Refusals use [`BlobError::status`] and the JSON error body.

use crate::error::ApiError;
use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::Stream;
use harmony_adapters_objects::local::BlobFile;
use harmony_adapters_objects::{BlobError, LocalObjectStorage};
use harmony_runtime::wiring::Runtime;
use tokio::io::AsyncReadExt;

/// Registers the blob routes inside the `/files` scope (before `/{file_id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/blob/{key:.*}", web::put().to(put_blob))
        .route("/blob/{key:.*}", web::get().to(get_blob))
        .route("/blob/{key:.*}", web::head().to(get_blob))
        .route("/public/{key:.*}", web::get().to(public_blob))
        .route("/public/{key:.*}", web::head().to(public_blob));
}

/// App data for the blob endpoints: the local store when it is the
/// backend, nothing otherwise (the endpoints then answer 404).
pub fn local_store_data(
    runtime: &Runtime,
) -> impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static + use<> {
    let local = runtime.objects.local.clone();
    move |cfg| {
        if let Some(store) = &local {
            cfg.app_data(web::Data::from(store.clone()));
        }
    }
}

fn local_store(req: &HttpRequest) -> Result<web::Data<LocalObjectStorage>, ApiError> {
    req.app_data::<web::Data<LocalObjectStorage>>()
        .cloned()
        .ok_or_else(ApiError::route_not_found)
}

/// The JSON error of a refused blob request.
fn blob_error(e: &BlobError) -> ApiError {
    if let BlobError::Io(_) = e {
        return ApiError::internal(e.to_string());
    }
    let code = match e {
        BlobError::Expired => "link_expired",
        BlobError::BadSignature => "invalid_signature",
        BlobError::InvalidKey => "invalid_key",
        BlobError::WrongMethod => "method_not_allowed",
        BlobError::ContentTypeMismatch => "content_type_mismatch",
        BlobError::TooLarge(_) => "payload_too_large",
        BlobError::NotFound => "not_found",
        BlobError::NotPublic => "not_public",
        BlobError::Io(_) => "internal_server_error",
    };
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match e {
        BlobError::NotFound => "Not Found".to_owned(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars.next().map_or(text.clone(), |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        }
    };
    ApiError::http(status, code, message)
}

/// The object key: the path tail after `/blob/` or `/public/`.
fn key_of(req: &HttpRequest) -> String {
    req.match_info().get("key").unwrap_or_default().to_owned()
}

/// A file as a stream of 64 KiB chunks.
fn chunks(file: tokio::fs::File) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(file), |state| async move {
        let mut file = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

fn stream_back(blob: BlobFile, cache: &str) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.insert_header((CONTENT_TYPE, blob.content_type.clone()))
        .insert_header((CACHE_CONTROL, cache.to_owned()));
    if let Some(d) = &blob.content_disposition {
        res.insert_header((CONTENT_DISPOSITION, d.clone()));
    }
    res.body(SizedStream::new(blob.size, Box::pin(chunks(blob.file))))
}

/// Uploads the bytes of a signed `PUT` URL (the signed `Content-Type` is required).
#[utoipa::path(operation_id = "files_blob_put", put, path = "/files/blob/{key}", tag = "files",
    params(("key" = String, Path, description = "object key"),
        ("exp" = i64, Query), ("ct" = String, Query), ("sig" = String, Query)),
    responses((status = 200), (status = 400), (status = 403), (status = 413), (status = 415)))]
pub async fn put_blob(req: HttpRequest, body: web::Payload) -> Result<HttpResponse, ApiError> {
    let local = local_store(&req)?;
    let grant = local
        .verify("PUT", &key_of(&req), req.query_string())
        .map_err(|e| blob_error(&e))?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    local
        .write_stream(&grant, content_type, body)
        .await
        .map_err(|e| blob_error(&e))?;
    Ok(HttpResponse::Ok().finish())
}

/// Streams the object of a signed download URL (`GET` or `HEAD`).
#[utoipa::path(operation_id = "files_blob_get", get, path = "/files/blob/{key}", tag = "files",
    params(("key" = String, Path, description = "object key"),
        ("exp" = i64, Query), ("disp" = Option<String>, Query), ("sig" = String, Query)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 400),
        (status = 403), (status = 404)))]
pub async fn get_blob(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let local = local_store(&req)?;
    let grant = local
        .verify(req.method().as_str(), &key_of(&req), req.query_string())
        .map_err(|e| blob_error(&e))?;
    let blob = local.read_file(&grant).await.map_err(|e| blob_error(&e))?;
    Ok(stream_back(blob, "private, no-store"))
}

/// Streams a public object (tenant logos and avatars only), unsigned.
#[utoipa::path(operation_id = "files_public_get", get, path = "/files/public/{key}", tag = "files",
    params(("key" = String, Path, description = "object key under tenant-logos/ or avatars/")),
    responses((status = 200, content_type = "image/*"), (status = 400), (status = 403),
        (status = 404)))]
pub async fn public_blob(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let local = local_store(&req)?;
    let grant = local
        .verify_public(&key_of(&req))
        .map_err(|e| blob_error(&e))?;
    let blob = local.read_file(&grant).await.map_err(|e| blob_error(&e))?;
    Ok(stream_back(blob, "public, max-age=300"))
}
