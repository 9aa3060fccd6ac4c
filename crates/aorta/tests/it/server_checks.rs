//! The simulator's own checks: client certificate, signature, token binding and time window.

use aorta::AortaError;
use hl7v3::Interaction;

use crate::harness::{Harness, bsn, his};

async fn post(harness: &Harness, body: String, with_cert: bool) -> (u16, String) {
    let identity = harness.pki.issue_server("lspplus.localhost").unwrap();
    let client = tls::http_client(harness.pki.ca_pem(), with_cert.then_some(&identity)).unwrap();
    match client
        .post(&harness.url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await
    {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
        Err(error) => (0, error.to_string()),
    }
}

fn signed_request(harness: &Harness) -> String {
    let (client, _) = harness.client(harness.config());
    client
        .build_request(&his(), Interaction::EpisodesQuery, &bsn(), None)
        .unwrap()
        .xml
}

#[tokio::test]
async fn signed_request_is_answered() {
    let harness = Harness::start().await;
    let (status, body) = post(&harness, signed_request(&harness), true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("REPC_IN990111NL"));
}

#[tokio::test]
async fn client_without_certificate_is_rejected() {
    let harness = Harness::start().await;
    let (status, _) = post(&harness, signed_request(&harness), false).await;
    assert_eq!(status, 0, "the TLS handshake must fail");
}

#[tokio::test]
async fn tampered_patient_is_rejected() {
    let harness = Harness::start().await;
    let request = signed_request(&harness);
    // Change the patient in the body only: the token no longer matches the query.
    let body_start = request.find("<soap:Body>").unwrap();
    let (head, body) = request.split_at(body_start);
    let tampered = format!("{head}{}", body.replace("999911120", "111222333"));
    let (status, text) = post(&harness, tampered, true).await;
    assert_eq!(status, 500);
    assert!(text.contains("patientId does not match"), "{text}");
}

#[tokio::test]
async fn altered_token_fails_signature() {
    let harness = Harness::start().await;
    let request = signed_request(&harness);
    let body_start = request.find("<soap:Body>").unwrap();
    let (head, body) = request.split_at(body_start);
    let tampered = format!("{}{body}", head.replace("999911120", "111222333"));
    let (status, text) = post(&harness, tampered, true).await;
    assert_eq!(status, 500);
    assert!(text.contains("invalid security header"), "{text}");
}

#[tokio::test]
async fn unsigned_request_is_rejected() {
    let harness = Harness::start().await;
    let request = signed_request(&harness);
    let start = request.find("<ds:Signature").unwrap();
    let end = request.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let unsigned = format!("{}{}", &request[..start], &request[end..]);
    let (status, text) = post(&harness, unsigned, true).await;
    assert_eq!(status, 500);
    assert!(text.contains("invalid security header"), "{text}");
}

#[tokio::test]
async fn expired_token_is_rejected() {
    let harness = Harness::start().await;
    harness.server_clock.advance(time::Duration::minutes(10));
    let (client, _) = harness.client(harness.config());
    let result = client
        .query(
            &his(),
            Interaction::EpisodesQuery,
            &bsn(),
            None,
            "corr-expired",
        )
        .await;
    match result {
        Err(AortaError::SoapFault { code, reason }) => {
            assert_eq!(code, "soap:Client");
            assert!(reason.contains("validity window"), "{reason}");
        }
        other => panic!("expected a SOAP fault, got {other:?}"),
    }
}

#[tokio::test]
async fn xmlsec1_verifies_signed_request() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if std::process::Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            !ci,
            "xmlsec1 is required in CI (apt-get install -y xmlsec1)"
        );
        eprintln!("skipping: xmlsec1 not installed (apt-get install -y xmlsec1)");
        return;
    }
    let harness = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("request.xml");
    std::fs::write(&request, signed_request(&harness)).unwrap();
    let ca = harness.pki.ca_path();
    let verify = |file: &std::path::Path| {
        std::process::Command::new("xmlsec1")
            .args([
                "--verify",
                "--enabled-reference-uris",
                "same-doc",
                "--id-attr:Id",
            ])
            .arg("http://www.aortarelease.nl/805/:signedData")
            .arg("--trusted-pem")
            .arg(&ca)
            .arg(file)
            .output()
            .unwrap()
    };
    let output = verify(&request);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let tampered = dir.path().join("tampered.xml");
    let text = std::fs::read_to_string(&request).unwrap();
    std::fs::write(&tampered, text.replacen("4001\"/>", "4002\"/>", 1)).unwrap();
    assert!(!verify(&tampered).status.success());
}
