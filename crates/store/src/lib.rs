//! Persistence behind one trait: SQLite and PostgreSQL.
//!
//! [`Store`] combines one trait per concern. Both backends run the same SQL (written for both
//! dialects) through macros in [`backend`], store times as microseconds since the Unix epoch, and
//! never read the clock: every time value comes from the caller. Secrets are stored as SHA-256 hashes
//! and BSNs encrypted with AES-256-GCM.

#![forbid(unsafe_code)]

#[macro_use]
mod backend;
mod crypto;
mod model;
pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use common::Bsn;
use medmij::lists::ListKind;
use time::OffsetDateTime;

pub use crypto::BsnCipher;
pub use model::{
    AccessTokenRecord, AuditEvent, AuditKind, AuditQuery, AuthSession, CodeRecord, Consent,
    NewCode, NewConsent, NewRefreshToken, NewTokens, Provider, ProviderStatus, Redemption,
    RefreshTokenRecord, StoredAuditEvent, StoredList,
};

/// An error from a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database returned an error or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A value with a unique key (code, token, session) already exists.
    #[error("a record with this key already exists")]
    Duplicate,
    /// The BSN key is not 32 bytes written as 64 hexadecimal characters.
    #[error("the BSN encryption key must be 64 hexadecimal characters (32 bytes)")]
    InvalidKey,
    /// A stored BSN could not be decrypted (wrong key or altered data).
    #[error("a stored BSN could not be decrypted; check the configured key")]
    Crypto,
    /// A stored value could not be read back.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// A value does not fit the database type.
    #[error("value out of range: {0}")]
    OutOfRange(&'static str),
}

impl StoreError {
    /// Maps unique-key violations to [`StoreError::Duplicate`].
    pub(crate) fn from_insert(error: sqlx::Error) -> Self {
        match error.as_database_error() {
            Some(database) if database.is_unique_violation() => StoreError::Duplicate,
            _ => StoreError::Database(error),
        }
    }
}

/// The last good copy of each MedMij list.
#[async_trait]
pub trait ListStore {
    /// Stores a list copy if its Volgnummer is higher than the stored one (or none is stored);
    /// returns whether it was stored.
    async fn put_list(
        &self,
        kind: ListKind,
        volgnummer: u64,
        xml: &str,
        fetched_at: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Returns the stored copy of a list.
    async fn get_list(&self, kind: ListKind) -> Result<Option<StoredList>, StoreError>;
}

/// Server-side authorization sessions.
#[async_trait]
pub trait SessionStore {
    /// Inserts or replaces a session.
    async fn put_session(&self, session: &AuthSession) -> Result<(), StoreError>;

    /// Returns a session that has not expired at `now`.
    async fn get_session(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<AuthSession>, StoreError>;

    /// Deletes a session; returns whether it existed.
    async fn delete_session(&self, id: &str) -> Result<bool, StoreError>;

    /// Deletes sessions expired at `now`; returns how many.
    async fn purge_expired_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Consents, codes, access tokens and refresh tokens.
#[async_trait]
pub trait GrantStore {
    /// Records a consent and the code issued under it, in one transaction.
    async fn issue_code(&self, consent: &NewConsent, code: &NewCode)
    -> Result<Consent, StoreError>;

    /// Redeems a code in one transaction: the code is marked used and `tokens` stored only if it is
    /// unused, unexpired at `now`, issued to `client_id` for `redirect_uri`, and its consent is not
    /// revoked. Of concurrent presentations exactly one gets [`Redemption::Redeemed`]; a presentation
    /// of a redeemed code revokes the tokens issued from it.
    async fn redeem_code(
        &self,
        code_hash: &str,
        client_id: &str,
        redirect_uri: &str,
        tokens: &NewTokens,
        now: OffsetDateTime,
    ) -> Result<Redemption, StoreError>;

    /// Returns an access token by hash.
    async fn get_access_token(&self, hash: &str) -> Result<Option<AccessTokenRecord>, StoreError>;

    /// Returns a refresh token by hash.
    async fn get_refresh_token(&self, hash: &str)
    -> Result<Option<RefreshTokenRecord>, StoreError>;

    /// Stores an access token issued for a refresh token and marks the refresh token and its consent
    /// as used at `now`, in one transaction. Returns false (and stores nothing) when the refresh token
    /// is unknown or revoked, or its consent is revoked.
    async fn refresh(
        &self,
        refresh_hash: &str,
        access_hash: &str,
        access_expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Returns a consent by id.
    async fn get_consent(&self, id: i64) -> Result<Option<Consent>, StoreError>;

    /// Returns the consents of a person, newest first.
    async fn consents_for_bsn(&self, bsn: &Bsn) -> Result<Vec<Consent>, StoreError>;

    /// Revokes a consent and every token issued under it; returns false when it was unknown or
    /// already revoked.
    async fn revoke_consent(&self, id: i64, now: OffsetDateTime) -> Result<bool, StoreError>;

    /// Deletes codes and access tokens that expired before `before`; returns how many rows went.
    /// A code deleted this way can no longer be recognised as replayed, so pass a `before` well
    /// past the access-token lifetime (for example a day ago).
    async fn purge_expired_grants(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
}

/// The append-only audit trail.
#[async_trait]
pub trait AuditStore {
    /// Appends an event; returns its sequence number.
    async fn append_audit(&self, event: &AuditEvent) -> Result<i64, StoreError>;

    /// Returns events matching `query`, oldest first.
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<StoredAuditEvent>, StoreError>;
}

/// The zorgaanbieders served by this DVZA.
#[async_trait]
pub trait ProviderStore {
    /// Inserts or replaces a provider.
    async fn put_provider(&self, provider: &Provider) -> Result<(), StoreError>;

    /// Returns a provider by MedMij name.
    async fn get_provider(&self, naam: &str) -> Result<Option<Provider>, StoreError>;

    /// Returns all providers ordered by name.
    async fn list_providers(&self) -> Result<Vec<Provider>, StoreError>;
}

/// All persistence of the gateway.
#[async_trait]
pub trait Store:
    ListStore + SessionStore + GrantStore + AuditStore + ProviderStore + Send + Sync
{
    /// Returns the backend name (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;

    /// Checks that the database responds, for health checks.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Converts a time to microseconds since the Unix epoch, the stored form.
pub(crate) fn to_micros(value: OffsetDateTime) -> i64 {
    let micros = value.unix_timestamp_nanos() / 1000;
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

/// Converts stored microseconds back to a time.
pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .map_err(|_| StoreError::Corrupt(format!("time value {micros} out of range")))
}

/// Converts an optional stored time.
pub(crate) fn from_micros_opt(micros: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    micros.map(from_micros).transpose()
}

/// Writes gegevensdiensten as ascending ids separated by single spaces.
pub(crate) fn ids_to_text(
    ids: &std::collections::BTreeSet<medmij::lists::GegevensdienstId>,
) -> String {
    medmij::scope::granted_scope(ids)
}

/// Reads gegevensdiensten written by [`ids_to_text`].
pub(crate) fn ids_from_text(
    text: &str,
) -> std::collections::BTreeSet<medmij::lists::GegevensdienstId> {
    text.split(' ')
        .filter(|id| !id.is_empty())
        .map(medmij::lists::GegevensdienstId::from)
        .collect()
}
