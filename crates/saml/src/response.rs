//! The checks on an ArtifactResponse, its Response and its Assertion.

use common::Bsn;
use roxmltree::Node;
use time::OffsetDateTime;

use crate::sp::ServiceProvider;
use crate::xml::{attribute, children, only_child, optional_child, parse, parse_time, text};
use crate::{
    AssuranceLevel, BSN_SECTOR_PREFIX, SAML_NS, SAMLP_NS, STATUS_AUTHN_FAILED, STATUS_SUCCESS,
    SamlError,
};

/// The result of a successful DigiD login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The authenticated person.
    pub bsn: Bsn,
    /// The assurance level the identity provider reported.
    pub level: AssuranceLevel,
    /// The identity provider's session index, needed for single logout.
    pub session_index: Option<String>,
    /// End of the assertion's validity.
    pub not_on_or_after: OffsetDateTime,
}

/// `Method` of a bearer subject confirmation.
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

pub(crate) fn check_artifact_response(
    sp: &ServiceProvider,
    xml: &str,
    expected_request_id: &str,
    resolve_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<Assertion, SamlError> {
    let doc = parse(xml)?;
    let verified = xmldsig::verify(xml, &sp.idp_cert_pem)?;

    let artifact_response = crate::soap::body_element(&doc)?;
    if !artifact_response.has_tag_name((SAMLP_NS, "ArtifactResponse")) {
        return Err(SamlError::Malformed(format!(
            "expected ArtifactResponse, got {}",
            artifact_response.tag_name().name()
        )));
    }
    check_issuer(artifact_response, &sp.idp_entity_id)?;
    check_status(artifact_response)?;
    if let Some(resolve_id) = resolve_id {
        check_in_response_to(artifact_response, resolve_id)?;
    }

    let response = optional_child(artifact_response, SAMLP_NS, "Response")?.ok_or_else(|| {
        SamlError::Artifact("the identity provider returned no Response for it".to_owned())
    })?;
    check_issuer(response, &sp.idp_entity_id)?;
    check_in_response_to(response, expected_request_id)?;
    if let Some(destination) = response.attribute("Destination")
        && destination != sp.acs_url.as_str()
    {
        return Err(SamlError::WrongParty(format!(
            "Destination {destination:?}"
        )));
    }
    let issued = parse_time(attribute(response, "IssueInstant")?, "IssueInstant")?;
    if issued > now + sp.clock_skew {
        return Err(SamlError::Expired(format!(
            "Response issued in the future at {issued}"
        )));
    }
    check_status(response)?;

    if optional_child(response, SAML_NS, "EncryptedAssertion")?.is_some() {
        return Err(SamlError::Malformed(
            "encrypted assertions are not supported".to_owned(),
        ));
    }
    let assertion = only_child(response, SAML_NS, "Assertion")?;
    let signed = [assertion, response, artifact_response]
        .into_iter()
        .any(|node| verified.covers(node));
    if !signed {
        return Err(SamlError::Signature(
            "no signature covers the assertion that was read".to_owned(),
        ));
    }
    check_assertion(sp, assertion, expected_request_id, now)
}

fn check_assertion(
    sp: &ServiceProvider,
    assertion: Node<'_, '_>,
    expected_request_id: &str,
    now: OffsetDateTime,
) -> Result<Assertion, SamlError> {
    check_issuer(assertion, &sp.idp_entity_id)?;

    let conditions = only_child(assertion, SAML_NS, "Conditions")?;
    let not_before = parse_time(attribute(conditions, "NotBefore")?, "NotBefore")?;
    let not_on_or_after = parse_time(attribute(conditions, "NotOnOrAfter")?, "NotOnOrAfter")?;
    if now + sp.clock_skew < not_before {
        return Err(SamlError::Expired(format!(
            "assertion not valid before {not_before}"
        )));
    }
    if now - sp.clock_skew >= not_on_or_after {
        return Err(SamlError::Expired(format!(
            "assertion expired at {not_on_or_after}"
        )));
    }
    let restrictions: Vec<Node<'_, '_>> =
        children(conditions, SAML_NS, "AudienceRestriction").collect();
    if restrictions.is_empty() {
        return Err(SamlError::WrongParty(
            "the assertion has no AudienceRestriction".to_owned(),
        ));
    }
    for restriction in restrictions {
        let ours = children(restriction, SAML_NS, "Audience")
            .any(|audience| audience.text().map(str::trim) == Some(sp.entity_id.as_str()));
        if !ours {
            return Err(SamlError::WrongParty(format!(
                "Audience is not {:?}",
                sp.entity_id
            )));
        }
    }

    let subject = only_child(assertion, SAML_NS, "Subject")?;
    check_subject_confirmation(sp, subject, expected_request_id, now)?;
    let bsn = bsn_from_name_id(text(only_child(subject, SAML_NS, "NameID")?)?)?;

    let statement = only_child(assertion, SAML_NS, "AuthnStatement")?;
    let class = text(only_child(
        only_child(statement, SAML_NS, "AuthnContext")?,
        SAML_NS,
        "AuthnContextClassRef",
    )?)?;
    let level = sp
        .classes
        .level(class)
        .ok_or_else(|| SamlError::LevelTooLow(format!("unknown authentication context {class}")))?;
    if level < sp.level {
        return Err(SamlError::LevelTooLow(format!(
            "{level:?} is below the required {:?}",
            sp.level
        )));
    }

    Ok(Assertion {
        bsn,
        level,
        session_index: statement.attribute("SessionIndex").map(str::to_owned),
        not_on_or_after,
    })
}

/// Requires one bearer confirmation for our request, addressed to our ACS and not expired.
fn check_subject_confirmation(
    sp: &ServiceProvider,
    subject: Node<'_, '_>,
    expected_request_id: &str,
    now: OffsetDateTime,
) -> Result<(), SamlError> {
    let mut last_error = SamlError::Malformed("the subject has no bearer confirmation".to_owned());
    for confirmation in children(subject, SAML_NS, "SubjectConfirmation") {
        if confirmation.attribute("Method") != Some(BEARER) {
            continue;
        }
        let result =
            only_child(confirmation, SAML_NS, "SubjectConfirmationData").and_then(|data| {
                check_in_response_to(data, expected_request_id)?;
                let recipient = attribute(data, "Recipient")?;
                if recipient != sp.acs_url.as_str() {
                    return Err(SamlError::WrongParty(format!("Recipient {recipient:?}")));
                }
                let until = parse_time(attribute(data, "NotOnOrAfter")?, "NotOnOrAfter")?;
                if now - sp.clock_skew >= until {
                    return Err(SamlError::Expired(format!(
                        "subject confirmation expired at {until}"
                    )));
                }
                Ok(())
            });
        match result {
            Ok(()) => return Ok(()),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// Reads the BSN from DigiD's `s00000000:<bsn>` NameID.
pub(crate) fn bsn_from_name_id(name_id: &str) -> Result<Bsn, SamlError> {
    let digits = name_id.strip_prefix(BSN_SECTOR_PREFIX).ok_or_else(|| {
        SamlError::NameId(format!(
            "the NameID lacks the sector prefix {BSN_SECTOR_PREFIX}"
        ))
    })?;
    Bsn::parse(digits).map_err(|e| SamlError::NameId(e.to_string()))
}

fn check_issuer(node: Node<'_, '_>, expected: &str) -> Result<(), SamlError> {
    let issuer = text(only_child(node, SAML_NS, "Issuer")?)?;
    if issuer != expected {
        return Err(SamlError::UnknownIssuer(issuer.to_owned()));
    }
    Ok(())
}

fn check_in_response_to(node: Node<'_, '_>, expected: &str) -> Result<(), SamlError> {
    let found = node.attribute("InResponseTo").unwrap_or_default();
    if found != expected {
        return Err(SamlError::WrongInResponseTo {
            expected: expected.to_owned(),
            found: found.to_owned(),
        });
    }
    Ok(())
}

/// Fails unless the top-level status is Success; `AuthnFailed` becomes [`SamlError::AuthnFailed`].
fn check_status(node: Node<'_, '_>) -> Result<(), SamlError> {
    let status = only_child(node, SAMLP_NS, "Status")?;
    let top = only_child(status, SAMLP_NS, "StatusCode")?;
    let code = attribute(top, "Value")?;
    if code == STATUS_SUCCESS {
        return Ok(());
    }
    let second = optional_child(top, SAMLP_NS, "StatusCode")?
        .and_then(|n| n.attribute("Value"))
        .unwrap_or_default();
    let message = optional_child(status, SAMLP_NS, "StatusMessage")?
        .and_then(|n| n.text())
        .unwrap_or_default()
        .trim()
        .to_owned();
    if second == STATUS_AUTHN_FAILED {
        return Err(SamlError::AuthnFailed(message));
    }
    Err(SamlError::Status {
        code: format!("{code} {second}").trim().to_owned(),
        message,
    })
}
