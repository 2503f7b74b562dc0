//! Connecting, migrating and health-checking.

use crate::error::store_err;
use harmony_kernel::StoreError;
use harmony_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::time::Duration;

/// The SQL store: one connection pool, implementing every SQL-backed port.
#[derive(Debug, Clone)]
pub struct SqlStore {
    db: DatabaseConnection,
}

fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Adds `mode=rwc` to a file SQLite URL so a missing file is created.
fn with_create_mode(url: &str) -> String {
    if is_memory(url) || url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl SqlStore {
    /// Connects to `postgres://…` or `sqlite://path` / `sqlite::memory:`.
    ///
    /// SQLite files are created when missing and opened with WAL, foreign keys
    /// on and a 5 s busy timeout; `sqlite::memory:` uses one connection, since
    /// every SQLite memory connection is a database of its own.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let sqlite = url.starts_with("sqlite:");
        let mut opts = if sqlite {
            ConnectOptions::new(with_create_mode(url))
        } else {
            ConnectOptions::new(url.to_owned())
        };
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10));
        if sqlite {
            let memory = is_memory(url);
            if memory {
                opts.max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None);
            } else {
                opts.max_connections(4);
            }
            opts.map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
                let o = o.foreign_keys(true).busy_timeout(Duration::from_secs(5));
                if memory {
                    o
                } else {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                }
            });
        } else {
            opts.max_connections(10).min_connections(1);
        }
        let db = Database::connect(opts).await.map_err(store_err)?;
        Ok(Self { db })
    }

    /// Wraps an existing connection (e.g. one shared with other adapters).
    pub fn from_connection(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None).await.map_err(store_err)
    }

    /// Runs `SELECT 1`, for `/health/detailed`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(store_err)
    }

    /// The newest applied migration (admin tools' system info), if any.
    pub async fn latest_migration(&self) -> Result<Option<String>, StoreError> {
        let names = Migrator::get_applied_migrations(&self.db)
            .await
            .map_err(store_err)?;
        Ok(names.last().map(|m| m.name().to_owned()))
    }

    /// `"postgresql"` or `"sqlite"`, for health output and logs.
    pub fn backend_name(&self) -> &'static str {
        match self.backend() {
            DbBackend::Postgres => "postgresql",
            DbBackend::Sqlite => "sqlite",
            _ => "mysql",
        }
    }

    /// The underlying connection, for adapters that share the pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}
