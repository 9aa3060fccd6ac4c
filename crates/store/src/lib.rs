//! Persistence behind one trait: SQLite and PostgreSQL.

#![forbid(unsafe_code)]
