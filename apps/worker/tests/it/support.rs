//! Fixtures: a fresh migrated database, queued e-mails, a `harmony-worker`
//! child process that is always killed, and bounded polling.

use harmony_adapters_sql::SqlStore;
use harmony_adapters_sql::entity::outbox;
use harmony_kernel::mail::{EmailJob, MailTemplate};
use harmony_kernel::outbox::{OutboxMessage, OutboxStore};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use time::OffsetDateTime;

/// A migrated database of its own: a SQLite file in [`TestDb::dir`], or a
/// PostgreSQL database `w_<uuid>` when `HARMONY_TEST_DATABASE_URL` is set.
pub struct TestDb {
    /// Connection URL, for child processes.
    pub url: String,
    /// The test's own connection to it.
    pub store: SqlStore,
    /// Scratch directory: the SQLite file, worker logs, working directory.
    pub dir: TempDir,
    /// PostgreSQL: the admin connection and the database to drop at the end.
    pg: Option<(DatabaseConnection, String)>,
}

impl TestDb {
    async fn create() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Ok(admin_url) = std::env::var("HARMONY_TEST_DATABASE_URL") {
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to HARMONY_TEST_DATABASE_URL");
            let name = format!("w_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            let url = with_database_name(&admin_url, &name);
            let store = SqlStore::connect(&url).await.expect("connect postgres");
            store.migrate().await.expect("migrate postgres");
            Self {
                url,
                store,
                dir,
                pg: Some((admin, name)),
            }
        } else {
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("outbox.db").display()
            );
            let store = SqlStore::connect(&url).await.expect("connect sqlite");
            store.migrate().await.expect("migrate sqlite");
            Self {
                url,
                store,
                dir,
                pg: None,
            }
        }
    }

    /// Every outbox row.
    pub async fn rows(&self) -> Vec<outbox::Model> {
        outbox::Entity::find()
            .all(self.store.connection())
            .await
            .expect("read outbox rows")
    }

    /// Closes the pool and drops a PostgreSQL database.
    async fn cleanup(self) {
        let _ = self.store.connection().clone().close().await;
        if let Some((admin, name)) = self.pg {
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            if let Err(e) = admin.execute_unprepared(&sql).await {
                eprintln!("note: could not drop test database {name}: {e}");
            }
        }
    }
}

/// `postgres://u@h:5432/test?x` with the database replaced by `name`.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Runs `body` with a fresh database and drops the database afterwards, also
/// when `body` panics (the panic is then resumed).
pub async fn with_db<F, Fut>(body: F)
where
    F: FnOnce(Arc<TestDb>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = Arc::new(TestDb::create().await);
    eprintln!("database: {}", db.store.backend_name());
    let outcome = tokio::spawn(body(db.clone())).await;
    if let Ok(db) = Arc::try_unwrap(db) {
        db.cleanup().await;
    }
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test body did not finish: {e}");
    }
}

/// Queues `n` "password changed" e-mails, due now, and returns them.
pub async fn enqueue_emails(store: &dyn OutboxStore, n: usize) -> Vec<OutboxMessage> {
    let now = OffsetDateTime::now_utc();
    let messages: Vec<OutboxMessage> = (0..n)
        .map(|i| {
            EmailJob {
                to: format!("user{i}@example.com"),
                template: MailTemplate::PasswordChanged,
                vars: serde_json::json!({ "user_name": format!("User {i}") }),
            }
            .into_outbox(now)
        })
        .collect();
    store.enqueue(&messages).await.expect("enqueue e-mails");
    messages
}

/// The `Message-ID` the worker gives a message (see `delivery.rs`).
pub fn message_id(message: &OutboxMessage) -> String {
    format!("<{}@harmony>", message.id)
}

/// A bounded wait: [`Deadline::tick`] pauses 50 ms, or panics with the
/// waited-for condition and the last observed state once time is up.
pub struct Deadline {
    what: &'static str,
    timeout: Duration,
    at: Instant,
}

impl Deadline {
    /// A deadline `timeout` from now for `what`.
    pub fn after(what: &'static str, timeout: Duration) -> Self {
        Self {
            what,
            timeout,
            at: Instant::now() + timeout,
        }
    }

    /// Pauses before the next check; panics with `state()` when time is up.
    pub async fn tick(&self, state: impl FnOnce() -> String) {
        assert!(
            Instant::now() < self.at,
            "timed out after {:?} waiting for {}; last state: {}",
            self.timeout,
            self.what,
            state()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("reserve a local port")
        .port()
}

/// A running `harmony-worker` process; killed (SIGKILL) when dropped, so no
/// test leaves one behind, whatever happens.
pub struct WorkerProcess {
    name: String,
    child: Child,
    log: PathBuf,
}

impl WorkerProcess {
    /// Starts the real binary in `dir` with exactly `env` as its `HARMONY*`
    /// environment (inherited `HARMONY*` and `RUST_LOG` variables are removed,
    /// and `./config` is not read); output goes to `<dir>/<name>.log`.
    pub fn spawn(name: &str, dir: &Path, env: &[(&str, String)]) -> Self {
        let log = dir.join(format!("{name}.log"));
        let out = File::create(&log).expect("create worker log");
        let err = out.try_clone().expect("clone worker log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_harmony-worker"));
        for (key, _) in std::env::vars_os() {
            if key
                .to_string_lossy()
                .to_ascii_uppercase()
                .starts_with("HARMONY")
            {
                command.env_remove(key);
            }
        }
        command
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .env("HARMONY_CONFIG_DIR", dir.join("no-config-dir"))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let child = command.spawn().expect("start harmony-worker");
        Self {
            name: name.to_owned(),
            child,
            log,
        }
    }

    /// Panics (with the log) if the process has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("poll worker process") {
            panic!(
                "{} exited unexpectedly ({status}); its log:\n{}",
                self.name,
                self.log_text()
            );
        }
    }

    /// SIGKILL: no graceful shutdown, the process just vanishes.
    pub fn kill(&mut self) -> ExitStatus {
        self.child.kill().expect("kill worker");
        self.child.wait().expect("reap worker")
    }

    /// Everything the process logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
