//! The identity provider side, as pure functions for the DigiD simulator: check the AuthnRequest,
//! build the signed Response, and build the ArtifactResponse from the [`ArtifactStore`].

use common::Bsn;
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::artifact::ArtifactStore;
use crate::redirect::verify_query;
use crate::soap::{body_element, envelope};
use crate::sp::HTTP_ARTIFACT_BINDING;
use crate::xml::{
    attribute, escape, format_time, new_id, only_child, optional_child, parse, parse_time, text,
};
use crate::{
    AssuranceLevel, AuthnContextClasses, BSN_SECTOR_PREFIX, SAML_NS, SAMLP_NS, STATUS_AUTHN_FAILED,
    STATUS_RESPONDER, STATUS_SUCCESS, SamlError, SigningIdentity,
};

/// A service provider registered at the identity provider.
#[derive(Debug, Clone)]
pub struct RegisteredSp {
    /// Its entity ID (the Issuer of its requests).
    pub entity_id: String,
    /// Its Assertion Consumer Service.
    pub acs_url: Url,
    /// Its signing certificate (PEM), for the redirect and ArtifactResolve signatures.
    pub cert_pem: String,
}

/// The configuration of the identity provider.
#[derive(Debug, Clone)]
pub struct IdentityProvider {
    /// Our entity ID, sent as Issuer.
    pub entity_id: String,
    /// Our single sign-on endpoint, expected as the AuthnRequest Destination.
    pub sso_url: Url,
    /// Our artifact resolution endpoint.
    pub resolve_url: Url,
    /// Key and certificate that sign responses.
    pub identity: SigningIdentity,
    /// The service providers allowed to log in.
    pub service_providers: Vec<RegisteredSp>,
    /// The URNs that stand for each level.
    pub classes: AuthnContextClasses,
    /// How long an assertion stays valid after issue.
    pub assertion_lifetime: Duration,
    /// Maximum age of an AuthnRequest or ArtifactResolve, which is also the allowed clock difference.
    pub clock_skew: Duration,
}

/// An AuthnRequest whose signature and addressing were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequestInfo {
    /// The request ID, copied into `InResponseTo`.
    pub id: String,
    /// The requesting service provider.
    pub sp_entity_id: String,
    /// The ACS URL the browser returns to.
    pub acs_url: Url,
    /// Opaque state of the service provider, returned unchanged.
    pub relay_state: Option<String>,
    /// The minimum level requested, when the request named a known one.
    pub requested_level: Option<AssuranceLevel>,
}

/// The SOAP ArtifactResponse to send back, and why no Response is inside it, if so.
#[derive(Debug)]
pub struct ArtifactResolution {
    /// The signed SOAP envelope.
    pub soap_xml: String,
    /// The reason the artifact did not resolve (unknown, replayed, expired, other SP).
    pub artifact_error: Option<SamlError>,
}

impl IdentityProvider {
    fn registered(&self, entity_id: &str) -> Result<&RegisteredSp, SamlError> {
        self.service_providers
            .iter()
            .find(|sp| sp.entity_id == entity_id)
            .ok_or_else(|| SamlError::UnknownIssuer(entity_id.to_owned()))
    }

    fn check_fresh(&self, instant: &str, now: OffsetDateTime) -> Result<(), SamlError> {
        let issued = parse_time(instant, "IssueInstant")?;
        if issued > now + self.clock_skew || issued < now - self.clock_skew {
            return Err(SamlError::Expired(format!(
                "IssueInstant {instant} at {now}"
            )));
        }
        Ok(())
    }

    /// Checks a redirect-binding AuthnRequest from the raw query string of the SSO request.
    pub fn parse_authn_request(
        &self,
        raw_query: &str,
        now: OffsetDateTime,
    ) -> Result<AuthnRequestInfo, SamlError> {
        // The Issuer is needed to pick the certificate, so the message is read before its
        // signature is checked; nothing from it is used until verify_query succeeds.
        let unverified = crate::redirect::inflate_unverified(raw_query)?;
        let sp_entity_id = {
            let doc = parse(&unverified)?;
            text(only_child(doc.root_element(), SAML_NS, "Issuer")?)?.to_owned()
        };
        let sp = self.registered(&sp_entity_id)?;
        let message = verify_query(raw_query, &sp.cert_pem)?;

        let doc = parse(&message.xml)?;
        let request = doc.root_element();
        if !request.has_tag_name((SAMLP_NS, "AuthnRequest")) {
            return Err(SamlError::Malformed(
                "the message is not an AuthnRequest".to_owned(),
            ));
        }
        if attribute(request, "Version")? != "2.0" {
            return Err(SamlError::Malformed("Version is not 2.0".to_owned()));
        }
        if text(only_child(request, SAML_NS, "Issuer")?)? != sp.entity_id {
            return Err(SamlError::UnknownIssuer(sp_entity_id));
        }
        let destination = attribute(request, "Destination")?;
        if destination != self.sso_url.as_str() {
            return Err(SamlError::WrongParty(format!(
                "Destination {destination:?}"
            )));
        }
        self.check_fresh(attribute(request, "IssueInstant")?, now)?;
        if let Some(acs) = request.attribute("AssertionConsumerServiceURL")
            && acs != sp.acs_url.as_str()
        {
            return Err(SamlError::WrongParty(format!(
                "AssertionConsumerServiceURL {acs:?} is not registered"
            )));
        }
        if let Some(binding) = request.attribute("ProtocolBinding")
            && binding != HTTP_ARTIFACT_BINDING
        {
            return Err(SamlError::Malformed(format!("ProtocolBinding {binding:?}")));
        }
        let requested_level = optional_child(request, SAMLP_NS, "RequestedAuthnContext")?
            .and_then(|context| {
                optional_child(context, SAML_NS, "AuthnContextClassRef")
                    .ok()
                    .flatten()
            })
            .and_then(|class| class.text())
            .and_then(|class| self.classes.level(class.trim()));

        Ok(AuthnRequestInfo {
            id: attribute(request, "ID")?.to_owned(),
            sp_entity_id: sp.entity_id.clone(),
            acs_url: sp.acs_url.clone(),
            relay_state: message.relay_state,
            requested_level,
        })
    }

    /// Builds a Response with a signed Assertion for `bsn` at `level`.
    pub fn success_response(
        &self,
        request: &AuthnRequestInfo,
        bsn: &Bsn,
        level: AssuranceLevel,
        now: OffsetDateTime,
    ) -> Result<String, SamlError> {
        let response_id = new_id();
        let assertion_id = new_id();
        let instant = format_time(now);
        let until = format_time(now + self.assertion_lifetime);
        let acs = escape(request.acs_url.as_str());
        let assertion = format!(
            concat!(
                r#"<saml:Assertion xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{instant}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer><saml:Subject>"#,
                r#"<saml:NameID>{prefix}{bsn}</saml:NameID>"#,
                r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
                r#"<saml:SubjectConfirmationData InResponseTo="{request}" NotOnOrAfter="{until}" Recipient="{acs}"/>"#,
                r#"</saml:SubjectConfirmation></saml:Subject>"#,
                r#"<saml:Conditions NotBefore="{instant}" NotOnOrAfter="{until}"><saml:AudienceRestriction>"#,
                r#"<saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"#,
                r#"<saml:AuthnStatement AuthnInstant="{instant}" SessionIndex="{session}"><saml:AuthnContext>"#,
                r#"<saml:AuthnContextClassRef>{class}</saml:AuthnContextClassRef>"#,
                r#"</saml:AuthnContext></saml:AuthnStatement></saml:Assertion>"#
            ),
            saml = SAML_NS,
            id = assertion_id,
            instant = instant,
            issuer = escape(&self.entity_id),
            prefix = BSN_SECTOR_PREFIX,
            bsn = bsn.as_str(),
            request = escape(&request.id),
            until = until,
            acs = acs,
            audience = escape(&request.sp_entity_id),
            session = new_id(),
            class = escape(self.classes.urn(level)),
        );
        let assertion = sign_after_issuer(&assertion, &assertion_id, &self.identity)?;
        let status = format!(r#"<samlp:StatusCode Value="{STATUS_SUCCESS}"/>"#);
        Ok(self.response(request, &response_id, &instant, &status, &assertion))
    }

    /// Builds a Response without assertion with status Responder/AuthnFailed, for a cancelled or
    /// failed login.
    pub fn failure_response(
        &self,
        request: &AuthnRequestInfo,
        message: &str,
        now: OffsetDateTime,
    ) -> String {
        let status = format!(
            concat!(
                r#"<samlp:StatusCode Value="{responder}"><samlp:StatusCode Value="{failed}"/>"#,
                r#"</samlp:StatusCode><samlp:StatusMessage>{message}</samlp:StatusMessage>"#
            ),
            responder = STATUS_RESPONDER,
            failed = STATUS_AUTHN_FAILED,
            message = escape(message),
        );
        self.response(request, &new_id(), &format_time(now), &status, "")
    }

    fn response(
        &self,
        request: &AuthnRequestInfo,
        id: &str,
        instant: &str,
        status_codes: &str,
        assertion: &str,
    ) -> String {
        format!(
            concat!(
                r#"<samlp:Response xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
                r#"IssueInstant="{instant}" InResponseTo="{request}" Destination="{acs}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer><samlp:Status>{status}</samlp:Status>"#,
                r#"{assertion}</samlp:Response>"#
            ),
            samlp = SAMLP_NS,
            saml = SAML_NS,
            id = id,
            instant = instant,
            request = escape(&request.id),
            acs = escape(request.acs_url.as_str()),
            issuer = escape(&self.entity_id),
            status = status_codes,
            assertion = assertion,
        )
    }

    /// Returns the ACS URL with `SAMLart` and, when the request had one, `RelayState`.
    pub fn acs_redirect(request: &AuthnRequestInfo, artifact: &str) -> Url {
        let mut url = request.acs_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("SAMLart", artifact);
            if let Some(relay_state) = &request.relay_state {
                query.append_pair("RelayState", relay_state);
            }
        }
        url
    }

    /// Answers a SOAP ArtifactResolve: checks its signature against the requesting service
    /// provider's certificate, takes the artifact from `store` (once), and returns the signed
    /// ArtifactResponse. An artifact that does not resolve yields an ArtifactResponse without
    /// Response, as the binding prescribes, with the reason in [`ArtifactResolution::artifact_error`].
    pub fn resolve(
        &self,
        soap_xml: &str,
        store: &ArtifactStore,
        now: OffsetDateTime,
    ) -> Result<ArtifactResolution, SamlError> {
        let doc = parse(soap_xml)?;
        let resolve = body_element(&doc)?;
        if !resolve.has_tag_name((SAMLP_NS, "ArtifactResolve")) {
            return Err(SamlError::Malformed(
                "the body is not an ArtifactResolve".to_owned(),
            ));
        }
        let sp_entity_id = text(only_child(resolve, SAML_NS, "Issuer")?)?;
        let sp = self.registered(sp_entity_id)?;
        let verified = xmldsig::verify(soap_xml, &sp.cert_pem)?;
        if !verified.covers(resolve) {
            return Err(SamlError::Signature(
                "the ArtifactResolve is not signed".to_owned(),
            ));
        }
        if let Some(destination) = resolve.attribute("Destination")
            && destination != self.resolve_url.as_str()
        {
            return Err(SamlError::WrongParty(format!(
                "Destination {destination:?}"
            )));
        }
        self.check_fresh(attribute(resolve, "IssueInstant")?, now)?;
        let resolve_id = attribute(resolve, "ID")?;
        let artifact = text(only_child(resolve, SAMLP_NS, "Artifact")?)?;

        let (message, artifact_error) = match store.take(artifact, &sp.entity_id, now) {
            Ok(response) => (response, None),
            Err(error) => (String::new(), Some(error)),
        };
        let id = new_id();
        let unsigned = format!(
            concat!(
                r#"<samlp:ArtifactResponse xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" "#,
                r#"Version="2.0" IssueInstant="{instant}" InResponseTo="{resolve}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer><samlp:Status>"#,
                r#"<samlp:StatusCode Value="{success}"/></samlp:Status>{message}</samlp:ArtifactResponse>"#
            ),
            samlp = SAMLP_NS,
            saml = SAML_NS,
            id = id,
            instant = format_time(now),
            resolve = escape(resolve_id),
            issuer = escape(&self.entity_id),
            success = STATUS_SUCCESS,
            message = message,
        );
        let signed = sign_after_issuer(&unsigned, &id, &self.identity)?;
        Ok(ArtifactResolution {
            soap_xml: envelope(&signed),
            artifact_error,
        })
    }
}

/// Signs the element with ID `id`, placing the signature after its `saml:Issuer` child.
pub(crate) fn sign_after_issuer(
    xml: &str,
    id: &str,
    identity: &SigningIdentity,
) -> Result<String, SamlError> {
    let placement = xmldsig::Placement::AfterChild {
        namespace: SAML_NS,
        local_name: "Issuer",
    };
    xmldsig::sign(xml, id, placement, identity.xml_key()).map_err(|e| SamlError::Key(e.to_string()))
}
