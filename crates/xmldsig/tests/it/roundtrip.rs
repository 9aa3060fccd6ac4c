//! Signatures made here verify, in each placement.

use xmldsig::{Placement, XmlSigError, sign, verify};

use crate::keys::{signer, stranger};

pub const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

pub const ASSERTION: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_resp1" Version="2.0"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"><saml:Issuer>https://digid.localhost</saml:Issuer><saml:Subject><saml:NameID>s00000000:999911120</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>"#;

pub const ENVELOPE: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1"/></soap:Header><soap:Body wsu:Id="body"><query xmlns="urn:hl7-org:v3"><id root="1.2.3" extension="42"/></query></soap:Body></soap:Envelope>"#;

pub fn signed_assertion() -> String {
    let placement = Placement::AfterChild {
        namespace: SAML_NS,
        local_name: "Issuer",
    };
    sign(ASSERTION, "_a1", placement, &signer().signing_key()).unwrap()
}

pub fn signed_envelope() -> String {
    let placement = Placement::LastChildOf {
        namespace: WSSE_NS,
        local_name: "Security",
    };
    sign(ENVELOPE, "body", placement, &signer().signing_key()).unwrap()
}

pub fn signed_envelope_with_timestamp() -> String {
    let timestamp = concat!(
        r#"<wsu:Timestamp wsu:Id="ts"><wsu:Created>2026-12-04T21:00:00Z</wsu:Created>"#,
        r#"<wsu:Expires>2026-12-04T21:05:00Z</wsu:Expires></wsu:Timestamp>"#
    );
    let envelope = ENVELOPE.replace(
        r#"soap:mustUnderstand="1"/>"#,
        &format!(r#"soap:mustUnderstand="1">{timestamp}</wsse:Security>"#),
    );
    let placement = Placement::LastChildOf {
        namespace: WSSE_NS,
        local_name: "Security",
    };
    xmldsig::sign_references(
        &envelope,
        &["body", "ts"],
        placement,
        &signer().signing_key(),
    )
    .unwrap()
}

#[test]
fn one_signature_over_body_and_timestamp() {
    let signed = signed_envelope_with_timestamp();
    assert_eq!(signed.matches("<ds:Reference ").count(), 2);
    let verified = verify(&signed, &signer().cert_pem).unwrap();
    assert_eq!(
        verified.signed_ids().collect::<Vec<_>>(),
        vec!["body", "ts"]
    );
}

#[test]
fn enveloped_after_issuer_verifies() {
    let signed = signed_assertion();
    let issuer_end = signed.find("</saml:Issuer>").unwrap();
    let signature_start = signed.find("<ds:Signature").unwrap();
    assert_eq!(signature_start, issuer_end + "</saml:Issuer>".len());

    let verified = verify(&signed, &signer().cert_pem).unwrap();
    assert_eq!(verified.signed_ids().collect::<Vec<_>>(), vec!["_a1"]);

    let doc = roxmltree::Document::parse(&signed).unwrap();
    let assertion = doc
        .descendants()
        .find(|n| n.has_tag_name((SAML_NS, "Assertion")))
        .unwrap();
    assert!(verified.covers(assertion));
    assert!(!verified.covers(doc.root_element()));
}

#[test]
fn first_child_placement_verifies() {
    let signed = sign(
        ASSERTION,
        "_resp1",
        Placement::FirstChild,
        &signer().signing_key(),
    )
    .unwrap();
    assert!(signed.contains(r#"Version="2.0"><ds:Signature"#));
    let verified = verify(&signed, &signer().cert_pem).unwrap();
    assert_eq!(verified.signed_ids().collect::<Vec<_>>(), vec!["_resp1"]);
}

#[test]
fn detached_header_signature_over_body_verifies() {
    let signed = signed_envelope();
    assert!(signed.contains("</ds:Signature></wsse:Security>"));
    assert!(!signed.contains("enveloped-signature"));

    let verified = verify(&signed, &signer().cert_pem).unwrap();
    let doc = roxmltree::Document::parse(&signed).unwrap();
    let body = doc
        .descendants()
        .find(|n| n.tag_name().name() == "Body")
        .unwrap();
    assert!(verified.covers(body));
}

#[test]
fn nested_signatures_both_verify() {
    let inner = signed_assertion();
    let outer = sign(
        &inner,
        "_resp1",
        Placement::FirstChild,
        &signer().signing_key(),
    )
    .unwrap();
    let verified = verify(&outer, &signer().cert_pem).unwrap();
    assert_eq!(
        verified.signed_ids().collect::<Vec<_>>(),
        vec!["_a1", "_resp1"]
    );
}

#[test]
fn untrusted_key_rejected() {
    let signed = signed_assertion();
    let error = verify(&signed, &stranger().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn unsigned_document_rejected() {
    let error = verify(ASSERTION, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::NotSigned), "{error:?}");
}

#[test]
fn unknown_reference_id_rejected_when_signing() {
    let error = sign(
        ASSERTION,
        "_nope",
        Placement::FirstChild,
        &signer().signing_key(),
    )
    .unwrap_err();
    assert!(matches!(error, XmlSigError::IdNotFound(_)), "{error:?}");
}

#[test]
fn doctype_rejected() {
    let signed = signed_assertion();
    let with_dtd = format!("<!DOCTYPE x [<!ENTITY e \"x\">]>{signed}");
    let error = verify(&with_dtd, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Xml(_)), "{error:?}");
}
