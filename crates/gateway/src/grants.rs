//! Consents, codes, tokens and audit events: the gateway's rules on top of the store.

use std::collections::BTreeSet;
use std::sync::Arc;

use common::Bsn;
use medmij::error::{ErrorDescription, OAuthError, OAuthFailure};
use medmij::lifecycle::{
    CodeGrant, ConsentDuration, RefreshGrant, RefreshIssue, access_token_expires_at, check_code,
    check_refresh, refresh_issue,
};
use medmij::lists::{GegevensdienstId, ListKind};
use medmij::secret::{Secret, hash};
use medmij::token::TokenResponse;
use store::{AuditKind, NewCode, NewConsent, NewRefreshToken, NewTokens, Redemption, Store};
use time::OffsetDateTime;

mod revoke;

pub use revoke::Revocation;

use crate::front::session::Session;
use crate::state::App;

/// The MedMij ids of one back-channel request (empty when not sent).
#[derive(Debug, Clone, Default)]
pub struct RequestIds {
    /// `MedMij-Request-ID`.
    pub medmij_request_id: String,
    /// `X-Correlation-ID`.
    pub correlation_id: String,
}

/// A consent given on the consent screen, with the code to issue under it.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// SHA-256 hex of the code.
    pub code_hash: String,
    /// The person.
    pub bsn: Bsn,
    /// The PGO.
    pub client_id: String,
    /// The redirect URI of the authorization request.
    pub redirect_uri: String,
    /// MedMij-naam of the practice.
    pub practice: String,
    /// GegevensdienstIds consented to.
    pub gegevensdiensten: Vec<String>,
    /// One-off or indefinite.
    pub duration: ConsentDuration,
    /// `X-Correlation-ID` of the flow.
    pub correlation_id: String,
}

/// A front-channel audit event before it gets its time.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    kind: AuditKind,
    client_id: String,
    aanbieder: String,
    bsn: Option<Bsn>,
    correlation_id: String,
    request_id: String,
    detail: serde_json::Value,
}

impl AuditEvent {
    /// A refusal in the front channel: the availability check failed or the person declined.
    pub fn refusal(session: &Session, bsn: Option<&Bsn>, reason: &str) -> AuditEvent {
        let kind = if reason == "consent-refused" {
            AuditKind::ConsentRefused
        } else {
            AuditKind::AvailabilityRefused
        };
        AuditEvent {
            kind,
            client_id: session.request.client_id.clone(),
            aanbieder: session.request.practice.clone(),
            bsn: bsn.cloned(),
            correlation_id: session.request.correlation_id.clone(),
            request_id: session.request.request_id.clone(),
            detail: serde_json::json!({ "reason": reason }),
        }
    }
}

/// A grant the store could not record.
#[derive(Debug, thiserror::Error)]
#[error("storing the consent failed: {0}")]
pub struct GrantError(#[from] store::StoreError);

/// The grant rules on top of a store.
#[derive(Clone)]
pub struct Grants {
    store: Arc<dyn Store>,
    /// How long a token redemption may wait for the store.
    deadline: std::time::Duration,
}

impl std::fmt::Debug for Grants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grants")
            .field("backend", &self.store.backend())
            .finish()
    }
}

fn ids(values: &[String]) -> BTreeSet<GegevensdienstId> {
    values
        .iter()
        .map(|id| GegevensdienstId::new(id.clone()))
        .collect()
}

/// Logs a passed store deadline and returns the failure that becomes 503 with `Retry-After`.
fn deadline_passed(deadline: std::time::Duration, request: &RequestIds) -> OAuthFailure {
    tracing::warn!(
        deadline_ms = deadline.as_millis(),
        correlation_id = %request.correlation_id,
        medmij_request_id = %request.medmij_request_id,
        "the store passed the token deadline; the redemption was rolled back"
    );
    OAuthFailure::new(
        OAuthError::TemporarilyUnavailable,
        ErrorDescription::InternalError,
    )
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

impl Grants {
    /// Wraps a store, with a token redemption deadline of 3 seconds.
    pub fn new(store: Arc<dyn Store>) -> Grants {
        Grants {
            store,
            deadline: std::time::Duration::from_secs(3),
        }
    }

    /// Sets how long a code or refresh token redemption may wait for the store.
    #[must_use]
    pub fn with_deadline(self, deadline: std::time::Duration) -> Grants {
        Grants { deadline, ..self }
    }

    /// The store, for the FHIR and admin modules.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Appends an audit event; a failure is logged, because the person's flow must go on.
    pub async fn audit(&self, event: AuditEvent, now: OffsetDateTime) {
        let kind = event.kind;
        let record = store::AuditEvent {
            at: now,
            kind: event.kind,
            client_id: non_empty(&event.client_id),
            aanbieder: non_empty(&event.aanbieder),
            consent_id: None,
            bsn: event.bsn,
            correlation_id: non_empty(&event.correlation_id),
            request_id: non_empty(&event.request_id),
            detail: event.detail,
        };
        self.append(record, kind).await;
    }

    async fn append(&self, record: store::AuditEvent, kind: AuditKind) {
        if let Err(error) = self.store.append_audit(&record).await {
            tracing::error!(%error, kind = kind.as_str(), "writing an audit event failed");
        }
    }

    /// Records the consent and its code in one transaction, then the audit event.
    pub async fn consent_and_code(
        &self,
        grant: &NewGrant,
        code_lifetime: time::Duration,
        now: OffsetDateTime,
    ) -> Result<(), GrantError> {
        let consent = NewConsent {
            client_id: grant.client_id.clone(),
            aanbieder: grant.practice.clone(),
            gegevensdiensten: ids(&grant.gegevensdiensten),
            bsn: grant.bsn.clone(),
            duration: grant.duration,
            correlation_id: non_empty(&grant.correlation_id),
            given_at: now,
        };
        let code = NewCode {
            hash: grant.code_hash.clone(),
            redirect_uri: grant.redirect_uri.clone(),
            issued_at: now,
            expires_at: now + code_lifetime,
        };
        let stored = self.store.issue_code(&consent, &code).await?;
        let record = store::AuditEvent {
            at: now,
            kind: AuditKind::ConsentGiven,
            client_id: Some(grant.client_id.clone()),
            aanbieder: Some(grant.practice.clone()),
            consent_id: Some(stored.id),
            bsn: Some(grant.bsn.clone()),
            correlation_id: non_empty(&grant.correlation_id),
            request_id: None,
            detail: serde_json::json!({
                "duration": grant.duration.as_str(),
                "gegevensdiensten": grant.gegevensdiensten,
            }),
        };
        self.append(record, AuditKind::ConsentGiven).await;
        Ok(())
    }

    /// Exchanges a code for tokens (RFC 6749 §4.1.3), revoking earlier tokens on a replay.
    pub async fn redeem_code(
        &self,
        app: &App,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        request: &RequestIds,
        now: OffsetDateTime,
    ) -> Result<TokenResponse, OAuthFailure> {
        let access = Secret::generate();
        let refresh = Secret::generate();
        let code_hash = hash(code);
        // The consent duration is known only once the code is redeemed, so a refresh token is
        // always stored and handed out only when `refresh_issue` allows it. A refresh token under a
        // one-off consent is never redeemable, because `check_refresh` rejects one-off consents.
        let tokens = NewTokens {
            access_hash: access.hash(),
            access_expires_at: access_token_expires_at(now, &app.lifetimes),
            refresh: Some(NewRefreshToken {
                hash: refresh.hash(),
                placeholder: false,
            }),
        };
        let redeem = self
            .store
            .redeem_code(&code_hash, client_id, redirect_uri, &tokens, now);
        // Dropping the store call at the deadline rolls its transaction back, so the code stays
        // unused. NOTE: a deadline that passes during the COMMIT itself may still leave it redeemed.
        let redemption = tokio::time::timeout(self.deadline, redeem)
            .await
            .map_err(|_| deadline_passed(self.deadline, request))?
            .map_err(|error| {
                tracing::error!(%error, "redeeming a code failed in the store");
                OAuthFailure::new(
                    OAuthError::TemporarilyUnavailable,
                    ErrorDescription::InternalError,
                )
            })?;
        let invalid_grant = |description| OAuthFailure::new(OAuthError::InvalidGrant, description);
        match redemption {
            Redemption::Redeemed { code, consent } => {
                let record = store::AuditEvent {
                    at: now,
                    kind: AuditKind::TokenIssued,
                    client_id: Some(client_id.to_owned()),
                    aanbieder: Some(consent.aanbieder.clone()),
                    consent_id: Some(consent.id),
                    bsn: Some(consent.bsn.clone()),
                    correlation_id: code.correlation_id.clone(),
                    request_id: non_empty(&request.medmij_request_id),
                    detail: serde_json::json!({ "grant_type": "authorization_code" }),
                };
                self.append(record, AuditKind::TokenIssued).await;
                let issue = refresh_issue(
                    consent.duration,
                    app.token_options.placeholder_refresh_for_one_off,
                );
                let refresh_token = (issue != RefreshIssue::None).then(|| refresh.as_str());
                TokenResponse::new(
                    access.as_str(),
                    app.lifetimes.access_token,
                    &code.gegevensdiensten,
                    refresh_token,
                )
            }
            Redemption::Replayed {
                code,
                revoked_tokens,
            } => {
                let since = code.used_at.map(|used| (now - used).whole_seconds());
                tracing::warn!(
                    client_id,
                    correlation_id = %request.correlation_id,
                    medmij_request_id = %request.medmij_request_id,
                    seconds_since_redemption = ?since,
                    revoked_tokens,
                    "redeemed code presented again; tokens issued from it are revoked"
                );
                let record = store::AuditEvent {
                    at: now,
                    kind: AuditKind::CodeReplayed,
                    client_id: Some(client_id.to_owned()),
                    aanbieder: None,
                    consent_id: Some(code.consent_id),
                    bsn: None,
                    correlation_id: code.correlation_id.clone(),
                    request_id: non_empty(&request.medmij_request_id),
                    detail: serde_json::json!({ "revoked_tokens": revoked_tokens }),
                };
                self.append(record, AuditKind::CodeReplayed).await;
                Err(invalid_grant(ErrorDescription::CodeAlreadyUsed))
            }
            Redemption::Rejected {
                code,
                consent_revoked,
            } => {
                if consent_revoked {
                    return Err(invalid_grant(ErrorDescription::ConsentRevoked));
                }
                let grant = CodeGrant {
                    issued_at: code.issued_at,
                    used_at: code.used_at,
                    client_id: &code.client_id,
                    redirect_uri: &code.redirect_uri,
                };
                Err(
                    check_code(&grant, client_id, redirect_uri, now, &app.lifetimes)
                        .err()
                        .map_or(invalid_grant(ErrorDescription::InvalidCode), |rejection| {
                            rejection.failure
                        }),
                )
            }
            Redemption::Unknown => Err(invalid_grant(ErrorDescription::InvalidCode)),
        }
    }

    /// Issues a new access token for a refresh token (RFC 6749 §6). Refresh tokens do not rotate.
    pub async fn refresh(
        &self,
        app: &App,
        refresh_token: &str,
        client_id: &str,
        request: &RequestIds,
        now: OffsetDateTime,
    ) -> Result<TokenResponse, OAuthFailure> {
        let invalid_grant = |description| OAuthFailure::new(OAuthError::InvalidGrant, description);
        let unavailable = |error: store::StoreError| {
            tracing::error!(%error, "refresh failed in the store");
            OAuthFailure::new(
                OAuthError::TemporarilyUnavailable,
                ErrorDescription::InternalError,
            )
        };
        let refresh_hash = hash(refresh_token);
        let Some(record) = self
            .store
            .get_refresh_token(&refresh_hash)
            .await
            .map_err(unavailable)?
        else {
            return Err(invalid_grant(ErrorDescription::InvalidRefreshToken));
        };
        let grant = RefreshGrant {
            client_id: &record.client_id,
            consent: record.consent.duration,
            placeholder: record.placeholder,
            last_used_at: record.last_used_at,
            revoked: record.revoked_at.is_some() || record.consent.revoked_at.is_some(),
        };
        check_refresh(&grant, client_id, now, &app.lifetimes)?;
        let access = Secret::generate();
        let access_hash = access.hash();
        let refresh = self.store.refresh(
            &refresh_hash,
            &access_hash,
            access_token_expires_at(now, &app.lifetimes),
            now,
        );
        let stored = tokio::time::timeout(self.deadline, refresh)
            .await
            .map_err(|_| deadline_passed(self.deadline, request))?
            .map_err(unavailable)?;
        if !stored {
            return Err(invalid_grant(ErrorDescription::InvalidRefreshToken));
        }
        let audit = store::AuditEvent {
            at: now,
            kind: AuditKind::TokenRefreshed,
            client_id: Some(client_id.to_owned()),
            aanbieder: Some(record.consent.aanbieder.clone()),
            consent_id: Some(record.consent.id),
            bsn: Some(record.consent.bsn.clone()),
            correlation_id: non_empty(&request.correlation_id),
            request_id: non_empty(&request.medmij_request_id),
            detail: serde_json::json!({ "grant_type": "refresh_token" }),
        };
        self.append(audit, AuditKind::TokenRefreshed).await;
        TokenResponse::new(
            access.as_str(),
            app.lifetimes.access_token,
            &record.consent.gegevensdiensten,
            Some(refresh_token),
        )
    }

    /// Returns the stored list copies, for the refresher's start.
    pub async fn load_lists(&self) -> Vec<(ListKind, String, OffsetDateTime)> {
        let mut lists = Vec::new();
        for kind in ListKind::ALL {
            match self.store.get_list(kind).await {
                Ok(Some(stored)) => lists.push((kind, stored.xml, stored.fetched_at)),
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(list = kind.as_str(), %error, "reading the stored list failed");
                }
            }
        }
        lists
    }

    /// Stores a newly accepted list copy.
    pub async fn save_list(&self, kind: ListKind, volgnummer: u64, xml: &str, now: OffsetDateTime) {
        if let Err(error) = self.store.put_list(kind, volgnummer, xml, now).await {
            tracing::warn!(list = kind.as_str(), %error, "storing the list copy failed");
        }
    }
}
