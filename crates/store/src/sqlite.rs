//! The SQLite backend: an embedded database file, or an in-memory database for tests.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{BsnCipher, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// The location of the SQLite database.
#[derive(Debug, Clone)]
pub enum SqliteLocation<'a> {
    /// A database file, created when missing.
    File(&'a Path),
    /// A private in-memory database that lives as long as the store.
    InMemory,
}

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    pub(crate) cipher: BsnCipher,
}

impl SqliteStore {
    /// Opens (and migrates) a database.
    ///
    /// A file database uses WAL journaling and waits up to 5 s for a competing writer. An in-memory
    /// database uses a single connection that is never closed, because each SQLite connection to
    /// `:memory:` would otherwise see its own empty database.
    pub async fn open(location: SqliteLocation<'_>, cipher: BsnCipher) -> Result<Self, StoreError> {
        let (options, pool_options) = match location {
            SqliteLocation::File(path) => (
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal),
                SqlitePoolOptions::new().max_connections(4),
            ),
            SqliteLocation::InMemory => (
                SqliteConnectOptions::from_str("sqlite::memory:")?,
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None),
            ),
        };
        let options = options
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = pool_options.connect_with(options).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool, cipher })
    }
}

impl_store_backend!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::SqliteConnection,
    sqlx::sqlite::SqliteRow
);

#[async_trait::async_trait]
impl crate::Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
