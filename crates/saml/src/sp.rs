//! The service provider: the signed AuthnRequest redirect, the signed ArtifactResolve, and the
//! checks on the ArtifactResponse.

use time::{Duration, OffsetDateTime};
use url::Url;

use crate::redirect::signed_query;
use crate::response::check_artifact_response;
use crate::soap::envelope;
use crate::xml::{escape, format_time, new_id};
use crate::{
    Assertion, AssuranceLevel, AuthnContextClasses, SAML_NS, SAMLP_NS, SamlError, SigningIdentity,
};

/// Largest RelayState the binding allows, in bytes.
pub const MAX_RELAY_STATE_BYTES: usize = 80;

/// `ProtocolBinding` of the artifact binding, requested for the response.
pub const HTTP_ARTIFACT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";

/// The configuration of this side of the DigiD connection.
#[derive(Debug, Clone)]
pub struct ServiceProvider {
    /// Our entity ID, sent as Issuer and expected as Audience.
    pub entity_id: String,
    /// Our Assertion Consumer Service, where the browser returns with `SAMLart`.
    pub acs_url: Url,
    /// Key and certificate that sign the AuthnRequest and the ArtifactResolve.
    pub identity: SigningIdentity,
    /// Entity ID of the identity provider, expected as Issuer.
    pub idp_entity_id: String,
    /// The identity provider's single sign-on endpoint (redirect binding).
    pub idp_sso_url: Url,
    /// The identity provider's artifact resolution endpoint (SOAP over mutual TLS).
    pub idp_resolve_url: Url,
    /// The identity provider's signing certificate (PEM); the only key trusted for responses.
    pub idp_cert_pem: String,
    /// The minimum assurance level requested and accepted.
    pub level: AssuranceLevel,
    /// The URNs that stand for each level.
    pub classes: AuthnContextClasses,
    /// Allowed difference between our clock and the identity provider's.
    pub clock_skew: Duration,
}

/// A signed ArtifactResolve and its message ID, which the ArtifactResponse must answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactResolveRequest {
    /// The message ID.
    pub id: String,
    /// The SOAP envelope to POST.
    pub xml: String,
}

impl ServiceProvider {
    /// Builds the URL that sends the browser to the identity provider with a signed AuthnRequest,
    /// and returns it with the request ID that the response must carry in `InResponseTo`.
    pub fn authn_request_redirect(
        &self,
        relay_state: &str,
        now: OffsetDateTime,
    ) -> Result<(Url, String), SamlError> {
        if relay_state.len() > MAX_RELAY_STATE_BYTES {
            return Err(SamlError::Malformed(format!(
                "RelayState has {} bytes, at most {MAX_RELAY_STATE_BYTES} are allowed",
                relay_state.len()
            )));
        }
        let id = new_id();
        let xml = self.authn_request_xml(&id, now);
        let query = signed_query(&xml, relay_state, &self.identity)?;
        let mut url = self.idp_sso_url.clone();
        let query = match url.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
            _ => query,
        };
        url.set_query(Some(&query));
        Ok((url, id))
    }

    /// Returns the unsigned AuthnRequest element.
    fn authn_request_xml(&self, id: &str, now: OffsetDateTime) -> String {
        format!(
            concat!(
                r#"<samlp:AuthnRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
                r#"IssueInstant="{instant}" Destination="{destination}" "#,
                r#"AssertionConsumerServiceURL="{acs}" ProtocolBinding="{binding}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer>"#,
                r#"<samlp:RequestedAuthnContext Comparison="minimum">"#,
                r#"<saml:AuthnContextClassRef>{class}</saml:AuthnContextClassRef>"#,
                r#"</samlp:RequestedAuthnContext></samlp:AuthnRequest>"#
            ),
            samlp = SAMLP_NS,
            saml = SAML_NS,
            id = id,
            instant = format_time(now),
            destination = escape(self.idp_sso_url.as_str()),
            acs = escape(self.acs_url.as_str()),
            binding = HTTP_ARTIFACT_BINDING,
            issuer = escape(&self.entity_id),
            class = escape(self.classes.urn(self.level)),
        )
    }

    /// Builds the signed SOAP ArtifactResolve for `artifact`, after checking that the artifact
    /// names our identity provider.
    pub fn artifact_resolve(
        &self,
        artifact: &str,
        now: OffsetDateTime,
    ) -> Result<ArtifactResolveRequest, SamlError> {
        let parsed = crate::artifact::parse_artifact(artifact)?;
        if parsed.source_id != crate::artifact::source_id(&self.idp_entity_id) {
            return Err(SamlError::Artifact(
                "SourceID does not belong to the configured identity provider".to_owned(),
            ));
        }
        let id = new_id();
        let unsigned = format!(
            concat!(
                r#"<samlp:ArtifactResolve xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" "#,
                r#"Version="2.0" IssueInstant="{instant}" Destination="{destination}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer><samlp:Artifact>{artifact}</samlp:Artifact>"#,
                r#"</samlp:ArtifactResolve>"#
            ),
            samlp = SAMLP_NS,
            saml = SAML_NS,
            id = id,
            instant = format_time(now),
            destination = escape(self.idp_resolve_url.as_str()),
            issuer = escape(&self.entity_id),
            artifact = escape(artifact.trim()),
        );
        let signed = crate::idp::sign_after_issuer(&unsigned, &id, &self.identity)?;
        Ok(ArtifactResolveRequest {
            id,
            xml: envelope(&signed),
        })
    }

    /// Checks an ArtifactResponse (SOAP envelope or bare element) and returns the assertion.
    ///
    /// Checked: every signature against the identity provider's certificate and that one covers the
    /// assertion that is read, Issuer, Status, `InResponseTo` = `expected_request_id`, Destination
    /// and Recipient = our ACS, Audience = our entity ID, the validity window at `now` (with
    /// [`Self::clock_skew`]), the assurance level, and the BSN in the NameID.
    pub fn parse_artifact_response(
        &self,
        xml: &str,
        expected_request_id: &str,
        now: OffsetDateTime,
    ) -> Result<Assertion, SamlError> {
        check_artifact_response(self, xml, expected_request_id, None, now)
    }

    /// Like [`Self::parse_artifact_response`], and also checks that the ArtifactResponse answers
    /// the ArtifactResolve with ID `resolve_id`.
    pub fn parse_artifact_response_to(
        &self,
        xml: &str,
        resolve_id: &str,
        expected_request_id: &str,
        now: OffsetDateTime,
    ) -> Result<Assertion, SamlError> {
        check_artifact_response(self, xml, expected_request_id, Some(resolve_id), now)
    }
}
