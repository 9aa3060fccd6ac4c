//! The services the FHIR resource server needs from the rest of lspplus: token lookup, audit trail,
//! practice directory and the LSP. The gateway wires the store and the AORTA client in behind them.

use common::Bsn;
use futures::future::BoxFuture;
use hl7v3::Interaction;
use time::{Date, OffsetDateTime};

/// The grant behind an access token, as stored at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    /// The patient the token was issued for; the only source of the patient in a FHIR request.
    pub bsn: Bsn,
    /// The zorgaanbieder's MedMij-naam, e.g. `huisartsenpraktijk-delinde@medmij`.
    pub zorgaanbieder: String,
    /// The gegevensdienst ids the patient consented to, e.g. `49`.
    pub gegevensdiensten: Vec<String>,
    /// The PGO's MedMij client_id (OCL hostname).
    pub client_id: String,
    /// The moment the token stops being valid.
    pub expires_at: OffsetDateTime,
}

/// The GP system of a practice, as the LSP addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HisTarget {
    /// The AORTA application id of the GP system, e.g. `4001`.
    pub app_id: String,
    /// The practice name sent in the query's receiver.
    pub name: String,
}

/// A practice (zorgaanbieder) that lspplus serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// The MedMij-naam, e.g. `huisartsenpraktijk-delinde@medmij`.
    pub naam: String,
    /// The GP system behind the practice.
    pub his: HisTarget,
    /// The gegevensdiensten the practice offers, e.g. `49` and `51`.
    pub gegevensdiensten: Vec<String>,
    /// The day the practice started online access; earlier consultations stay hidden.
    pub online_access_start: Option<Date>,
}

/// One access to a patient's data, for the NEN 7513 audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// When the data was served.
    pub at: OffsetDateTime,
    /// The PGO that requested the data (MedMij client_id).
    pub client_id: String,
    /// The practice whose record was read.
    pub zorgaanbieder: String,
    /// The gegevensdienst id of the request.
    pub gegevensdienst: String,
    /// The patient; the store keeps it encrypted.
    pub bsn: Bsn,
    /// The access, e.g. `EpisodeOfCare?` or `Binary/abc` (never contains a BSN).
    pub action: String,
    /// The HTTP status returned to the PGO.
    pub status: u16,
    /// The number of resources returned.
    pub resource_count: usize,
    /// The PGO's `MedMij-Request-ID` header, when sent.
    pub request_id: Option<String>,
    /// The `X-Correlation-ID` header, when sent.
    pub correlation_id: Option<String>,
}

/// A failure of the token store, audit store or practice directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PortError(pub String);

/// An LSP (AORTA) failure, one variant per outcome that the FHIR response distinguishes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LspError {
    /// The LSP or GP system returned an error code, e.g. `NOSTORE`, `RTUDEST`, `AUTERR_SWV_FALSE`.
    #[error("the LSP returned error code {0}")]
    Code(String),
    /// The GP system has no data for the patient (`queryResponseCode NF`).
    #[error("the GP system has no data for the patient")]
    NotFound,
    /// No response arrived within the configured timeout.
    #[error("the LSP did not answer in time")]
    Timeout,
    /// The circuit breaker for this GP system is open after repeated failures.
    #[error("the GP system is temporarily not called after repeated failures")]
    CircuitOpen,
    /// The response concerns another patient or another query, so it is never served.
    #[error("the LSP answer does not belong to the query: {0}")]
    Mismatch(String),
    /// A transport, HTTP, SOAP or parse failure.
    #[error("the LSP call failed: {0}")]
    Failed(String),
}

impl LspError {
    /// Returns the short label used in metrics and logs, e.g. `NOSTORE` or `timeout`.
    pub fn label(&self) -> &str {
        match self {
            Self::Code(code) => code,
            Self::NotFound => "NF",
            Self::Timeout => "timeout",
            Self::CircuitOpen => "circuit_open",
            Self::Mismatch(_) => "mismatch",
            Self::Failed(_) => "failed",
        }
    }
}

/// Looks up access tokens by the SHA-256 hash of the token text.
pub trait TokenLookup: Send + Sync {
    /// Returns the grant of the token whose hash is `token_hash`, or `None` when unknown or revoked.
    fn access_token<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenGrant>, PortError>>;
}

/// Writes audit events.
pub trait AuditLog: Send + Sync {
    /// Stores one event; data is served only after this succeeds.
    fn record(&self, event: AuditEvent) -> BoxFuture<'_, Result<(), PortError>>;
}

/// Finds the practices lspplus serves.
pub trait PracticeDirectory: Send + Sync {
    /// Returns the practice with MedMij-naam `naam` (with or without the `@medmij` suffix).
    fn practice<'a>(&'a self, naam: &'a str) -> BoxFuture<'a, Result<Option<Practice>, PortError>>;
}

/// Sends Ketenzorg queries over the LSP.
pub trait Lsp: Send + Sync {
    /// Sends `interaction` for `bsn` to `his` and returns the verified answer XML.
    fn query<'a>(
        &'a self,
        his: &'a HisTarget,
        interaction: Interaction,
        bsn: &'a Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<String, LspError>>;

    /// Returns the connection's own metrics in OpenMetrics text, or nothing.
    fn metrics_text(&self) -> String {
        String::new()
    }
}
