//! The PostgreSQL backend, for production and for several gateway nodes sharing one database.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::{BsnCipher, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    pub(crate) cipher: BsnCipher,
}

impl PostgresStore {
    /// Connects to `url` (for example `postgres://user@127.0.0.1:5432/lspplus`) and migrates.
    pub async fn connect(url: &str, cipher: BsnCipher) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        Self::connect_with(options, cipher).await
    }

    /// Connects with every connection's `search_path` set to `schema`, which is created if missing;
    /// tables and migration bookkeeping then live in that schema.
    pub async fn connect_in_schema(
        url: &str,
        schema: &str,
        cipher: BsnCipher,
    ) -> Result<Self, StoreError> {
        if schema.is_empty()
            || !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(StoreError::Corrupt(format!(
                "schema name {schema:?} must be lowercase letters, digits and underscores"
            )));
        }
        let options = PgConnectOptions::from_str(url)?;
        let setup = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        // The name is checked above, so formatting it into the statement is safe.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&setup)
        .await?;
        setup.close().await;
        let options = options.options([("search_path", schema)]);
        Self::connect_with(options, cipher).await
    }

    async fn connect_with(
        options: PgConnectOptions,
        cipher: BsnCipher,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool, cipher })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl_store_backend!(
    PostgresStore,
    sqlx::Postgres,
    sqlx::PgConnection,
    sqlx::postgres::PgRow
);

#[async_trait::async_trait]
impl crate::Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
