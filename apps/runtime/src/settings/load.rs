//! Building [`Settings`] from the layers, and the start-up checks.

use std::path::{Path, PathBuf};

use config::builder::DefaultState;
use config::{Config, ConfigBuilder, File, FileFormat};
use secrecy::ExposeSecret;

use super::{Environment, Settings, SettingsError};

/// The embedded copies of `config/*.toml`, so a binary started from any
/// directory still has complete defaults.
const EMBEDDED: [(&str, &str); 4] = [
    ("default", include_str!("../../../../config/default.toml")),
    (
        "development",
        include_str!("../../../../config/development.toml"),
    ),
    ("test", include_str!("../../../../config/test.toml")),
    (
        "production",
        include_str!("../../../../config/production.toml"),
    ),
];

/// Prefix of the variables that override keys (`HARMONY__SERVER__PORT`).
const ENV_PREFIX: &str = "HARMONY";
/// Separator of prefix and key segments in variable names.
const ENV_SEPARATOR: &str = "__";

pub(super) fn embedded_file(name: &str) -> &'static str {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}

/// The file layers: embedded default, `<dir>/default.toml` if present, then
/// `<dir>/<env>.toml` if present or else its embedded copy.
pub(super) fn file_layers(env: Environment, dir: Option<&Path>) -> ConfigBuilder<DefaultState> {
    let on_disk = |name: &str| {
        dir.map(|d| d.join(format!("{name}.toml")))
            .filter(|p| p.is_file())
    };
    let mut builder =
        Config::builder().add_source(File::from_str(embedded_file("default"), FileFormat::Toml));
    if let Some(path) = on_disk("default") {
        builder = builder.add_source(File::from(path).format(FileFormat::Toml));
    }
    builder = match on_disk(env.as_str()) {
        Some(path) => builder.add_source(File::from(path).format(FileFormat::Toml)),
        None => builder.add_source(File::from_str(
            embedded_file(env.as_str()),
            FileFormat::Toml,
        )),
    };
    builder
}

/// Turns `HARMONY__SERVER__PORT` into `server.port`; dotted keys pass through.
fn normalise_key(key: &str) -> String {
    let prefix = format!("{ENV_PREFIX}{ENV_SEPARATOR}");
    match key.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(&prefix) => key[prefix.len()..]
            .to_lowercase()
            .replace(ENV_SEPARATOR, "."),
        _ => key.to_owned(),
    }
}

/// The `HARMONY__*` layer; `vars` replaces the process environment (tests).
///
/// Values stay strings (no `try_parsing`): serde converts them per field, so
/// a numeric-looking secret is never turned into a number and reformatted.
pub(super) fn variables(vars: Option<config::Map<String, String>>) -> config::Environment {
    config::Environment::with_prefix(ENV_PREFIX)
        .separator(ENV_SEPARATOR)
        .source(vars)
}

fn parse_environment(name: &str) -> Result<Environment, SettingsError> {
    Environment::parse(name).ok_or_else(|| SettingsError::UnknownEnvironment(name.to_owned()))
}

pub(super) fn finish(
    builder: ConfigBuilder<DefaultState>,
    env: Environment,
) -> Result<Settings, SettingsError> {
    let settings: Settings = builder
        .set_override("environment", env.as_str())?
        .build()?
        .try_deserialize()?;
    settings.validate()?;
    Ok(settings)
}

impl Settings {
    /// Loads and [validates](Settings::validate) the process's settings.
    ///
    /// Layers, later wins:
    /// 1. `config/default.toml` as embedded at build time;
    /// 2. `<dir>/default.toml` if it exists, where `<dir>` is
    ///    `HARMONY_CONFIG_DIR` or `./config`;
    /// 3. `<dir>/<env>.toml` if it exists, else the embedded copy, where
    ///    `<env>` is `HARMONY_ENV` (else `HARMONY__ENVIRONMENT`, else
    ///    `development`);
    /// 4. variables `HARMONY__<SECTION>__<KEY>` (lists comma-separated).
    ///
    /// # Errors
    /// [`SettingsError`] for an unknown `HARMONY_ENV`, an unreadable file or
    /// value, or a value production refuses.
    pub fn load() -> Result<Self, SettingsError> {
        let name = std::env::var("HARMONY_ENV")
            .or_else(|_| std::env::var("HARMONY__ENVIRONMENT"))
            .unwrap_or_else(|_| Environment::Development.as_str().to_owned());
        let env = parse_environment(&name)?;
        let dir = std::env::var_os("HARMONY_CONFIG_DIR")
            .map_or_else(|| PathBuf::from("config"), PathBuf::from);
        finish(
            file_layers(env, Some(&dir)).add_source(variables(None)),
            env,
        )
    }

    /// Loads and validates settings from the embedded files and `overrides`
    /// only, ignoring the process environment and `./config`; for tests.
    ///
    /// Keys are dotted (`server.port`) or in environment form
    /// (`HARMONY__SERVER__PORT`); values are strings as in the environment
    /// (list keys comma-separated). An `environment` override picks the
    /// environment file (default `development`).
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn load_from(overrides: &[(&str, &str)]) -> Result<Self, SettingsError> {
        let overrides: Vec<(String, &str)> = overrides
            .iter()
            .map(|(k, v)| (normalise_key(k), *v))
            .collect();
        let env = overrides
            .iter()
            .rev()
            .find(|(k, _)| k == "environment")
            .map_or(Ok(Environment::Development), |(_, v)| parse_environment(v))?;
        let mut builder = file_layers(env, None);
        for (key, value) in &overrides {
            builder = builder.set_override(key.as_str(), *value)?;
        }
        finish(builder, env)
    }

    /// Refuses values that are unsafe for the environment. In production: a
    /// weak `auth.jwt_secret` (see `harmony_adapters_crypto::is_weak_jwt_secret`)
    /// and an in-memory SQLite database. Everywhere: a rate-limit rule with a
    /// zero limit or window (use `rate_limit.enabled = false` to switch off).
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] listing every refused value.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let mut problems = Vec::new();
        if self.environment.is_production() {
            if harmony_adapters_crypto::is_weak_jwt_secret(self.auth.jwt_secret.expose_secret()) {
                problems.push(
                    "auth.jwt_secret is weak or a placeholder: set HARMONY__AUTH__JWT_SECRET \
                     to at least 32 random bytes (e.g. `openssl rand -base64 48`)"
                        .to_owned(),
                );
            }
            let object_key = self.storage.local_secret.expose_secret();
            if !object_key.is_empty() && harmony_adapters_crypto::is_weak_jwt_secret(object_key) {
                problems.push(
                    "storage.local_secret is weak or a placeholder: set \
                     HARMONY__STORAGE__LOCAL_SECRET to at least 32 random bytes, or leave it \
                     empty to derive one from auth.jwt_secret"
                        .to_owned(),
                );
            }
            if self.database.url.expose_secret().contains(":memory:") {
                problems.push(
                    "database.url is an in-memory SQLite database: data would be lost; \
                     set HARMONY__DATABASE__URL"
                        .to_owned(),
                );
            }
            if self.dev.tools {
                problems.push(
                    "dev.tools is on: it lets admins clear the audit trail; \
                     set HARMONY__DEV__TOOLS=false"
                        .to_owned(),
                );
            }
        }
        let tiers = self.rate_limit.api.tenant_tiers.iter();
        let tier_rules = tiers.map(|(tier, r)| (format!("api.tenant_tiers.{tier}"), *r));
        let named = self.rate_limit.rules().map(|(n, r)| (n.to_owned(), r));
        for (name, rule) in named.into_iter().chain(tier_rules) {
            if rule.limit == 0 || rule.window_seconds == 0 {
                problems.push(format!(
                    "rate_limit.{name}: limit and window_seconds must be at least 1"
                ));
            }
        }
        if let Some(url) = &self.observability.otlp_endpoint
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            problems.push(format!(
                "observability.otlp_endpoint `{url}` must be an http:// or https:// URL \
                 (OTLP/HTTP, e.g. http://127.0.0.1:4318)"
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError::Invalid(problems))
        }
    }
}
