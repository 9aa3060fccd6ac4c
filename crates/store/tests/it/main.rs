#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The store test suite, run against SQLite and PostgreSQL.

mod backends;
mod fixtures;
mod suite;
