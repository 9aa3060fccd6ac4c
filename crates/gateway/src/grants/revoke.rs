//! Consent revocation by token (RFC 7009): a PGO ends a consent by presenting one of its tokens.

use medmij::secret::hash;
use medmij::token::client_matches_certificate;
use store::AuditKind;
use time::OffsetDateTime;

use super::{GrantError, Grants, RequestIds, non_empty};

/// The outcome of a revocation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The token's consent and every token issued under it are revoked.
    Revoked,
    /// No token has this value, which RFC 7009 §2.2 treats as a successful request.
    UnknownToken,
    /// The token belongs to another client than the TLS certificate's, so nothing changed.
    OtherClient,
}

impl Grants {
    /// Revokes the consent behind a refresh or access token, when `client_names` (the dNSNames of
    /// the TLS client certificate) include the client the token was issued to.
    pub async fn revoke_by_token(
        &self,
        token: &str,
        client_names: &[String],
        ids: &RequestIds,
        now: OffsetDateTime,
    ) -> Result<Revocation, GrantError> {
        let token_hash = hash(token);
        let owner = match self.store.get_refresh_token(&token_hash).await? {
            Some(record) => Some((record.consent, record.client_id)),
            None => self
                .store
                .get_access_token(&token_hash)
                .await?
                .map(|record| (record.consent, record.client_id)),
        };
        let Some((consent, client_id)) = owner else {
            return Ok(Revocation::UnknownToken);
        };
        if !client_matches_certificate(&client_id, client_names) {
            return Ok(Revocation::OtherClient);
        }

        self.store.revoke_consent(consent.id, now).await?;
        let record = store::AuditEvent {
            at: now,
            kind: AuditKind::ConsentRevoked,
            client_id: Some(client_id),
            aanbieder: Some(consent.aanbieder.clone()),
            consent_id: Some(consent.id),
            bsn: None,
            correlation_id: non_empty(&ids.correlation_id),
            request_id: non_empty(&ids.medmij_request_id),
            detail: serde_json::json!({ "by": "client" }),
        };
        self.append(record, AuditKind::ConsentRevoked).await;
        Ok(Revocation::Revoked)
    }
}
