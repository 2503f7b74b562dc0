//! The `serve`, `migrate` and `create-admin` commands: the composition root's
//! runtime wired into the HTTP app, plus the in-process outbox worker of the
//! embedded default.

use crate::app::{self, AppState};
use crate::config::ApiConfig;
use crate::health::{HealthProbe, HealthProbes};
use crate::logging::{self, LogFormat};
use crate::rate_limit::RateLimitConfig;
use crate::runtime_switches::RuntimeSwitches;
use crate::telemetry::{self, Telemetry};
use anyhow::Context;
use harmony_adapters_sql::SqlStore;
use harmony_identity::model::{Email, Password};
use harmony_runtime::settings::{self as cfg, Settings};
use harmony_runtime::wiring::{Overrides, Runtime};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// Installs the log subscriber the settings ask for, with OTLP trace export
/// when `observability.otlp_endpoint` is set; shut the result down on exit.
pub fn init_logging(settings: &Settings) -> Telemetry {
    let format = match settings.log.format {
        cfg::LogFormat::Json => LogFormat::Json,
        cfg::LogFormat::Pretty => LogFormat::Compact,
    };
    let obs = &settings.observability;
    let name = obs
        .service_name
        .as_deref()
        .unwrap_or(telemetry::API_SERVICE_NAME);
    let provider = obs.otlp_endpoint.as_deref().and_then(|url| {
        telemetry::tracer_provider(url, name)
            .map_err(|e| eprintln!("harmony-api: trace export disabled: {e}"))
            .ok()
    });
    let tracer = provider.as_ref().map(|p| {
        use opentelemetry::trace::TracerProvider as _;
        p.tracer(name.to_owned())
    });
    let _ = logging::init(logging::LogOptions {
        level: settings.log.level.clone(),
        format: Some(format),
        buffer_capacity: settings.log.buffer_capacity,
        tracer,
    });
    Telemetry::new(provider)
}

struct DatabaseProbe(Arc<SqlStore>);

#[async_trait::async_trait]
impl HealthProbe for DatabaseProbe {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

struct RedisProbe(Arc<harmony_adapters_redis::RedisProbe>);

#[async_trait::async_trait]
impl HealthProbe for RedisProbe {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await
    }
}

/// The HTTP settings of the app, from the runtime settings.
pub fn api_config(settings: &Settings) -> ApiConfig {
    ApiConfig {
        cors_origins: settings.cors.origins.clone(),
        json_limit: settings.http.json_limit_bytes,
        hsts: settings.server.tls_terminated,
        trust_forwarded_for: settings.http.trust_forwarded_for,
        docs_enabled: settings.http.docs_enabled,
        health_timeout_ms: settings.http.health_timeout_ms,
        rate_limit: rate_limit_config(settings),
    }
}

/// The API's rate-limit table with the values of `[rate_limit]`.
pub fn rate_limit_config(settings: &Settings) -> RateLimitConfig {
    let mut limits = RateLimitConfig {
        enabled: settings.rate_limit.enabled,
        ..RateLimitConfig::default()
    };
    let quota = |r: cfg::RateLimitRule| crate::rate_limit::principal::Quota {
        limit: r.limit,
        window_secs: r.window_seconds,
    };
    let api = &settings.rate_limit.api;
    limits.principal = crate::rate_limit::principal::PrincipalLimits {
        per_user: quota(api.per_user),
        per_tenant: quota(api.per_tenant),
        tenant_tiers: api
            .tenant_tiers
            .iter()
            .map(|(tier, r)| (tier.clone(), quota(*r)))
            .collect(),
    };
    for (name, rule) in settings.rate_limit.rules() {
        if name.starts_with("api.") {
            continue;
        }
        if !limits.set(name, rule.limit, rule.window_seconds) {
            tracing::error!(rule = name, "rate_limit setting names no API route");
        }
    }
    limits
}

/// This process's runtime switches, kept in step with the stored record by
/// a poller (admin tools).
fn runtime_switches(runtime: &Runtime) -> Arc<RuntimeSwitches> {
    let switches = Arc::new(RuntimeSwitches::new(
        runtime.settings.rate_limit.enabled,
        logging::current(),
    ));
    switches.spawn_poller(
        (*runtime.runtime_settings).clone(),
        std::time::Duration::from_millis(runtime.settings.http.runtime_settings_poll_ms.max(50)),
    );
    switches
}

/// The app state over a built runtime: services, health probes, routes.
pub fn app_state(runtime: &Runtime) -> AppState {
    let health = HealthProbes {
        database: Arc::new(DatabaseProbe(runtime.sql.clone())),
        redis: runtime
            .redis
            .clone()
            .map(|r| Arc::new(RedisProbe(r)) as Arc<dyn HealthProbe>),
    };
    AppState::new(api_config(&runtime.settings), health)
        .with_data(runtime.identity.clone())
        .with_data(runtime.tenancy.clone())
        .with_data(crate::routes::admin_tenants::service(runtime))
        .with_data(runtime.tenant_settings.clone())
        .with_data(runtime.audit.clone())
        .with_data(runtime.platform.clone())
        .with_data(runtime.files.clone())
        .with_configure(crate::routes::files_blob::local_store_data(runtime))
        .with_data(Arc::new(logging::current()))
        .with_data(runtime.runtime_settings.clone())
        .with_data(Arc::new(crate::rate_limit::principal::TierCache::default()))
        .with_data(crate::routes::admin_tools_info::service(runtime))
        .with_data(runtime_switches(runtime))
        .with_configure(crate::metrics::configure_for(runtime))
        .with_rate_limiter(runtime.rate_limiter.clone())
}

/// Whether `serve` migrates by itself: always for SQLite (the embedded
/// default), never for PostgreSQL (run `harmony-api migrate` in a release step).
fn migrates_on_start(settings: &Settings) -> bool {
    settings.database.url.expose_secret().starts_with("sqlite:")
}

/// On the first start of a fresh installation, creates a system admin and
/// prints its generated password once, so a newcomer can log in at once.
async fn bootstrap_admin(runtime: &Runtime) -> anyhow::Result<()> {
    let b = &runtime.settings.bootstrap;
    if !b.create_admin_on_first_start {
        return Ok(());
    }
    let email = Email::parse(&b.admin_email).context("bootstrap.admin_email")?;
    if let Some(admin) = runtime.identity.bootstrap_system_admin(email, None).await? {
        let password = admin
            .generated_password
            .as_ref()
            .map_or("(configured)", |p| p.expose_secret());
        #[allow(
            clippy::print_stdout,
            reason = "shown once to the operator, never logged"
        )]
        {
            println!(
                "\n  First start: created system admin\n    e-mail:   {}\n    password: {password}\n  Change it after logging in.\n",
                admin.user.email
            );
        }
    }
    Ok(())
}

/// `harmony-api serve`: the API, and in the embedded default the worker too.
///
/// # Errors
/// When the runtime cannot be built or the port cannot be bound.
pub async fn serve(
    settings: Settings,
    host: Option<String>,
    port: Option<u16>,
) -> anyhow::Result<()> {
    let host = host.unwrap_or_else(|| settings.server.host.clone());
    let port = port.unwrap_or(settings.server.port);
    let migrate = migrates_on_start(&settings);
    let runtime = Runtime::build(settings, migrate, Overrides::default()).await?;
    bootstrap_admin(&runtime).await?;
    let listener = std::net::TcpListener::bind((host.as_str(), port))
        .with_context(|| format!("cannot bind {host}:{port}"))?;
    tracing::info!(address = %listener.local_addr()?, docs = "/api/docs", "harmony-api listening");
    let server = app::serve(listener, app_state(&runtime))?;
    if !runtime.settings.worker.embedded {
        return Ok(server.await?);
    }
    let worker = harmony_worker::from_runtime::outbox_worker(&runtime);
    let handle = server.handle();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let worker_task = tokio::spawn(async move {
        worker
            .run(async {
                let _ = stop_rx.await;
            })
            .await;
    });
    let result = server.await;
    let _ = stop_tx.send(());
    let _ = worker_task.await;
    drop(handle);
    Ok(result?)
}

/// `harmony-api migrate`.
///
/// # Errors
/// When the database is unreachable or a migration fails.
pub async fn migrate(settings: Settings) -> anyhow::Result<()> {
    Runtime::build(settings, true, Overrides::default()).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// `harmony-api create-admin --email E --password P [--role admin|operator]`.
///
/// # Errors
/// When the e-mail or password is refused or the account exists.
pub async fn create_admin(
    settings: Settings,
    email: &str,
    password: String,
    role: harmony_kernel::SystemRole,
) -> anyhow::Result<()> {
    let email = Email::parse(email).context("--email")?;
    let password = Password::parse(SecretString::from(password)).context("--password")?;
    let migrate = migrates_on_start(&settings);
    let runtime = Runtime::build(settings, migrate, Overrides::default()).await?;
    let user = runtime
        .identity
        .create_system_user(email, password, role)
        .await?;
    tracing::info!(user_id = %user.id, role = role.as_str(), "system user created");
    Ok(())
}

/// `harmony-api seed`: demo tenants and users (refused in production).
///
/// # Errors
/// In production, or when a write fails.
pub async fn seed(settings: Settings) -> anyhow::Result<()> {
    anyhow::ensure!(
        !settings.environment.is_production(),
        "seed writes well-known demo passwords and is refused in production"
    );
    let migrate = migrates_on_start(&settings);
    let runtime = Runtime::build(settings, migrate, Overrides::default()).await?;
    let accounts = crate::seed::seed(&runtime.identity).await?;
    #[allow(
        clippy::print_stdout,
        reason = "the operator asked for these demo credentials"
    )]
    {
        println!("Seeded {} demo accounts:", accounts.len());
        for a in &accounts {
            println!(
                "  {:<10} {:<7} {:<24} {}",
                a.tenant, a.role, a.email, a.password
            );
        }
    }
    Ok(())
}

/// `harmony-api recompute-storage`: sets every tenant's
/// `storage_used_bytes` to the sum of its active files (as the platform, a
/// system admin principal) and prints the tenants that drifted.
///
/// # Errors
/// When the runtime cannot be built or the recomputation fails.
pub async fn recompute_storage(settings: Settings) -> anyhow::Result<()> {
    let migrate = migrates_on_start(&settings);
    let runtime = Runtime::build(settings, migrate, Overrides::default()).await?;
    let who = harmony_kernel::Principal::platform_job();
    let changed = runtime.files.recompute_storage(&who).await?;
    #[allow(clippy::print_stdout, reason = "the operator's report")]
    {
        for (tenant, old, new) in &changed {
            println!("{tenant} {old} \u{2192} {new}");
        }
        println!("{} tenant(s) corrected", changed.len());
    }
    Ok(())
}
