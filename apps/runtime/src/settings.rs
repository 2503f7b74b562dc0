//! Typed configuration: `config/*.toml` layered with `HARMONY__*` variables.
//!
//! See [`Settings::load`] for the layers and `config/default.toml` for every
//! key with its environment-variable form (`HARMONY__SECTION__KEY`).
//! Secrets (`auth.jwt_secret`, `database.url`, `redis.url`,
//! `mail.smtp.password`) are [`SecretString`]s: `Debug` prints them redacted.

mod load;
mod rate_limit;
mod storage;
#[cfg(test)]
mod tests;

pub use rate_limit::{ApiRateLimitSettings, RateLimitRule, RateLimitSettings};
use std::path::PathBuf;
pub use storage::{StorageBackend, StorageSettings};

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

/// Which deployment this is; chosen by `HARMONY_ENV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer's machine (the default).
    Development,
    /// Automated tests.
    Test,
    /// A real deployment: strict start-up checks apply.
    Production,
}

impl Environment {
    /// The name used in `HARMONY_ENV` and for `config/<name>.toml`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }

    /// Parses a name, case-insensitively.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Development, Self::Test, Self::Production]
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this is production.
    pub const fn is_production(self) -> bool {
        matches!(self, Self::Production)
    }
}

/// Why settings could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `HARMONY_ENV` names no known environment.
    #[error("unknown environment {0:?}: expected development, test or production")]
    UnknownEnvironment(String),
    /// A file did not parse, or a value has the wrong type.
    #[error("configuration could not be loaded: {0}")]
    Load(#[from] config::ConfigError),
    /// Values that are refused for this environment (one message each).
    #[error("configuration refused: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Everything the API and the worker are configured with.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Deployment kind (from `HARMONY_ENV`).
    pub environment: Environment,
    /// Base URL of the web app; e-mail links point here.
    pub frontend_url: String,
    /// HTTP listener.
    pub server: ServerSettings,
    /// Database connection.
    pub database: DatabaseSettings,
    /// Optional Redis.
    pub redis: RedisSettings,
    /// Tokens and their lifetimes.
    pub auth: AuthSettings,
    /// Outgoing e-mail.
    pub mail: MailSettings,
    /// Cross-origin requests.
    pub cors: CorsSettings,
    /// HTTP layer limits and switches.
    pub http: HttpSettings,
    /// Per-client limits of the auth endpoints.
    pub rate_limit: RateLimitSettings,
    /// Outbox worker.
    pub worker: WorkerSettings,
    /// Logging.
    pub log: LogSettings,
    /// Metrics and trace export.
    pub observability: ObservabilitySettings,
    /// First-start bootstrap.
    pub bootstrap: BootstrapSettings,
    /// Audit trail storage.
    pub audit: AuditSettings,
    /// `[storage]`.
    pub storage: StorageSettings,
    /// Developer tools (never in production).
    pub dev: DevSettings,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Bind address.
    pub host: String,
    /// Bind port.
    pub port: u16,
    /// Clients reach us over HTTPS (TLS ends at a proxy): send HSTS.
    pub tls_terminated: bool,
}

/// `[database]`.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Connection URL (`sqlite://…` or `postgres://…`); secret, it may hold a password.
    pub url: SecretString,
    /// Pool size.
    pub max_connections: u32,
}

/// `[redis]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    /// Connection URL; `None` (empty in files) when Redis is not used.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub url: Option<SecretString>,
}

/// `[auth]`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// HMAC key of the JWTs; production refuses weak ones.
    pub jwt_secret: SecretString,
    /// Access token lifetime.
    pub access_token_minutes: u32,
    /// Refresh token lifetime.
    pub refresh_token_days: u32,
    /// Window in which a repeated refresh re-issues the same pair.
    pub refresh_grace_seconds: u32,
    /// Password-reset link lifetime.
    pub reset_token_minutes: u32,
    /// E-mail verification link lifetime.
    pub verification_token_hours: u32,
    /// Invitation link lifetime.
    pub invitation_days: u32,
}

impl AuthSettings {
    /// `access_token_minutes` as a duration.
    pub fn access_token_ttl(&self) -> time::Duration {
        time::Duration::minutes(self.access_token_minutes.into())
    }
    /// `refresh_token_days` as a duration.
    pub fn refresh_token_ttl(&self) -> time::Duration {
        time::Duration::days(self.refresh_token_days.into())
    }
    /// `refresh_grace_seconds` as a duration.
    pub fn refresh_grace(&self) -> time::Duration {
        time::Duration::seconds(self.refresh_grace_seconds.into())
    }
    /// `reset_token_minutes` as a duration.
    pub fn reset_token_ttl(&self) -> time::Duration {
        time::Duration::minutes(self.reset_token_minutes.into())
    }
    /// `verification_token_hours` as a duration.
    pub fn verification_token_ttl(&self) -> time::Duration {
        time::Duration::hours(self.verification_token_hours.into())
    }
    /// `invitation_days` as a duration.
    pub fn invitation_ttl(&self) -> time::Duration {
        time::Duration::days(self.invitation_days.into())
    }
}

/// How e-mail leaves the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// Write `.eml` files to `mail.file_dir` (development).
    File,
    /// Send through `mail.smtp`.
    Smtp,
    /// Drop messages (they are still marked sent).
    Disabled,
}

/// `[mail]`.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// Delivery mechanism.
    pub transport: MailTransport,
    /// Address of the From header.
    pub from_address: String,
    /// Display name of the From header.
    pub from_name: String,
    /// Directory of the `file` transport.
    pub file_dir: PathBuf,
    /// Server of the `smtp` transport.
    pub smtp: SmtpSettings,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTlsMode {
    /// Plain connect, then a required `STARTTLS` upgrade (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No TLS; only for a trusted relay or a test sink.
    None,
}

/// `[mail.smtp]`.
#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login; `None` (empty in files) for no authentication.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub username: Option<String>,
    /// Password for `username`; `None` when empty.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub password: Option<SecretString>,
    /// Transport security.
    pub tls: SmtpTlsMode,
    /// Limit for connecting and for each command.
    pub timeout_seconds: u64,
}

/// `[cors]`.
#[derive(Debug, Clone, Deserialize)]
pub struct CorsSettings {
    /// Exact allowed origins; `"*"` allows any. A string (the environment
    /// form) is split at commas.
    #[serde(deserialize_with = "list_or_csv")]
    pub origins: Vec<String>,
}

/// `[http]`.
#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    /// Largest accepted JSON body in bytes.
    pub json_limit_bytes: usize,
    /// Serve the OpenAPI document and its UI.
    pub docs_enabled: bool,
    /// Log the client ip from forwarding headers (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Timeout of each readiness probe, in milliseconds.
    pub health_timeout_ms: u64,
    /// How often each API process re-reads the stored runtime settings
    /// (admin tools: log level, rate-limit switch), in milliseconds.
    pub runtime_settings_poll_ms: u64,
}

/// `[worker]`.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    /// Run the outbox worker inside the API process.
    pub embedded: bool,
    /// Pause between polls of an empty outbox, in milliseconds.
    pub poll_interval_ms: u64,
    /// Messages claimed per poll.
    pub batch_size: u32,
    /// Attempts before a message is given up.
    pub max_attempts: u32,
    /// How long a claimed message is exclusive to the worker that claimed
    /// it, in seconds; a crashed worker's messages are picked up again after
    /// this. Must exceed the time one batch takes to deliver.
    pub lease_seconds: u64,
    /// Delay before the first retry of a failed delivery, in milliseconds;
    /// doubles with every further attempt.
    pub base_backoff_ms: u64,
}

impl WorkerSettings {
    /// `poll_interval_ms` as a duration.
    pub const fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.poll_interval_ms)
    }

    /// `lease_seconds` as a duration (at least one second).
    pub fn lease(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.lease_seconds.max(1))
    }

    /// `base_backoff_ms` as a duration.
    pub const fn base_backoff(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.base_backoff_ms)
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, coloured.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// tracing `EnvFilter` directive, e.g. `info,harmony=debug`.
    pub level: String,
    /// Line format.
    pub format: LogFormat,
    /// Records kept in memory for the admin log view (newest win); never
    /// read back from a log file.
    #[serde(default = "default_buffer_capacity")]
    pub buffer_capacity: usize,
}

const fn default_buffer_capacity() -> usize {
    2000
}

/// `[observability]`.
#[derive(Debug, Clone, Deserialize)]
pub struct ObservabilitySettings {
    /// Serve Prometheus metrics at `/metrics` (unauthenticated: keep it off
    /// the public listener or switch it off).
    #[serde(default = "enabled")]
    pub metrics_enabled: bool,
    /// OTLP/HTTP collector (`http://collector:4318`); `None` (empty in files)
    /// exports no traces and costs nothing.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub otlp_endpoint: Option<String>,
    /// Overrides the binary's own service name (`harmony-api`, `harmony-worker`).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub service_name: Option<String>,
}

const fn enabled() -> bool {
    true
}

/// `[bootstrap]`.
#[derive(Debug, Clone, Deserialize)]
pub struct BootstrapSettings {
    /// Create a system admin on first start when none exists.
    pub create_admin_on_first_start: bool,
    /// That admin's e-mail.
    pub admin_email: String,
}

/// `[audit]`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditSettings {
    /// Root of the archive files (`<dir>/audit/…`), written by the archive
    /// endpoints before the archived rows are deleted.
    pub archive_dir: PathBuf,
}

/// `[dev]`.
#[derive(Debug, Clone, Deserialize)]
pub struct DevSettings {
    /// Destructive developer tools: clearing the audit trail and deleting
    /// archive files (the contract's `DEV_MODE`). Refused in production.
    pub tools: bool,
}

/// Reads an optional string where empty (or blank) means "not set", so files
/// can list every key and `HARMONY__X=""` can unset one.
fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|s| !s.trim().is_empty()).map(T::from))
}

/// Reads a list of strings given as a list (files) or as one comma-separated
/// string (environment variables); blank items are dropped.
fn list_or_csv<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct ListOrCsv;
    impl<'de> serde::de::Visitor<'de> for ListOrCsv {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of strings or a comma-separated string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_any(ListOrCsv)
}
