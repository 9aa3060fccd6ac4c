//! Checks of an incoming SOAP request: envelope, query wrappers and the signed WS-Security token.
//!
//! The token is read independently of the client code, as the LSP would: a `signedData` element
//! in `wsse:Security`, covered by an XML signature of the trusted signing certificate, whose
//! message id, addressee, time window, trigger event and patient must match the query.

use hl7v3::dom::Node;
use hl7v3::query::{ReceivedQuery, parse_query, trigger_event};
use hl7v3::xml::HL7_NS;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Namespace of SOAP 1.1 envelopes.
pub(crate) const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const TOKEN_NS: &str = "http://www.aortarelease.nl/805/";
/// Allowed difference between the client's and the server's clocks.
const CLOCK_SKEW: time::Duration = time::Duration::seconds(60);

/// Why a request is rejected; becomes the `faultstring` of a `soap:Client` fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Rejection {
    /// Not a SOAP 1.1 envelope with one interaction in the body.
    #[error("invalid SOAP envelope: {0}")]
    Envelope(String),
    /// The interaction is not a valid query.
    #[error("invalid query: {0}")]
    Query(String),
    /// The WS-Security header or its signature is missing or invalid.
    #[error("invalid security header: {0}")]
    Security(String),
}

fn element<'a, 'i>(node: Node<'a, 'i>, namespace: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name((namespace, name)))
}

/// Checks the request text and returns the query it carries.
pub(crate) fn check_request(
    xml: &str,
    trusted_signer_pem: &str,
    now: OffsetDateTime,
) -> Result<ReceivedQuery, Rejection> {
    let doc = hl7v3::read::parse(xml).map_err(|e| Rejection::Envelope(e.to_string()))?;
    let envelope = doc.root_element();
    if !envelope.has_tag_name((SOAP_NS, "Envelope")) {
        return Err(Rejection::Envelope(
            "root is not a SOAP 1.1 Envelope".to_owned(),
        ));
    }
    let body = element(envelope, SOAP_NS, "Body")
        .ok_or_else(|| Rejection::Envelope("no Body".to_owned()))?;
    let mut payload = body.children().filter(Node::is_element);
    let (Some(interaction), None) = (payload.next(), payload.next()) else {
        return Err(Rejection::Envelope(
            "the Body must hold exactly one element".to_owned(),
        ));
    };
    if interaction.tag_name().namespace() != Some(HL7_NS) {
        return Err(Rejection::Envelope(
            "the Body element is not HL7v3".to_owned(),
        ));
    }
    let query = parse_query(interaction).map_err(|e| Rejection::Query(e.to_string()))?;
    let expected_trigger = trigger_event(query.interaction);
    if query.trigger_event.as_deref() != Some(expected_trigger.as_str()) {
        return Err(Rejection::Query(format!(
            "ControlActProcess code must be {expected_trigger}"
        )));
    }

    let security = element(envelope, SOAP_NS, "Header")
        .and_then(|header| element(header, WSSE_NS, "Security"))
        .ok_or_else(|| Rejection::Security("no wsse:Security header".to_owned()))?;
    let mut tokens = security
        .children()
        .filter(|n| n.has_tag_name((TOKEN_NS, "signedData")));
    let (Some(token), None) = (tokens.next(), tokens.next()) else {
        return Err(Rejection::Security(
            "expected exactly one signedData token".to_owned(),
        ));
    };
    let verified =
        xmldsig::verify(xml, trusted_signer_pem).map_err(|e| Rejection::Security(e.to_string()))?;
    let token_ids = token
        .attributes()
        .filter(|a| xmldsig::is_id_attribute(a.namespace(), a.name()))
        .map(|a| a.value());
    if !verified.covers_any_id(token_ids) {
        return Err(Rejection::Security(
            "the signature does not cover the token".to_owned(),
        ));
    }
    check_token(token, &query, &expected_trigger, now)?;
    Ok(query)
}

fn check_token(
    token: Node<'_, '_>,
    query: &ReceivedQuery,
    expected_trigger: &str,
    now: OffsetDateTime,
) -> Result<(), Rejection> {
    let field = |path: &[&str]| {
        path.iter()
            .try_fold(token, |node, name| element(node, TOKEN_NS, name))
            .ok_or_else(|| Rejection::Security(format!("token has no {}", path.join("/"))))
    };
    let mismatch =
        |what: &str| Rejection::Security(format!("token {what} does not match the query"));

    let message_id = field(&["authenticationData", "messageId"])?;
    if message_id.attribute("root") != Some(query.message_id.root.as_str())
        || message_id.attribute("extension") != query.message_id.extension.as_deref()
    {
        return Err(mismatch("messageId"));
    }
    let addressed = field(&["authenticationData", "addressedParty"])?;
    if addressed.attribute("extension") != Some(query.receiver_app_id.as_str()) {
        return Err(mismatch("addressedParty"));
    }
    let time_of = |name: &str| -> Result<OffsetDateTime, Rejection> {
        let text = field(&["authenticationData", name])?
            .text()
            .unwrap_or_default()
            .trim();
        OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| Rejection::Security(format!("token {name} is not an xs:dateTime")))
    };
    let (not_before, not_after) = (time_of("notBefore")?, time_of("notAfter")?);
    if now + CLOCK_SKEW < not_before || now - CLOCK_SKEW > not_after {
        return Err(Rejection::Security(
            "token is outside its validity window".to_owned(),
        ));
    }
    let trigger = field(&["coSignedData", "triggerEventId"])?;
    if trigger.text().map(str::trim) != Some(expected_trigger) {
        return Err(mismatch("triggerEventId"));
    }
    let patient = field(&["coSignedData", "patientId"])?;
    if patient.attribute("root") != Some(hl7v3::read::BSN_ROOT)
        || patient.attribute("extension") != Some(query.bsn.as_str())
    {
        return Err(mismatch("patientId"));
    }
    Ok(())
}
