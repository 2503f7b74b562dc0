//! Resource route modules, mounted under `/api/v1`.
//!
//! Each module `routes/<resource>.rs` provides
//! - `pub fn configure(cfg: &mut web::ServiceConfig)` registering its routes relative to
//!   `/api/v1` (e.g. `cfg.service(web::scope("/users").route("", web::get().to(list)))`);
//!   declare collection paths WITHOUT a trailing slash: the trailing-slash middleware
//!   serves `/users` and `/users/` from the same route (contract §1.6, no redirect);
//! - `pub fn openapi() -> utoipa::openapi::OpenApi` with its `#[utoipa::path]`s, whose
//!   `path = "/users"` is relative to `/api/v1` as well.
//!
//! To add one: declare `pub mod users;` below and add
//! `RouteModule::new("users", users::configure, users::openapi)` to [`modules`].

pub mod account_closure;
pub mod admin_stats;
pub mod admin_tenants;
pub mod admin_tools;
pub mod admin_tools_info;
pub mod admin_users;
pub mod audit;
pub mod audit_archives;
pub mod audit_query;
pub mod auth;
pub mod branches;
pub mod files;
pub mod files_blob;
pub mod files_branding;
pub mod files_parse;
pub mod files_views;
pub mod impersonation;
pub mod permissions;
pub mod platform;
pub mod tenant_settings;
pub mod user_query;
pub mod users;
pub mod users_account;

use actix_web::web;
use utoipa::openapi::OpenApi;

/// Prefix of every resource route.
pub const API_PREFIX: &str = "/api/v1";

/// A resource module: its routes and its OpenAPI fragment.
#[derive(Debug, Clone, Copy)]
pub struct RouteModule {
    /// Short name (for logs and diagnostics).
    pub name: &'static str,
    /// Registers the routes, relative to `/api/v1`.
    pub configure: fn(&mut web::ServiceConfig),
    /// The module's OpenAPI fragment, paths relative to `/api/v1`.
    pub openapi: fn() -> OpenApi,
}

impl RouteModule {
    /// Bundles a module's two entry points.
    pub const fn new(
        name: &'static str,
        configure: fn(&mut web::ServiceConfig),
        openapi: fn() -> OpenApi,
    ) -> Self {
        Self {
            name,
            configure,
            openapi,
        }
    }
}

/// The production route modules (the lead appends auth, users, admin users, ...).
pub fn modules() -> Vec<RouteModule> {
    vec![
        // before auth: its `/auth` scope would shadow `/auth/impersonation/end`
        RouteModule::new(
            "impersonation",
            impersonation::configure,
            impersonation::openapi,
        ),
        RouteModule::new("platform", platform::configure, platform::openapi),
        RouteModule::new("auth", auth::configure, auth::openapi),
        RouteModule::new("users", users::configure, users::openapi),
        RouteModule::new("branches", branches::configure, branches::openapi),
        // one `/files` scope; static segments before `/files/{file_id}` inside it
        RouteModule::new("files", files::configure, files::openapi),
        RouteModule::new("admin_users", admin_users::configure, admin_users::openapi),
        RouteModule::new(
            "admin_tenants",
            admin_tenants::configure,
            admin_tenants::openapi,
        ),
        RouteModule::new("admin_stats", admin_stats::configure, admin_stats::openapi),
        RouteModule::new("admin_tools", admin_tools::configure, admin_tools::openapi),
        RouteModule::new("audit", audit::configure, audit::openapi),
        RouteModule::new("permissions", permissions::configure, permissions::openapi),
        // before tenant_settings: its `/tenant-settings` scope would shadow it
        RouteModule::new(
            "account_closure",
            account_closure::configure,
            account_closure::openapi,
        ),
        RouteModule::new(
            "tenant_settings",
            tenant_settings::configure,
            tenant_settings::openapi,
        ),
    ]
}

/// Mounts `modules` in one `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig, modules: &[RouteModule]) {
    let scope = modules.iter().fold(web::scope(API_PREFIX), |scope, m| {
        scope.configure(m.configure)
    });
    cfg.service(scope);
}
