//! The one App factory, used by `main` and by the tests.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use harmony_api::{app::{AppState, serve}, config::ApiConfig, health::HealthProbes};
//! # struct IdentityService;
//! # async fn run() -> std::io::Result<()> {
//! let state = AppState::new(ApiConfig::default(), HealthProbes::always_healthy())
//!     .with_data(Arc::new(IdentityService));           // handlers: web::Data<IdentityService>
//! let listener = std::net::TcpListener::bind("127.0.0.1:8000")?;
//! serve(listener, state)?.await
//! # }
//! ```

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{NormalizePath, from_fn};
use actix_web::{App, Error, HttpServer, web};

use crate::config::ApiConfig;
use crate::error::ApiError;
use crate::health::HealthProbes;
use crate::middleware::{error_body, request_id, request_log, security_headers, timing};
use crate::rate_limit;
use crate::routes::{self, RouteModule};
use crate::{cors, docs, extract, health, openapi};
use harmony_adapters_memory::InProcessRateLimiter;
use harmony_kernel::rate_limit::RateLimiter;

/// A registration callback run on the App's root `ServiceConfig` (app data, extra services).
pub type Configurer = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// Everything the App factory needs. Cloned once per server worker.
#[derive(Clone)]
pub struct AppState {
    /// HTTP-layer settings (also registered as `web::Data<ApiConfig>`).
    pub config: ApiConfig,
    /// Probes of `/health/detailed` (registered as `web::Data<HealthProbes>`).
    pub health: HealthProbes,
    /// Route modules mounted under `/api/v1`; defaults to [`routes::modules`].
    pub routes: Vec<RouteModule>,
    /// Callbacks registering service data and anything else on the root config.
    pub configurers: Vec<Configurer>,
    /// Counts requests of the rate-limited routes (registered as
    /// `web::Data<dyn RateLimiter>`). Defaults to a fresh in-process limiter,
    /// shared by all server workers of this state, so limiting can never be
    /// forgotten; the composition root passes Redis when configured.
    pub rate_limiter: Arc<dyn RateLimiter>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .field("health", &self.health)
            .field(
                "routes",
                &self.routes.iter().map(|r| r.name).collect::<Vec<_>>(),
            )
            .field("configurers", &self.configurers.len())
            .field("rate_limiter", &"dyn RateLimiter")
            .finish()
    }
}

impl AppState {
    /// State with the production route modules and no service data yet.
    pub fn new(config: ApiConfig, health: HealthProbes) -> Self {
        Self {
            config,
            health,
            routes: routes::modules(),
            configurers: Vec::new(),
            rate_limiter: Arc::new(InProcessRateLimiter::new()),
        }
    }

    /// Replaces the rate limiter (e.g. the Redis one shared by all processes).
    #[must_use]
    pub fn with_rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.rate_limiter = limiter;
        self
    }

    /// Registers `data` so handlers can take `web::Data<T>` (works for `T = dyn Trait` too).
    #[must_use]
    pub fn with_data<T: ?Sized + Send + Sync + 'static>(self, data: Arc<T>) -> Self {
        self.with_configure(move |cfg| {
            cfg.app_data(web::Data::from(Arc::clone(&data)));
        })
    }

    /// Adds a route module (mounted under `/api/v1`).
    #[must_use]
    pub fn with_routes(mut self, module: RouteModule) -> Self {
        self.routes.push(module);
        self
    }

    /// Adds a callback run on the App's root `ServiceConfig`.
    #[must_use]
    pub fn with_configure(
        mut self,
        f: impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static,
    ) -> Self {
        self.configurers.push(Arc::new(f));
        self
    }
}

/// Default service: 405 when some resource matches the path (with another method), else 404.
async fn not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    if req.resource_map().has_resource(req.path()) {
        Err(ApiError::method_not_allowed())
    } else {
        Err(ApiError::route_not_found())
    }
}

/// Builds the App: data, extractor configs, health, docs, `/api/v1` modules, middleware.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let AppState {
        config,
        health,
        routes,
        configurers,
        rate_limiter,
    } = state;
    let openapi_json = config.docs_enabled.then(|| {
        openapi::document(&routes).to_json().unwrap_or_else(|e| {
            tracing::error!(error = %e, "OpenAPI document could not be serialized");
            "{}".to_owned()
        })
    });
    let cors = cors::cors(&config);
    let hsts = config.hsts;
    let trust_forwarded = config.trust_forwarded_for;
    let json_limit = config.json_limit;
    let limits = Arc::new(config.rate_limit.clone());
    let limiter = Arc::clone(&rate_limiter);

    App::new()
        .app_data(web::Data::new(config))
        .app_data(web::Data::new(health))
        .app_data(web::Data::from(rate_limiter))
        .configure(|cfg| {
            extract::configure(cfg, json_limit);
            for c in &configurers {
                c(cfg);
            }
            health::configure(cfg);
            if let Some(json) = openapi_json {
                docs::configure(cfg, json);
            }
            routes::configure(cfg, &routes);
        })
        .default_service(web::to(not_found))
        .wrap(from_fn(move |req, next| {
            rate_limit::middleware(limits.clone(), limiter.clone(), trust_forwarded, req, next)
        }))
        .wrap(NormalizePath::trim())
        .wrap(cors)
        .wrap(from_fn(error_body::middleware))
        .wrap(from_fn(move |req, next| {
            security_headers::middleware(hsts, req, next)
        }))
        .wrap(from_fn(move |req, next| {
            request_log::middleware(trust_forwarded, req, next)
        }))
        .wrap(from_fn(timing::middleware))
        .wrap(from_fn(crate::middleware::metrics::middleware))
        .wrap(from_fn(crate::telemetry::middleware))
        .wrap(from_fn(request_id::middleware))
}

/// Starts the HTTP server on `listener` (bind port 0 in tests); await or spawn the result.
pub fn serve(listener: std::net::TcpListener, state: AppState) -> std::io::Result<Server> {
    let server = HttpServer::new(move || build_app(state.clone()))
        .listen(listener)?
        .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use actix_web::test as atest;
    use actix_web::{HttpResponse, web};

    use super::*;
    use crate::middleware::request_id::RequestId;

    async fn echo(id: RequestId) -> HttpResponse {
        HttpResponse::Ok().body(id.0.to_string())
    }

    fn echo_routes(cfg: &mut web::ServiceConfig) {
        cfg.route("/echo", web::get().to(echo));
    }

    #[actix_web::test]
    async fn build_app_works_with_the_actix_test_harness() {
        let state = AppState::new(ApiConfig::default(), HealthProbes::always_healthy())
            .with_routes(RouteModule::new("echo", echo_routes, openapi::openapi));
        let app = atest::init_service(build_app(state)).await;
        let res = atest::call_service(
            &app,
            atest::TestRequest::get().uri("/api/v1/echo/").to_request(),
        )
        .await;
        assert!(res.status().is_success());
        let header = res
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let body = atest::read_body(res).await;
        assert_eq!(
            body,
            header.as_bytes(),
            "extractor sees the same id as the header"
        );
    }
}
