//! Tampering and signature wrapping are rejected.

use xmldsig::{XmlSigError, verify};

use crate::keys::signer;
use crate::roundtrip::{SAML_NS, signed_assertion, signed_envelope};

#[test]
fn tampered_assertion_rejected() {
    let signed = signed_assertion().replace("999911120", "111222333");
    let error = verify(&signed, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn tampered_body_rejected() {
    let signed = signed_envelope().replace(r#"extension="42""#, r#"extension="43""#);
    let error = verify(&signed, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn tampered_signed_info_rejected() {
    let signed = signed_envelope().replace(r##"URI="#body""##, r##"URI="#body" Id="x""##);
    let error = verify(&signed, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn tampered_signed_header_rejected() {
    let signed = crate::roundtrip::signed_envelope_with_timestamp();
    assert!(verify(&signed, &signer().cert_pem).is_ok());
    let tampered = signed.replace("2026-12-04T21:00:00Z", "2026-12-04T22:00:00Z");
    let error = verify(&tampered, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn moved_body_id_rejected() {
    // Moving the signed body ID onto the header must fail, because the digest then covers the
    // header instead of the body.
    let signed = signed_envelope();
    let moved = signed
        .replace(r#"wsu:Id="body""#, "")
        .replace("<soap:Header>", r#"<soap:Header wsu:Id="body">"#);
    let error = verify(&moved, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Invalid(_)), "{error:?}");
}

#[test]
fn duplicate_id_wrapping_rejected() {
    // Classic wrapping: keep the signed assertion and add a forged one with the same ID.
    let signed = signed_assertion();
    let forged = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"><saml:Issuer>https://digid.localhost</saml:Issuer><saml:Subject><saml:NameID>s00000000:111222333</saml:NameID></saml:Subject></saml:Assertion>"#;
    let wrapped = signed.replacen("<saml:Assertion", &format!("{forged}<saml:Assertion"), 1);
    let error = verify(&wrapped, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::DuplicateId(_)), "{error:?}");
}

#[test]
fn moved_signed_element_not_covering_read_element() {
    // Wrapping without a duplicate ID: the genuine signed assertion is hidden in an extension
    // element and a forged assertion without an ID takes its place. Verification passes, but the
    // element the reader picks is not covered.
    let signed = signed_assertion();
    let start = signed.find("<saml:Assertion").unwrap();
    let end = signed.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let genuine = &signed[start..end];
    let forged = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0"><saml:Issuer>https://digid.localhost</saml:Issuer><saml:Subject><saml:NameID>s00000000:111222333</saml:NameID></saml:Subject></saml:Assertion>"#;
    let wrapped = format!(
        "{}{forged}<samlp:Extensions>{genuine}</samlp:Extensions>{}",
        &signed[..start],
        &signed[end..]
    );

    let verified = verify(&wrapped, &signer().cert_pem).unwrap();
    let doc = roxmltree::Document::parse(&wrapped).unwrap();
    let first_assertion = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name((SAML_NS, "Assertion")))
        .unwrap();
    assert!(!verified.covers(first_assertion));
}

#[test]
fn signature_method_downgrade_rejected() {
    let signed = signed_assertion().replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    let error = verify(&signed, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Profile(_)), "{error:?}");
}

#[test]
fn whole_document_reference_rejected() {
    let signed = signed_assertion().replace(r##"URI="#_a1""##, r#"URI="""#);
    let error = verify(&signed, &signer().cert_pem).unwrap_err();
    assert!(matches!(error, XmlSigError::Profile(_)), "{error:?}");
}
