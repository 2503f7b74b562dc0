//! `spawn_app()` on port 0 and a test-only `widgets` route module showing the DTO pattern.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use async_trait::async_trait;
use harmony_api::routes::RouteModule;
use harmony_api::{ApiConfig, ApiError, AppState, FieldErrors, HealthProbe, HealthProbes};
use harmony_kernel::error::{DomainError, ErrorKind};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub const ORIGIN: &str = "http://localhost:3000";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("request failed")
    }
}

pub struct Probe(pub Result<(), String>);

#[async_trait]
impl HealthProbe for Probe {
    async fn check(&self) -> Result<(), String> {
        self.0.clone()
    }
}

pub fn probes(db: Result<(), &str>, redis: Option<Result<(), &str>>) -> HealthProbes {
    HealthProbes {
        database: Arc::new(Probe(db.map_err(str::to_owned))),
        redis: redis.map(|r| Arc::new(Probe(r.map_err(str::to_owned))) as Arc<dyn HealthProbe>),
    }
}

pub fn state(config: ApiConfig, health: HealthProbes) -> AppState {
    AppState::new(config, health)
        .with_routes(RouteModule::new(
            "widgets",
            widgets::configure,
            widgets::openapi,
        ))
        .with_data(Arc::new(widgets::Greeting("hello".into())))
}

pub async fn spawn_with(state: AppState) -> TestApp {
    harmony_api::logging::init_for_tests();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = harmony_api::serve(listener, state).expect("serve");
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(state(ApiConfig::default(), probes(Ok(()), None))).await
}

/// A domain error as the domain crates define them.
#[derive(Debug, thiserror::Error)]
pub enum WidgetError {
    #[error("Widget not found")]
    NotFound,
    #[error("Could not validate credentials")]
    BadToken,
    #[error("connection to 10.0.0.7 refused: password=hunter2")]
    Store,
}

impl DomainError for WidgetError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound => ErrorKind::NotFound,
            Self::BadToken => ErrorKind::Unauthenticated,
            Self::Store => ErrorKind::Internal,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "widget_not_found",
            Self::BadToken => "invalid_token",
            Self::Store => "internal_error",
        }
    }
}

pub mod widgets {
    use super::*;

    pub struct Greeting(pub String);

    /// The DTO pattern: every field optional/untyped, validated all at once.
    #[derive(Debug, Deserialize, ToSchema)]
    pub struct CreateWidgetDto {
        pub name: Option<String>,
        pub role: Option<String>,
        pub size: Option<serde_json::Value>,
    }

    pub struct CreateWidget {
        pub name: String,
        pub role: String,
        pub size: i64,
    }

    impl TryFrom<CreateWidgetDto> for CreateWidget {
        type Error = ApiError;
        fn try_from(dto: CreateWidgetDto) -> Result<Self, ApiError> {
            let mut e = FieldErrors::new();
            let name = e.required("body", "name", dto.name);
            if let Some(n) = &name {
                e.min_len("body", "name", n, 3);
            }
            let role = e.required("body", "role", dto.role);
            if role
                .as_deref()
                .is_some_and(|r| !["admin", "member"].contains(&r))
            {
                e.literal_error("body", "role", &["admin", "member"]);
            }
            let size = match dto.size {
                None => {
                    e.missing("body", "size");
                    None
                }
                Some(v) => {
                    let raw = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    e.parse_int("body", "size", &raw, Some(1), Some(10))
                }
            };
            e.finish()?;
            Ok(Self {
                name: name.unwrap_or_default(),
                role: role.unwrap_or_default(),
                size: size.unwrap_or_default(),
            })
        }
    }

    #[derive(Debug, Deserialize)]
    pub struct ListQuery {
        pub skip: Option<u32>,
        pub limit: Option<u32>,
    }

    #[utoipa::path(post, path = "/widgets", request_body = CreateWidgetDto,
        responses((status = 201), (status = 422, body = harmony_api::error::EnvelopeBody)))]
    pub async fn create(dto: web::Json<CreateWidgetDto>) -> Result<HttpResponse, ApiError> {
        let w = CreateWidget::try_from(dto.into_inner())?;
        Ok(HttpResponse::Created()
            .json(serde_json::json!({"name": w.name, "role": w.role, "size": w.size})))
    }

    #[utoipa::path(get, path = "/widgets", responses((status = 200)))]
    pub async fn list(
        q: web::Query<ListQuery>,
        greeting: web::Data<Greeting>,
    ) -> Result<HttpResponse, ApiError> {
        Ok(HttpResponse::Ok().json(serde_json::json!({
            "skip": q.skip.unwrap_or(0), "limit": q.limit.unwrap_or(100), "greeting": greeting.0
        })))
    }

    #[utoipa::path(get, path = "/widgets/{id}", params(("id" = Uuid, Path)),
        responses((status = 404, body = harmony_api::error::ErrorBody)), security(("bearer" = [])))]
    pub async fn get(id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
        if id.is_nil() {
            return Ok(HttpResponse::Ok().json(serde_json::json!({"id": *id})));
        }
        Err(WidgetError::NotFound.into())
    }

    pub async fn boom() -> Result<HttpResponse, ApiError> {
        Err(WidgetError::Store.into())
    }

    pub async fn locked() -> Result<HttpResponse, ApiError> {
        Err(WidgetError::BadToken.into())
    }

    pub async fn limited() -> Result<HttpResponse, ApiError> {
        Err(ApiError::rate_limited(3, 1_900_000_000, 42))
    }

    pub fn configure(cfg: &mut web::ServiceConfig) {
        cfg.service(
            web::scope("/widgets")
                .route("", web::get().to(list))
                .route("", web::post().to(create))
                .route("/boom", web::get().to(boom))
                .route("/locked", web::get().to(locked))
                .route("/limited", web::get().to(limited))
                .route("/{id}", web::get().to(get)),
        );
    }

    #[derive(OpenApi)]
    #[openapi(paths(create, list, get), components(schemas(CreateWidgetDto)))]
    struct Doc;

    pub fn openapi() -> utoipa::openapi::OpenApi {
        Doc::openapi()
    }
}
