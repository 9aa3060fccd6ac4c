//! Cross-check with the xmlsec1 command-line tool (Debian package `xmlsec1`).
//!
//! Skipped when xmlsec1 is missing, except under `CI=true` where it must be installed.

use std::path::Path;
use std::process::Command;

use xmldsig::verify;

use crate::keys::signer;
use crate::roundtrip::{ASSERTION, SAML_NS, signed_assertion, signed_envelope};

/// The WS-Security timestamp element, in xmlsec1's `namespace:name` form.
const TIMESTAMP: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp";

fn xmlsec1_available() -> bool {
    let found = Command::new("xmlsec1").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "xmlsec1 is required under CI=true: apt-get install -y xmlsec1"
        );
        eprintln!("skipping: xmlsec1 is not installed");
    }
    found
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

fn xmlsec1_verifies(xml: &str, id_node: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "cert.pem", &signer().cert_pem);
    let file = write(dir.path(), "signed.xml", xml);
    Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem", &cert, "--id-attr:ID"])
        .arg(id_node)
        .args(["--id-attr:Id", "Body", "--id-attr:Id", TIMESTAMP])
        .args(["--enabled-reference-uris", "same-doc"])
        .arg(&file)
        .output()
        .unwrap()
}

#[test]
fn xmlsec1_verifies_our_enveloped_signature() {
    if !xmlsec1_available() {
        return;
    }
    let output = xmlsec1_verifies(
        &signed_assertion(),
        "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let tampered = signed_assertion().replace("999911120", "111222333");
    let output = xmlsec1_verifies(&tampered, "urn:oasis:names:tc:SAML:2.0:assertion:Assertion");
    assert!(!output.status.success());
}

#[test]
fn xmlsec1_verifies_our_detached_signature() {
    if !xmlsec1_available() {
        return;
    }
    let output = xmlsec1_verifies(
        &signed_envelope(),
        "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn xmlsec1_verifies_our_two_reference_signature() {
    if !xmlsec1_available() {
        return;
    }
    let signed = crate::roundtrip::signed_envelope_with_timestamp();
    let output = xmlsec1_verifies(&signed, "urn:oasis:names:tc:SAML:2.0:assertion:Assertion");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn we_verify_xmlsec1_signature() {
    if !xmlsec1_available() {
        return;
    }
    let template = ASSERTION.replace(
        "</saml:Issuer>",
        concat!(
            "</saml:Issuer>",
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#,
            r##"<ds:Reference URI="#_a1"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
            r#"<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>"#,
            r#"<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "key.pem", &signer().key_pem);
    let cert = write(dir.path(), "cert.pem", &signer().cert_pem);
    let file = write(dir.path(), "template.xml", &template);
    let output = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem"])
        .arg(format!("{key},{cert}"))
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let signed = String::from_utf8(output.stdout).unwrap();

    let verified = verify(&signed, &signer().cert_pem).unwrap();
    let doc = roxmltree::Document::parse(&signed).unwrap();
    let assertion = doc
        .descendants()
        .find(|n| n.has_tag_name((SAML_NS, "Assertion")))
        .unwrap();
    assert!(verified.covers(assertion));

    let tampered = signed.replace("999911120", "111222333");
    assert!(verify(&tampered, &signer().cert_pem).is_err());
}
