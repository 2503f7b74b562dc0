//! The composition root: builds adapters from [`Settings`] and hands them to
//! the services. `harmony-api`, `harmony-worker` and the black-box tests all
//! call [`Runtime::build`], so the three never drift apart.

use crate::settings::{MailTransport, Settings, SmtpTlsMode};
use harmony_adapters_crypto::{Argon2Hasher, JwtCodec, RandomSecrets};
use harmony_adapters_memory::InProcessRateLimiter;
use harmony_adapters_redis::{RedisProbe, RedisRateLimiter};
use harmony_adapters_smtp::{
    FileMailer, HandlebarsRenderer, MailBranding, SmtpMailer, SmtpSettings, SmtpTls,
};
use harmony_adapters_sql::SqlStore;
use harmony_identity::ports::PasswordHasher;
use harmony_identity::{IdentityConfig, IdentityService};
use harmony_kernel::mail::{MailError, MailMessage, MailRenderer, Mailer};
use harmony_kernel::outbox::OutboxStore;
use harmony_kernel::rate_limit::RateLimiter;
use harmony_kernel::{Clock, SystemClock};
use harmony_tenancy::TenancyService;
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Everything a process needs, built once at start-up.
#[derive(Clone)]
pub struct Runtime {
    /// The loaded settings.
    pub settings: Arc<Settings>,
    /// The SQL store (PostgreSQL or SQLite); implements the storage ports.
    pub sql: Arc<SqlStore>,
    /// Identity use cases.
    pub identity: Arc<IdentityService>,
    /// Tenancy use cases (branches).
    pub tenancy: Arc<TenancyService>,
    /// Audit trail use cases (the SQL store, archives under `audit.archive_dir`).
    pub audit: Arc<harmony_audit::AuditService>,
    /// Tenant self-service settings use cases.
    pub tenant_settings: Arc<harmony_tenancy::settings::TenantSettingsService>,
    /// Platform settings use cases.
    pub platform: Arc<harmony_tenancy::platform::PlatformService>,
    /// Where file bytes live (`[storage]`).
    pub objects: crate::storage::ObjectStores,
    /// Files use cases (§3.9).
    pub files: Arc<harmony_files::service::FilesService>,
    /// Runtime settings (admin tools) shared by every API process.
    pub runtime_settings: Arc<harmony_tenancy::platform::runtime::RuntimeSettingsService>,
    /// The outbox, for the delivery worker.
    pub outbox: Arc<dyn OutboxStore>,
    /// E-mail templates.
    pub renderer: Arc<dyn MailRenderer>,
    /// E-mail transport chosen by `mail.transport`.
    pub mailer: Arc<dyn Mailer>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Redis, when configured (health checks).
    pub redis: Option<Arc<RedisProbe>>,
    /// Rate-limit counters: Redis when configured (falling back to
    /// in-process counting while it is down), else in-process.
    pub rate_limiter: Arc<dyn RateLimiter>,
}

/// Knobs tests turn without touching [`Settings`].
#[derive(Clone, Default)]
pub struct Overrides {
    /// Replaces the password hasher (tests use fast parameters).
    pub hasher: Option<Arc<dyn PasswordHasher>>,
    /// Replaces the clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// Replaces the mailer.
    pub mailer: Option<Arc<dyn Mailer>>,
}

/// Drops every message; for `mail.transport = "disabled"`.
#[derive(Debug, Default)]
pub struct DiscardMailer;

#[async_trait::async_trait]
impl Mailer for DiscardMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        tracing::info!(subject = %message.subject, "mail disabled: message dropped");
        Ok(())
    }
}

fn branding(settings: &Settings) -> MailBranding {
    MailBranding {
        product_name: "Harmony".to_owned(),
        from_name: settings.mail.from_name.clone(),
        from_address: settings.mail.from_address.clone(),
        frontend_url: settings.frontend_url.trim_end_matches('/').to_owned(),
    }
}

fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    let brand = branding(settings);
    Ok(match settings.mail.transport {
        MailTransport::File => Arc::new(FileMailer::new(settings.mail.file_dir.clone(), brand)),
        MailTransport::Disabled => Arc::new(DiscardMailer),
        MailTransport::Smtp => {
            let s = &settings.mail.smtp;
            let tls = match s.tls {
                SmtpTlsMode::Starttls => SmtpTls::StartTls,
                SmtpTlsMode::Implicit => SmtpTls::Implicit,
                SmtpTlsMode::None => SmtpTls::None,
            };
            let smtp = SmtpSettings {
                host: s.host.clone(),
                port: s.port,
                username: s.username.clone().filter(|u| !u.is_empty()),
                password: s.password.clone(),
                tls,
                timeout: std::time::Duration::from_secs(s.timeout_seconds),
            };
            Arc::new(SmtpMailer::new(&smtp, brand)?)
        }
    })
}

fn identity_config(settings: &Settings) -> IdentityConfig {
    let a = &settings.auth;
    IdentityConfig {
        access_ttl: a.access_token_ttl(),
        refresh_ttl: a.refresh_token_ttl(),
        refresh_grace: a.refresh_grace(),
        reset_ttl: a.reset_token_ttl(),
        verification_ttl: a.verification_token_ttl(),
        invitation_ttl: a.invitation_ttl(),
        frontend_url: settings.frontend_url.trim_end_matches('/').to_owned(),
    }
}

/// Creates the folder of a SQLite database file (`./data` by default), so
/// the embedded default works on a fresh clone.
fn ensure_sqlite_dir(url: &str) -> std::io::Result<()> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Ok(());
    };
    let path = rest
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

impl Runtime {
    /// Connects to the database (migrating it when `migrate` is set), builds
    /// every adapter named by the settings and wires the services.
    ///
    /// # Errors
    /// When the database is unreachable, a migration fails or an adapter's
    /// settings are invalid.
    pub async fn build(
        settings: Settings,
        migrate: bool,
        overrides: Overrides,
    ) -> anyhow::Result<Self> {
        let url = settings.database.url.expose_secret();
        ensure_sqlite_dir(url)?;
        let sql = Arc::new(SqlStore::connect(url).await?);
        if migrate {
            sql.migrate().await?;
        }
        let clock = overrides.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let hasher = overrides
            .hasher
            .unwrap_or_else(|| Arc::new(Argon2Hasher::owasp()));
        let identity = Arc::new(IdentityService::new(
            sql.clone(),
            hasher,
            Arc::new(JwtCodec::new(&settings.auth.jwt_secret)),
            Arc::new(RandomSecrets),
            clock.clone(),
            identity_config(&settings),
        ));
        let tenancy = Arc::new(TenancyService::new(sql.clone(), clock.clone()));
        let objects = crate::storage::object_stores(&settings, clock.clone())?;
        let audit = Arc::new(harmony_audit::AuditService::new(
            sql.clone(),
            objects.archives.clone(),
            clock.clone(),
            settings.dev.tools,
        ));
        let mailer = match overrides.mailer {
            Some(m) => m,
            None => mailer(&settings)?,
        };
        let renderer: Arc<dyn MailRenderer> =
            Arc::new(HandlebarsRenderer::new(branding(&settings))?);
        let redis_url = settings
            .redis
            .url
            .as_ref()
            .map(ExposeSecret::expose_secret)
            .filter(|u| !u.is_empty());
        let redis = redis_url
            .map(|url| RedisProbe::new(url).map(Arc::new))
            .transpose()?;
        let rate_limiter: Arc<dyn RateLimiter> = match redis_url {
            Some(url) => Arc::new(RedisRateLimiter::new(url)?),
            None => Arc::new(InProcessRateLimiter::new()),
        };
        let files = Arc::new(harmony_files::service::FilesService::new(
            sql.clone(),
            objects.objects.clone(),
            clock.clone(),
            crate::storage::files_config(&settings),
        ));
        Ok(Self {
            objects,
            files,
            settings: Arc::new(settings),
            outbox: sql.clone(),
            tenant_settings: Arc::new(harmony_tenancy::settings::TenantSettingsService::new(
                sql.clone(),
                clock.clone(),
            )),
            platform: Arc::new(harmony_tenancy::platform::PlatformService::new(
                sql.clone(),
                clock.clone(),
            )),
            runtime_settings: Arc::new(
                harmony_tenancy::platform::runtime::RuntimeSettingsService::new(
                    sql.clone(),
                    clock.clone(),
                ),
            ),
            sql,
            identity,
            tenancy,
            audit,
            renderer,
            mailer,
            clock,
            redis,
            rate_limiter,
        })
    }
}
