//! Runs every suite test on an in-memory SQLite, a SQLite file and a fresh PostgreSQL schema.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use store::postgres::PostgresStore;
use store::sqlite::{SqliteLocation, SqliteStore};
use store::{BsnCipher, Store};

/// PostgreSQL server used by the tests: 127.0.0.1:5432 with trust authentication, database `test`.
const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn cipher() -> BsnCipher {
    BsnCipher::new(&[42u8; 32])
}

pub async fn with_sqlite_memory<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let store = SqliteStore::open(SqliteLocation::InMemory, cipher())
        .await
        .unwrap();
    test(Arc::new(store)).await;
}

pub async fn with_sqlite_file<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = SqliteStore::open(SqliteLocation::File(&path), cipher())
        .await
        .unwrap();
    test(Arc::new(store)).await;
}

/// Creates a uniquely named schema, runs the test, and drops the schema even when the test fails.
/// Without a reachable server the test fails under `CI=true` and is skipped otherwise.
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let schema = format!(
        "store_test_{}",
        medmij::secret::hash(medmij::secret::Secret::generate().as_str())[..16].to_owned()
    );
    let store = match PostgresStore::connect_in_schema(POSTGRES_URL, &schema, cipher()).await {
        Ok(store) => store,
        Err(error) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("PostgreSQL at {POSTGRES_URL} not usable ({error}): skipping");
            return;
        }
        Err(error) => panic!("PostgreSQL at {POSTGRES_URL} not usable: {error}"),
    };
    let outcome = AssertUnwindSafe(test(Arc::new(store.clone())))
        .catch_unwind()
        .await;
    store.close().await;
    drop_schema(&schema).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn drop_schema(schema: &str) {
    let pool = sqlx::PgPool::connect(POSTGRES_URL).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// Declares one test per backend for each suite function.
macro_rules! on_all_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite_memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::backends::with_sqlite_memory(crate::suite::$name).await;
                }
            )*
        }
        mod sqlite_file {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::backends::with_sqlite_file(crate::suite::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::backends::with_postgres(crate::suite::$name).await;
                }
            )*
        }
    };
}

on_all_backends!(
    lists_keep_highest_volgnummer,
    sessions_round_trip_and_expire,
    code_redeemed_once,
    concurrent_redemption_has_one_winner,
    code_rejections_change_nothing,
    refresh_and_revocation,
    audit_trail_append_only,
    providers_round_trip,
    duplicate_token_hash_rejected,
    expired_grants_purged,
);

#[tokio::test]
async fn sqlite_file_holds_no_plain_bsn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = SqliteStore::open(SqliteLocation::File(&path), cipher())
        .await
        .unwrap();
    crate::suite::write_bsn_everywhere(&store).await;
    drop(store);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes
                .windows(9)
                .any(|window| window == crate::fixtures::BSN.as_bytes())
        );
    }
}

#[tokio::test]
async fn postgres_holds_no_plain_bsn() {
    let schema = format!(
        "store_test_{}",
        &medmij::secret::Secret::generate().hash()[..16]
    );
    let Ok(store) = PostgresStore::connect_in_schema(POSTGRES_URL, &schema, cipher()).await else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "PostgreSQL not usable"
        );
        return;
    };
    crate::suite::write_bsn_everywhere(&store).await;
    store.close().await;
    let pool = sqlx::PgPool::connect(POSTGRES_URL).await.unwrap();
    let mut counts = Vec::new();
    for table in ["consents", "auth_sessions", "audit_events"] {
        let sql = format!(
            "SELECT count(*) FROM {schema}.{table} t WHERE position('{}' in t::text) > 0",
            crate::fixtures::BSN
        );
        let with_bsn: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&pool)
            .await
            .unwrap();
        let sql = format!("SELECT count(*) FROM {schema}.{table}");
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&pool)
            .await
            .unwrap();
        counts.push((table, with_bsn, rows));
    }
    pool.close().await;
    drop_schema(&schema).await;
    for (table, with_bsn, rows) in counts {
        assert_eq!(with_bsn, 0, "plain BSN found in {table}");
        assert!(rows > 0, "{table} is empty, so the check proves nothing");
    }
}

#[tokio::test]
async fn sqlite_rejects_audit_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = SqliteStore::open(SqliteLocation::File(&path), cipher())
        .await
        .unwrap();
    crate::suite::write_bsn_everywhere(&store).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(
        sqlx::query("UPDATE audit_events SET kind = 'x'")
            .execute(&pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_events")
            .execute(&pool)
            .await
            .is_err()
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn postgres_rejects_audit_changes() {
    let schema = format!(
        "store_test_{}",
        &medmij::secret::Secret::generate().hash()[..16]
    );
    let Ok(store) = PostgresStore::connect_in_schema(POSTGRES_URL, &schema, cipher()).await else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "PostgreSQL not usable"
        );
        return;
    };
    crate::suite::write_bsn_everywhere(&store).await;
    store.close().await;
    let pool = sqlx::PgPool::connect(POSTGRES_URL).await.unwrap();
    let table = format!("{schema}.audit_events");
    let update = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET kind = 'x'"
    )))
    .execute(&pool)
    .await;
    let delete = sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
        .execute(&pool)
        .await;
    let truncate = sqlx::query(sqlx::AssertSqlSafe(format!("TRUNCATE {table}")))
        .execute(&pool)
        .await;
    pool.close().await;
    drop_schema(&schema).await;
    assert!(update.is_err());
    assert!(delete.is_err());
    assert!(truncate.is_err());
}
