//! Fresh, migrated stores: a temporary SQLite file, or a PostgreSQL database
//! named after a random UUID that is dropped afterwards.
#![allow(clippy::expect_used)]

use harmony_adapters_sql::SqlStore;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tempfile::TempDir;

/// A migrated store on a new SQLite file; keep the `TempDir` alive.
pub async fn sqlite_store() -> (SqlStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("harmony.db").display());
    let store = SqlStore::connect(&url).await.expect("connect sqlite");
    store.migrate().await.expect("migrate sqlite");
    (store, dir)
}

/// A migrated store on its own PostgreSQL database.
pub struct PgDb {
    pub store: SqlStore,
    admin: DatabaseConnection,
    name: String,
}

/// `None` (with a note) unless `HARMONY_TEST_DATABASE_URL` is set.
pub async fn pg_store() -> Option<PgDb> {
    let Ok(url) = std::env::var("HARMONY_TEST_DATABASE_URL") else {
        eprintln!("HARMONY_TEST_DATABASE_URL is not set; skipping the PostgreSQL test");
        return None;
    };
    let admin = Database::connect(&url)
        .await
        .expect("connect to the admin database");
    let name = format!("h_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create db");
    let (base, query) = url
        .split_once('?')
        .map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    let db_url = match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    };
    let store = SqlStore::connect(&db_url).await.expect("connect postgres");
    store.migrate().await.expect("migrate postgres");
    Some(PgDb { store, admin, name })
}

impl PgDb {
    /// Closes the pool and drops the database.
    pub async fn drop_db(self) {
        self.store
            .connection()
            .clone()
            .close()
            .await
            .expect("close pool");
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        self.admin.execute_unprepared(&sql).await.expect("drop db");
    }
}
