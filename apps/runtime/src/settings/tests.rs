use secrecy::ExposeSecret;

use super::*;

const STRONG: &str = "k3Jd9-QpL2xZ7vNw8TbR4mYc6HsE1uAf-9fGh";

#[test]
fn embedded_defaults_load_as_development() {
    let s = Settings::load_from(&[]).unwrap();
    assert_eq!(s.environment, Environment::Development);
    assert_eq!((s.server.host.as_str(), s.server.port), ("127.0.0.1", 8000));
    assert!(!s.server.tls_terminated);
    assert_eq!(
        s.database.url.expose_secret(),
        "sqlite://./data/harmony.db?mode=rwc"
    );
    assert!(s.redis.url.is_none());
    assert_eq!(s.auth.access_token_ttl(), time::Duration::minutes(30));
    assert_eq!(s.auth.refresh_token_ttl(), time::Duration::days(7));
    assert_eq!(s.auth.refresh_grace(), time::Duration::seconds(30));
    assert_eq!(s.auth.reset_token_ttl(), time::Duration::minutes(60));
    assert_eq!(s.auth.verification_token_ttl(), time::Duration::hours(48));
    assert_eq!(s.auth.invitation_ttl(), time::Duration::days(7));
    assert_eq!(s.mail.transport, MailTransport::File);
    assert_eq!(s.mail.from_address, "noreply@harmony-saas.com");
    assert_eq!(s.mail.from_name, "Harmony SaaS");
    assert_eq!(s.mail.file_dir, PathBuf::from("./data/mail"));
    assert_eq!(
        (s.mail.smtp.port, s.mail.smtp.tls),
        (587, SmtpTlsMode::Starttls)
    );
    assert!(s.mail.smtp.username.is_none() && s.mail.smtp.password.is_none());
    assert_eq!(s.frontend_url, "http://localhost:3000");
    assert_eq!(
        s.cors.origins,
        ["http://localhost:3000", "http://localhost:3001"]
    );
    assert_eq!(s.http.json_limit_bytes, 1_048_576);
    assert!(s.worker.embedded);
    assert_eq!(s.worker.poll_interval(), std::time::Duration::from_secs(1));
    assert_eq!((s.worker.batch_size, s.worker.max_attempts), (20, 8));
    assert_eq!(s.log.format, LogFormat::Pretty);
    assert!(s.bootstrap.create_admin_on_first_start);
    assert_eq!(s.bootstrap.admin_email, "admin@harmony.local");
    assert!(harmony_adapters_crypto::is_weak_jwt_secret(
        s.auth.jwt_secret.expose_secret()
    ));
}

#[test]
fn environment_style_and_dotted_overrides_apply() {
    let s = Settings::load_from(&[
        ("HARMONY__SERVER__PORT", "9000"),
        ("HARMONY__SERVER__TLS_TERMINATED", "true"),
        ("HARMONY__DATABASE__URL", "postgres://u:p@db/harmony"),
        ("HARMONY__REDIS__URL", "redis://127.0.0.1:6379"),
        ("HARMONY__MAIL__SMTP__PASSWORD", "hunter2"),
        ("HARMONY__MAIL__SMTP__TLS", "implicit"),
        (
            "HARMONY__CORS__ORIGINS",
            "https://a.example, https://b.example",
        ),
        ("log.level", "debug"),
        ("worker.embedded", "false"),
    ])
    .unwrap();
    assert_eq!(s.server.port, 9000);
    assert!(s.server.tls_terminated);
    assert_eq!(s.database.url.expose_secret(), "postgres://u:p@db/harmony");
    assert_eq!(
        s.redis.url.as_ref().map(ExposeSecret::expose_secret),
        Some("redis://127.0.0.1:6379")
    );
    assert_eq!(
        s.mail
            .smtp
            .password
            .as_ref()
            .map(ExposeSecret::expose_secret),
        Some("hunter2")
    );
    assert_eq!(s.mail.smtp.tls, SmtpTlsMode::Implicit);
    assert_eq!(s.cors.origins, ["https://a.example", "https://b.example"]);
    assert_eq!(s.log.level, "debug");
    assert!(!s.worker.embedded);
}

#[test]
fn secrets_are_redacted_in_debug() {
    let s = Settings::load_from(&[
        ("database.url", "postgres://u:pw-in-url@db/harmony"),
        ("mail.smtp.password", "smtp-password-value"),
    ])
    .unwrap();
    let printed = format!("{s:?}");
    for secret in ["pw-in-url", "smtp-password-value", "INSECURE-dev-secret"] {
        assert!(!printed.contains(secret), "{secret} leaked");
    }
}

#[test]
fn environment_files_layer_over_defaults() {
    let test = Settings::load_from(&[("environment", "test")]).unwrap();
    assert_eq!(test.environment, Environment::Test);
    assert_eq!(test.mail.transport, MailTransport::Disabled);
    assert!(!test.bootstrap.create_admin_on_first_start);

    let prod = Settings::load_from(&[
        ("environment", "production"),
        ("auth.jwt_secret", STRONG),
        ("database.url", "postgres://harmony@db/harmony"),
    ])
    .unwrap();
    assert_eq!(prod.environment, Environment::Production);
    assert_eq!(prod.log.format, LogFormat::Json);
    assert_eq!(prod.mail.transport, MailTransport::Smtp);
    assert!(!prod.worker.embedded);
    assert!(!prod.bootstrap.create_admin_on_first_start);
    assert!(prod.server.tls_terminated);
    assert_eq!(prod.server.port, 8000, "inherited from default.toml");
}

#[test]
fn production_refuses_weak_secret_and_memory_database() {
    let err = Settings::load_from(&[("HARMONY__ENVIRONMENT", "production")]).unwrap_err();
    let SettingsError::Invalid(problems) = err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("jwt_secret"));

    for weak in [
        "short",
        "changeme-changeme-changeme-changeme-42",
        "secretsecretsecretsecretsecretsecret",
    ] {
        let res = Settings::load_from(&[("environment", "production"), ("auth.jwt_secret", weak)]);
        assert!(matches!(res, Err(SettingsError::Invalid(_))), "{weak}");
    }

    let err = Settings::load_from(&[
        ("environment", "production"),
        ("auth.jwt_secret", STRONG),
        ("database.url", "sqlite::memory:"),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("in-memory"), "{err}");
    assert!(!err.to_string().contains(STRONG));
}

#[test]
fn weak_secret_is_fine_outside_production() {
    let s = Settings::load_from(&[("environment", "development"), ("auth.jwt_secret", "dev")]);
    assert!(s.is_ok());
}

#[test]
fn bad_values_are_load_errors() {
    let unknown = Settings::load_from(&[("environment", "staging")]).unwrap_err();
    assert!(
        matches!(unknown, SettingsError::UnknownEnvironment(_)),
        "{unknown}"
    );
    let port = Settings::load_from(&[("server.port", "eighty")]).unwrap_err();
    assert!(matches!(port, SettingsError::Load(_)), "{port}");
    let transport = Settings::load_from(&[("mail.transport", "pigeon")]).unwrap_err();
    assert!(matches!(transport, SettingsError::Load(_)), "{transport}");
}

#[test]
fn embedded_files_match_the_environment_names() {
    for env in [
        Environment::Development,
        Environment::Test,
        Environment::Production,
    ] {
        assert_eq!(Environment::parse(env.as_str()), Some(env));
        assert!(!super::load::embedded_file(env.as_str()).is_empty());
    }
    assert_eq!(
        Environment::parse("PRODUCTION"),
        Some(Environment::Production)
    );
}

#[test]
fn process_environment_layer_is_parsed() {
    let vars: config::Map<String, String> = [
        ("HARMONY__SERVER__PORT", "9000"),
        ("HARMONY__DATABASE__URL", "postgres://harmony@db/harmony"),
        (
            "HARMONY__CORS__ORIGINS",
            "https://a.example,https://b.example",
        ),
        ("HARMONY__MAIL__SMTP__HOST", "smtp.example.com"),
        (
            "HARMONY__AUTH__JWT_SECRET",
            "12345678901234567890123456789012345",
        ),
        ("HARMONY__REDIS__URL", ""),
        ("HARMONY_ENV", "ignored-by-this-layer"),
        ("OTHER__SERVER__PORT", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let builder =
        load::file_layers(Environment::Production, None).add_source(load::variables(Some(vars)));
    let s = load::finish(builder, Environment::Production).unwrap();
    assert_eq!(s.server.port, 9000);
    assert_eq!(
        s.database.url.expose_secret(),
        "postgres://harmony@db/harmony"
    );
    assert_eq!(s.cors.origins, ["https://a.example", "https://b.example"]);
    assert_eq!(s.mail.smtp.host, "smtp.example.com");
    assert_eq!(
        s.auth.jwt_secret.expose_secret(),
        "12345678901234567890123456789012345"
    );
    assert!(s.redis.url.is_none());
}

#[test]
fn config_directory_files_replace_and_extend_embedded_ones() {
    let dir = std::env::temp_dir().join(format!("harmony-settings-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("default.toml"), "[server]\nport = 7000\n").unwrap();
    std::fs::write(dir.join("test.toml"), "[log]\nlevel = \"trace\"\n").unwrap();
    let test = load::finish(
        load::file_layers(Environment::Test, Some(&dir)),
        Environment::Test,
    );
    let dev = load::finish(
        load::file_layers(Environment::Development, Some(&dir)),
        Environment::Development,
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let test = test.unwrap();
    assert_eq!(
        test.server.port, 7000,
        "partial default.toml over the embedded one"
    );
    assert_eq!(test.log.level, "trace", "test.toml from the directory");
    assert_eq!(
        test.mail.transport,
        MailTransport::File,
        "disk test.toml replaces the embedded one"
    );
    let dev = dev.unwrap();
    assert_eq!(
        dev.log.level, "info,harmony=debug",
        "embedded development.toml"
    );
}
