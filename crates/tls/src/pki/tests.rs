//! Tests of the test PKI: reuse on restart, names, key types.

use super::*;

fn parse_leaf(identity: &Identity) -> (Vec<String>, String, Vec<u8>) {
    let der = identity.leaf_der().unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).unwrap();
    let sans = cert
        .subject_alternative_name()
        .unwrap()
        .unwrap()
        .value
        .general_names
        .iter()
        .map(|n| n.to_string())
        .collect();
    let key_oid = cert.public_key().algorithm.algorithm.to_id_string();
    (sans, cert.subject().to_string(), key_oid.into_bytes())
}

#[test]
fn server_identity_has_host_localhost_and_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = pki.issue_server("lsp.localhost").unwrap();
    let (sans, subject, _) = parse_leaf(&server);
    assert_eq!(
        sans,
        [
            "DNSName(lsp.localhost)",
            "DNSName(localhost)",
            "IPAddress(7f:00:00:01)"
        ]
    );
    assert!(subject.contains("CN=lsp.localhost"), "{subject}");
    let (cert, key) = pki.identity_paths(IdentityKind::Server, "lsp.localhost");
    assert_eq!(
        std::fs::read_to_string(cert).unwrap(),
        server.cert_chain_pem
    );
    assert_eq!(std::fs::read_to_string(key).unwrap(), server.key_pem);
}

#[test]
fn restart_reuses_ca_and_identities() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestPki::load_or_generate(dir.path()).unwrap();
    let client = first.issue_client("pgo.localhost").unwrap();
    let second = TestPki::load_or_generate(dir.path()).unwrap();
    assert_eq!(first.ca_pem(), second.ca_pem());
    assert_eq!(second.issue_client("pgo.localhost").unwrap(), client);
    assert_eq!(
        std::fs::read_to_string(second.ca_path()).unwrap(),
        second.ca_pem()
    );
}

#[test]
fn new_ca_reissues_stale_identity() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestPki::load_or_generate(dir.path()).unwrap();
    let old = first.issue_server("pgo.localhost").unwrap();
    std::fs::remove_file(dir.path().join("ca.identity.pem")).unwrap();
    let second = TestPki::load_or_generate(dir.path()).unwrap();
    assert_ne!(first.ca_pem(), second.ca_pem());
    let new = second.issue_server("pgo.localhost").unwrap();
    assert_ne!(old, new);
    assert!(second.issued_here(&new.cert_chain_pem));
    assert!(!second.issued_here(&old.cert_chain_pem));
}

#[test]
fn signing_identity_is_rsa_2048_pkcs8() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let signing = pki.issue_signing("lspplus-wss").unwrap();
    assert!(signing.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let (_, _, oid) = parse_leaf(&signing);
    assert_eq!(String::from_utf8(oid).unwrap(), "1.2.840.113549.1.1.1");
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&signing.key_pem).unwrap();
    assert_eq!(key.size(), 256);
}

#[test]
fn rejects_path_like_names() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    assert!(matches!(
        pki.issue_client("../x"),
        Err(PkiError::BadName(_))
    ));
    assert!(matches!(pki.issue_client(""), Err(PkiError::BadName(_))));
}

#[test]
fn damaged_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.identity.pem"), "garbage").unwrap();
    let err = TestPki::load_or_generate(dir.path()).unwrap_err();
    assert!(matches!(err, PkiError::Damaged { .. }), "{err}");
}
