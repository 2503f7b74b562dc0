//! `spawn_app()` over the real composition root (`Runtime::build`): a fresh
//! database per test (a temp SQLite file, or a new PostgreSQL database when
//! `HARMONY_TEST_DATABASE_URL` is set), port 0, a memory mailer, fast argon2
//! and optionally a manual clock; plus typed helpers for the identity API.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use harmony_adapters_crypto::Argon2Hasher;
use harmony_adapters_memory::ManualClock;
use harmony_adapters_smtp::MemoryMailer;
use harmony_identity::model::{Email, Password};
use harmony_kernel::SystemRole;
use harmony_kernel::mail::MailMessage;
use harmony_runtime::settings::Settings;
use harmony_runtime::wiring::{Overrides, Runtime};
use reqwest::{Method, Response};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::expect::expect_status;

/// A password that satisfies the policy (§6.1).
pub const PASSWORD: &str = "Str0ngPassw0rd";
/// Another one, for changes and resets.
pub const NEW_PASSWORD: &str = "N3wSecretPass";
/// The owner `register_owner` creates.
pub const OWNER_EMAIL: &str = "ada@example.com";

/// How to build the app under test.
#[derive(Default)]
pub struct Options {
    /// Use a [`ManualClock`] (time travel) instead of the system clock.
    pub manual_clock: bool,
    /// Extra settings overrides, e.g. `("auth.refresh_grace_seconds", "1")`.
    pub settings: Vec<(&'static str, &'static str)>,
}

/// Where the test database lives; dropping it removes it.
enum TestDb {
    Sqlite(#[allow(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another app's database (a sibling process); that app removes it.
    Borrowed,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            // Best effort: FORCE closes the pool's connections (PostgreSQL 13+).
            let _ = std::process::Command::new("psql")
                .args([admin_url.as_str(), "-q", "-c"])
                .arg(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .output();
        }
    }
}

/// A signed-in account: its tokens and the `user` object the API returned.
#[derive(Debug, Clone)]
pub struct Session {
    /// Access token.
    pub access: String,
    /// Refresh token.
    pub refresh: String,
    /// `UserResponse` (or the accept-invite user object).
    pub user: Value,
}

impl Session {
    /// The user's id.
    pub fn id(&self) -> String {
        self.user["id"].as_str().expect("user id").to_owned()
    }

    /// The user's e-mail.
    pub fn email(&self) -> String {
        self.user["email"].as_str().expect("user email").to_owned()
    }

    fn from_body(body: &Value) -> Self {
        let tokens = &body["tokens"];
        Self {
            access: tokens["access_token"]
                .as_str()
                .expect("access_token")
                .to_owned(),
            refresh: tokens["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
            user: body["user"].clone(),
        }
    }
}

/// The running app and everything a test needs to drive and observe it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// HTTP client (no redirects followed).
    pub client: reqwest::Client,
    /// The composition root the server runs on.
    pub runtime: Runtime,
    /// Every e-mail the outbox worker delivered.
    pub mailer: Arc<MemoryMailer>,
    /// The clock, when `Options::manual_clock` was set.
    pub clock: Option<Arc<ManualClock>>,
    counter: AtomicUsize,
    db_url: String,
    _db: TestDb,
    _objects: tempfile::TempDir,
}

/// A fresh PostgreSQL database next to the one `url` names.
fn create_postgres_db(url: &str) -> (String, TestDb) {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let out = std::process::Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("CREATE DATABASE \"{name}\""))
        .output()
        .expect("psql must be installed to run the tests on PostgreSQL");
    assert!(
        out.status.success(),
        "CREATE DATABASE failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    let db_url = match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    };
    let guard = TestDb::Postgres {
        admin_url: url.to_owned(),
        name,
    };
    (db_url, guard)
}

fn test_database() -> (String, TestDb) {
    match std::env::var("HARMONY_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => create_postgres_db(url.trim()),
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("harmony.db");
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (url, TestDb::Sqlite(dir))
        }
    }
}

/// The app with default options (system clock).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// The app with a [`ManualClock`] for time travel.
pub async fn spawn_app_with_clock() -> TestApp {
    spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await
}

/// Builds the runtime on a fresh database and serves it on port 0.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let (db_url, db) = test_database();
    spawn_on(db_url, db, options).await
}

/// The app on `db_url`; `db` removes the database when the app is dropped.
async fn spawn_on(db_url: String, db: TestDb, options: Options) -> TestApp {
    harmony_api::logging::init_for_tests();
    // Bound first so the local store's signed URLs point at this server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    let objects = tempfile::tempdir().expect("objects temp dir");
    let objects_root = objects.path().display().to_string();
    let public_api_url = format!("http://127.0.0.1:{port}");
    let mut overrides: Vec<(&str, &str)> = vec![
        ("environment", "test"),
        ("database.url", db_url.as_str()),
        ("mail.transport", "disabled"),
        ("worker.embedded", "false"),
        ("bootstrap.create_admin_on_first_start", "false"),
        ("storage.local_root", objects_root.as_str()),
        ("storage.public_api_url", public_api_url.as_str()),
    ];
    overrides.extend(options.settings.iter().copied());
    let settings = Settings::load_from(&overrides).expect("test settings");
    let mailer = Arc::new(MemoryMailer::new());
    let clock = options
        .manual_clock
        .then(|| Arc::new(ManualClock::default()));
    let runtime = Runtime::build(
        settings,
        true,
        Overrides {
            hasher: Some(Arc::new(Argon2Hasher::fast_for_tests())),
            clock: clock.clone().map(|c| c as Arc<dyn harmony_kernel::Clock>),
            mailer: Some(mailer.clone()),
        },
    )
    .await
    .expect("runtime builds on a fresh database");
    let server = harmony_api::app::serve(listener, harmony_api::server::app_state(&runtime))
        .expect("server starts");
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client,
        runtime,
        mailer,
        clock,
        counter: AtomicUsize::new(0),
        db_url,
        _db: db,
        _objects: objects,
    }
}

impl TestApp {
    /// A second API process on this app's database (its own runtime, limiter
    /// and runtime switches), as a multi-process deployment runs it. Drop it
    /// before this app.
    pub async fn sibling(&self, options: Options) -> TestApp {
        spawn_on(self.db_url.clone(), TestDb::Borrowed, options).await
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Any request; `token` becomes a bearer header, `body` JSON.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request sent")
    }

    /// Unauthenticated `POST` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path, None, Some(body)).await
    }

    /// Authenticated `POST` with a JSON body.
    pub async fn post_json_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    /// Authenticated `GET`.
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    /// Authenticated `PUT` with a JSON body.
    pub async fn put_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PUT, path, Some(token), Some(body))
            .await
    }

    /// Authenticated `DELETE`.
    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    /// `POST /auth/register`; expects 201.
    pub async fn register(&self, email: &str, name: &str, subdomain: Option<&str>) -> Session {
        let mut body =
            json!({"admin_email": email, "admin_password": PASSWORD, "admin_name": name});
        if let Some(s) = subdomain {
            body["subdomain"] = json!(s);
        }
        let res = self.post_json("/api/v1/auth/register", &body).await;
        Session::from_body(&expect_status(res, 201).await)
    }

    /// Registers the tenant "acme" owned by [`OWNER_EMAIL`].
    pub async fn register_owner(&self) -> Session {
        self.register(OWNER_EMAIL, "Ada Lovelace", Some("acme"))
            .await
    }

    /// Registers a second, unrelated tenant "globex".
    pub async fn register_other_owner(&self) -> Session {
        self.register("grace@example.org", "Grace Hopper", Some("globex"))
            .await
    }

    /// `POST /auth/login` (raw answer).
    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// `POST /auth/login`; expects 200.
    pub async fn login_ok(&self, email: &str, password: &str) -> Session {
        Session::from_body(&expect_status(self.login(email, password).await, 200).await)
    }

    /// A fresh address, unique within this app.
    pub fn unique_email(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}{n}@example.com")
    }

    /// `POST /users` with `role` (`admin`/`member`) and [`PASSWORD`]; expects 201.
    pub async fn create_user(&self, token: &str, role: &str) -> Value {
        let email = self.unique_email(role);
        let body = json!({"email": email, "password": PASSWORD, "tenant_role": role,
            "first_name": "Test", "last_name": "User"});
        expect_status(self.post_json_as("/api/v1/users", token, &body).await, 201).await
    }

    /// Creates a user with `role` and signs it in.
    pub async fn create_user_session(&self, token: &str, role: &str) -> Session {
        let user = self.create_user(token, role).await;
        let email = user["email"].as_str().expect("email").to_owned();
        self.login_ok(&email, PASSWORD).await
    }

    /// A system admin (no API creates one) signed in.
    pub async fn system_admin(&self) -> Session {
        let email = "root@example.com";
        let password = Password::parse(SecretString::from(PASSWORD)).expect("policy");
        self.runtime
            .identity
            .create_system_admin(Email::parse(email).expect("email"), password)
            .await
            .expect("system admin created");
        self.login_ok(email, PASSWORD).await
    }

    /// A system user with `role` and a unique e-mail (`create_system_user`,
    /// as `harmony-api create-admin --role` does), signed in.
    pub async fn system_user(&self, role: SystemRole) -> Session {
        let email = self.unique_email(&format!("system-{}-", role.as_str()));
        let password = Password::parse(SecretString::from(PASSWORD)).expect("policy");
        self.runtime
            .identity
            .create_system_user(Email::parse(&email).expect("email"), password, role)
            .await
            .expect("system user created");
        self.login_ok(&email, PASSWORD).await
    }

    /// A system operator (read-only platform role) signed in.
    pub async fn system_operator(&self) -> Session {
        self.system_user(SystemRole::Operator).await
    }

    /// Runs the outbox worker once and returns every message delivered so far.
    pub async fn deliver_mail(&self) -> Vec<MailMessage> {
        harmony_worker::from_runtime::outbox_worker(&self.runtime)
            .run_once()
            .await
            .expect("outbox delivery");
        self.mailer.messages()
    }

    /// Delivers the outbox, then extracts `token=` from the last link
    /// `<frontend>/<path>?token=…` mailed to `to`.
    pub async fn last_link(&self, to: &str, path: &str) -> String {
        let messages = self.deliver_mail().await;
        let needle = format!("/{path}?token=");
        messages
            .iter()
            .rev()
            .filter(|m| m.to == to)
            .find_map(|m| token_after(&m.text, &needle))
            .unwrap_or_else(|| panic!("no {path} link mailed to {to}: {messages:#?}"))
    }

    /// Moves the manual clock forward.
    pub fn advance(&self, by: time::Duration) {
        self.clock
            .as_ref()
            .expect("spawned with a manual clock")
            .advance(by);
    }
}

fn token_after(text: &str, needle: &str) -> Option<String> {
    let start = text.find(needle)? + needle.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}
