//! The SQL shared by both backends, expanded per backend by macros.
//!
//! The statements use `$N` placeholders, which both PostgreSQL and sqlx's SQLite driver accept, and
//! only types both databases share (BIGINT/INTEGER, TEXT, BYTEA/BLOB). Flags are timestamps
//! (`used_at`, `revoked_at`), so no boolean type is needed.

#[macro_use]
mod helpers;
#[macro_use]
mod lists;
#[macro_use]
mod sessions;
#[macro_use]
mod grants;
#[macro_use]
mod audit;
#[macro_use]
mod providers;

/// Implements every store trait for a backend struct with fields `pool` and `cipher`.
macro_rules! impl_store_backend {
    ($store:ty, $db:ty, $conn:ty, $row:ty) => {
        impl_helpers!($store, $conn, $row);
        impl_list_store!($store);
        impl_session_store!($store);
        impl_grant_store!($store, $conn);
        impl_audit_store!($store, $row);
        impl_provider_store!($store, $row);
    };
}
