//! The records the store keeps. Times are passed in by the caller and kept at microsecond precision.

use std::collections::BTreeSet;

use common::Bsn;
use medmij::authorize::ValidAuthorization;
use medmij::lifecycle::ConsentDuration;
use medmij::lists::{GegevensdienstId, ListKind};
use time::{Date, OffsetDateTime};

/// The last good copy of one MedMij list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredList {
    /// The list kind.
    pub kind: ListKind,
    /// Its Volgnummer.
    pub volgnummer: u64,
    /// The document as downloaded.
    pub xml: String,
    /// When the copy was downloaded and accepted.
    pub fetched_at: OffsetDateTime,
}

/// The server-side state of one authorization flow, keyed by a random session id.
///
/// The session id is a browser credential (cookie value); the store keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSession {
    /// The session id as handed to the browser.
    pub id: String,
    /// The validated authorization request, with state and correlation ids.
    pub request: ValidAuthorization,
    /// The CSRF token for the consent form.
    pub csrf_token: String,
    /// The ID of the SAML AuthnRequest sent to DigiD, to check `InResponseTo`.
    pub saml_request_id: Option<String>,
    /// The person's BSN once DigiD has returned it (encrypted at rest).
    pub bsn: Option<Bsn>,
    /// The step the flow has reached, as the gateway names it (for example `login` or `consent`).
    pub stage: String,
    /// When the session was created.
    pub created_at: OffsetDateTime,
    /// When the session stops being usable.
    pub expires_at: OffsetDateTime,
}

/// A consent to record when the person agrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    /// The client (OCL Hostname).
    pub client_id: String,
    /// The aanbieder's full MedMij name.
    pub aanbieder: String,
    /// The gegevensdiensten consented to.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// The person.
    pub bsn: Bsn,
    /// One-off or indefinite.
    pub duration: ConsentDuration,
    /// `X-Correlation-ID` of the flow.
    pub correlation_id: Option<String>,
    /// When the consent was given.
    pub given_at: OffsetDateTime,
}

/// A recorded consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Database id.
    pub id: i64,
    /// The client (OCL Hostname).
    pub client_id: String,
    /// The aanbieder's full MedMij name.
    pub aanbieder: String,
    /// The gegevensdiensten consented to.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// The person.
    pub bsn: Bsn,
    /// One-off or indefinite.
    pub duration: ConsentDuration,
    /// `X-Correlation-ID` of the flow that created it.
    pub correlation_id: Option<String>,
    /// When it was given.
    pub given_at: OffsetDateTime,
    /// The last code redemption or refresh under it.
    pub last_used_at: OffsetDateTime,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

/// An authorization code to store (by hash) with its consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    /// SHA-256 hex of the code.
    pub hash: String,
    /// The redirect URI of the authorization request, as received.
    pub redirect_uri: String,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// When it expires.
    pub expires_at: OffsetDateTime,
}

/// A stored authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// SHA-256 hex of the code.
    pub hash: String,
    /// The consent it was issued under.
    pub consent_id: i64,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URI of the authorization request.
    pub redirect_uri: String,
    /// The gegevensdiensten it grants.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// `X-Correlation-ID` of the flow.
    pub correlation_id: Option<String>,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// When it was redeemed.
    pub used_at: Option<OffsetDateTime>,
    /// Hash of the access token issued from it.
    pub access_token_hash: Option<String>,
    /// Hash of the refresh token issued from it.
    pub refresh_token_hash: Option<String>,
}

/// The tokens to store when a code or refresh token is redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTokens {
    /// SHA-256 hex of the access token.
    pub access_hash: String,
    /// When the access token expires.
    pub access_expires_at: OffsetDateTime,
    /// The refresh token, when one is issued.
    pub refresh: Option<NewRefreshToken>,
}

/// A refresh token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// SHA-256 hex of the refresh token.
    pub hash: String,
    /// Whether it is an unredeemable placeholder for a one-off consent.
    pub placeholder: bool,
}

/// The result of presenting a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// The code was valid; it is now used and the tokens are stored.
    Redeemed {
        /// The code, with `used_at` set.
        code: CodeRecord,
        /// Its consent.
        consent: Consent,
    },
    /// The code had been redeemed before; the tokens issued from it are now revoked.
    Replayed {
        /// The code.
        code: CodeRecord,
        /// How many tokens this presentation revoked.
        revoked_tokens: u64,
    },
    /// The code is unused but expired, for another client or redirect URI, or its consent is
    /// revoked; nothing changed. `medmij::lifecycle::check_code` names the reason.
    Rejected {
        /// The code.
        code: CodeRecord,
        /// Whether the consent behind the code is revoked.
        consent_revoked: bool,
    },
    /// No code with this hash exists.
    Unknown,
}

/// A stored access token with what the resource server needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenRecord {
    /// SHA-256 hex of the token.
    pub hash: String,
    /// The consent.
    pub consent: Consent,
    /// The client it was issued to.
    pub client_id: String,
    /// The gegevensdiensten it grants.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// `X-Correlation-ID` of the flow.
    pub correlation_id: Option<String>,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

/// A stored refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// SHA-256 hex of the token.
    pub hash: String,
    /// The consent.
    pub consent: Consent,
    /// The client it was issued to.
    pub client_id: String,
    /// Whether it is an unredeemable placeholder.
    pub placeholder: bool,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// Its last issue or successful use.
    pub last_used_at: OffsetDateTime,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

/// The kind of an audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    /// A valid authorization request arrived.
    AuthorizationRequested,
    /// DigiD returned a BSN.
    AuthenticationSucceeded,
    /// DigiD failed or was cancelled.
    AuthenticationFailed,
    /// The availability check (age, treatment relationship, data) failed.
    AvailabilityRefused,
    /// The person gave consent.
    ConsentGiven,
    /// The person refused consent.
    ConsentRefused,
    /// An access token (and maybe a refresh token) was issued for a code.
    TokenIssued,
    /// A redeemed code was presented again and its tokens were revoked.
    CodeReplayed,
    /// An access token was issued for a refresh token.
    TokenRefreshed,
    /// A consent was revoked.
    ConsentRevoked,
    /// Medical data was retrieved for the person (NEN 7513 access log).
    DataAccess,
}

impl AuditKind {
    /// All kinds.
    pub const ALL: [AuditKind; 11] = [
        AuditKind::AuthorizationRequested,
        AuditKind::AuthenticationSucceeded,
        AuditKind::AuthenticationFailed,
        AuditKind::AvailabilityRefused,
        AuditKind::ConsentGiven,
        AuditKind::ConsentRefused,
        AuditKind::TokenIssued,
        AuditKind::CodeReplayed,
        AuditKind::TokenRefreshed,
        AuditKind::ConsentRevoked,
        AuditKind::DataAccess,
    ];

    /// Returns the stable key stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::AuthorizationRequested => "authorization_requested",
            AuditKind::AuthenticationSucceeded => "authentication_succeeded",
            AuditKind::AuthenticationFailed => "authentication_failed",
            AuditKind::AvailabilityRefused => "availability_refused",
            AuditKind::ConsentGiven => "consent_given",
            AuditKind::ConsentRefused => "consent_refused",
            AuditKind::TokenIssued => "token_issued",
            AuditKind::CodeReplayed => "code_replayed",
            AuditKind::TokenRefreshed => "token_refreshed",
            AuditKind::ConsentRevoked => "consent_revoked",
            AuditKind::DataAccess => "data_access",
        }
    }

    /// Parses a key produced by [`AuditKind::as_str`].
    pub fn from_key(key: &str) -> Option<Self> {
        AuditKind::ALL.into_iter().find(|kind| kind.as_str() == key)
    }
}

/// One audit event. Events are append-only: the store offers no update or delete, and the
/// database rejects them with a trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// When it happened.
    pub at: OffsetDateTime,
    /// What happened.
    pub kind: AuditKind,
    /// The client involved.
    pub client_id: Option<String>,
    /// The aanbieder involved.
    pub aanbieder: Option<String>,
    /// The consent involved.
    pub consent_id: Option<i64>,
    /// The person involved (encrypted at rest, findable through the keyed lookup hash).
    pub bsn: Option<Bsn>,
    /// `X-Correlation-ID`.
    pub correlation_id: Option<String>,
    /// `MedMij-Request-ID`.
    pub request_id: Option<String>,
    /// Further facts, such as the FHIR search or the error code; never a secret or a BSN.
    pub detail: serde_json::Value,
}

/// A stored audit event with its sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAuditEvent {
    /// Ascending sequence number.
    pub id: i64,
    /// The event.
    pub event: AuditEvent,
}

/// A filter on audit events; every set field must match.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Events at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Events before this time.
    pub until: Option<OffsetDateTime>,
    /// Events about this person.
    pub bsn: Option<Bsn>,
    /// Events of this kind.
    pub kind: Option<AuditKind>,
    /// Maximum number of events (0 means 1000).
    pub limit: u32,
}

/// The review state of a provider's application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    /// Submitted, waiting for the operator.
    Pending,
    /// Approved and served.
    Approved,
    /// Rejected by the operator.
    Rejected,
    /// Temporarily not served.
    Suspended,
}

impl ProviderStatus {
    /// Returns the stable key stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderStatus::Pending => "pending",
            ProviderStatus::Approved => "approved",
            ProviderStatus::Rejected => "rejected",
            ProviderStatus::Suspended => "suspended",
        }
    }

    /// Parses a key produced by [`ProviderStatus::as_str`].
    pub fn from_key(key: &str) -> Option<Self> {
        [
            ProviderStatus::Pending,
            ProviderStatus::Approved,
            ProviderStatus::Rejected,
            ProviderStatus::Suspended,
        ]
        .into_iter()
        .find(|status| status.as_str() == key)
    }
}

/// A zorgaanbieder served by this DVZA.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// The MedMij name, `<naam>@medmij` (primary key).
    pub naam: String,
    /// The name shown to patients (NaamAanbieder).
    pub display_name: String,
    /// The URA number.
    pub ura: String,
    /// The AGB code, if known.
    pub agb: Option<String>,
    /// The AORTA application id of the provider's HIS.
    pub his_app_id: String,
    /// The gegevensdiensten offered.
    pub gegevensdiensten: BTreeSet<GegevensdienstId>,
    /// The date from which the practice offers online access (journal lines before it are hidden).
    pub online_access_start: Option<Date>,
    /// The review state.
    pub status: ProviderStatus,
    /// Further application data as the gateway defines it.
    pub details: serde_json::Value,
    /// When the record was created.
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    pub updated_at: OffsetDateTime,
}
