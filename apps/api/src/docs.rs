//! `/api/openapi.json` and the vendored Swagger UI at `/api/docs` (works offline).
//!
//! `/api/docs` and `/api/docs/` both serve the UI directly (no redirect): the page
//! gets a `<base href="/api/docs/">` so its relative asset links resolve either way.

use std::sync::Arc;

use actix_web::http::header::{CACHE_CONTROL, ContentType};
use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::Config;

/// Path of the OpenAPI document.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// Path of the Swagger UI.
pub const DOCS_PATH: &str = "/api/docs";

/// The serialized OpenAPI document.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub Arc<String>);

#[derive(Clone)]
struct SwaggerConfig(Arc<Config<'static>>);

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(doc.0.as_str().to_owned())
}

fn file(tail: &str, config: &SwaggerConfig) -> HttpResponse {
    match utoipa_swagger_ui::serve(tail, config.0.clone()) {
        Ok(Some(f)) => {
            let mut bytes = f.bytes.to_vec();
            if tail.is_empty() || tail == "index.html" {
                let html = String::from_utf8_lossy(&bytes).replacen(
                    "<head>",
                    "<head>\n    <base href=\"/api/docs/\">",
                    1,
                );
                bytes = html.into_bytes();
            }
            HttpResponse::Ok()
                .content_type(f.content_type)
                .insert_header((CACHE_CONTROL, "no-cache"))
                .body(bytes)
        }
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => {
            tracing::error!(error = %e, "swagger ui asset failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

async fn index(config: web::Data<SwaggerConfig>) -> HttpResponse {
    file("", &config)
}

async fn asset(tail: web::Path<String>, config: web::Data<SwaggerConfig>) -> HttpResponse {
    file(&tail, &config)
}

/// Registers the document and the UI; `json` is the serialized document.
pub fn configure(cfg: &mut web::ServiceConfig, json: String) {
    let swagger = SwaggerConfig(Arc::new(Config::new([OPENAPI_PATH])));
    cfg.app_data(web::Data::new(OpenApiJson(Arc::new(json))))
        .app_data(web::Data::new(swagger))
        .route(OPENAPI_PATH, web::get().to(openapi_json))
        .route(DOCS_PATH, web::get().to(index))
        .route("/api/docs/{tail:.*}", web::get().to(asset));
}
