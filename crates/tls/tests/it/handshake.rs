//! Handshakes against `tls::serve`: client-certificate modes, peer names, refused old versions.

use std::net::SocketAddr;

use axum::routing::get;
use axum::{Extension, Router};
use rustls_pki_types::pem::PemObject;
use tls::pki::TestPki;
use tls::{ClientAuth, PeerCertificate};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

struct Server {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

async fn who(peer: Option<Extension<PeerCertificate>>) -> String {
    match peer {
        Some(Extension(peer)) => format!("{}|{}", peer.dns_names.join(","), peer.subject),
        None => "anonymous".to_owned(),
    }
}

async fn start(pki: &TestPki, auth: ClientAuth) -> Server {
    let identity = pki.issue_server("lsp.localhost").unwrap();
    let config = tls::server_config(&identity, auth).unwrap();
    let listener = tls::bind("127.0.0.1:0".parse().unwrap(), "test server")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let router = Router::new().route("/who", get(who));
    tokio::spawn(tls::serve(listener, config, router, async {
        let _ = stopped.await;
    }));
    Server { addr, _stop: stop }
}

fn url(server: &Server) -> String {
    format!("https://lsp.localhost:{}/who", server.addr.port())
}

#[tokio::test]
async fn required_client_auth_rejects_client_without_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = start(&pki, ClientAuth::Required(pki.ca_pem().to_owned())).await;
    let anonymous = tls::http_client(pki.ca_pem(), None).unwrap();
    assert!(anonymous.get(url(&server)).send().await.is_err());

    let client = pki.issue_client("pgo.localhost").unwrap();
    let with_cert = tls::http_client(pki.ca_pem(), Some(&client)).unwrap();
    let response = with_cert.get(url(&server)).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn required_client_auth_rejects_certificate_of_other_ca() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = TestPki::load_or_generate(other_dir.path()).unwrap();
    let server = start(&pki, ClientAuth::Required(pki.ca_pem().to_owned())).await;
    let foreign = other.issue_client("pgo.localhost").unwrap();
    let client = tls::http_client(pki.ca_pem(), Some(&foreign)).unwrap();
    assert!(client.get(url(&server)).send().await.is_err());
}

#[tokio::test]
async fn peer_certificate_names_reach_handler() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = start(&pki, ClientAuth::Optional(pki.ca_pem().to_owned())).await;

    let client = pki.issue_client("pgo.localhost").unwrap();
    let with_cert = tls::http_client(pki.ca_pem(), Some(&client)).unwrap();
    let body = with_cert
        .get(url(&server))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (names, subject) = body.split_once('|').unwrap();
    assert_eq!(names, "pgo.localhost");
    assert!(subject.contains("CN=pgo.localhost"), "{subject}");

    let anonymous = tls::http_client(pki.ca_pem(), None).unwrap();
    let body = anonymous
        .get(url(&server))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "anonymous");
}

#[tokio::test]
async fn client_rejects_server_of_other_ca() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = TestPki::load_or_generate(other_dir.path()).unwrap();
    let server = start(&pki, ClientAuth::None).await;
    let client = tls::http_client(other.ca_pem(), None).unwrap();
    assert!(client.get(url(&server)).send().await.is_err());
    let trusting = tls::http_client(pki.ca_pem(), None).unwrap();
    assert_eq!(
        trusting.get(url(&server)).send().await.unwrap().status(),
        200
    );
}

/// Builds a TLS 1.1 ClientHello without extensions that offers two CBC suites and two ECDHE
/// AES-GCM suites the server supports.
fn tls11_client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x02]; // client_version TLS 1.1
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // empty session id
    body.extend_from_slice(&[0x00, 0x08, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x13, 0x00, 0x2f]);
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    let mut handshake = vec![0x01, 0x00, 0x00, u8::try_from(body.len()).unwrap()];
    handshake.extend(body);
    let mut record = vec![
        0x16,
        0x03,
        0x02,
        0x00,
        u8::try_from(handshake.len()).unwrap(),
    ];
    record.extend(handshake);
    record
}

#[tokio::test]
async fn tls_1_1_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = start(&pki, ClientAuth::None).await;
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(&tls11_client_hello()).await.unwrap();
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer).await.unwrap();
    // rustls 0.23 has no TLS 1.1 code; it sends a fatal alert (handshake_failure in this case,
    // protocol_version would do as well) and never a ServerHello.
    assert!(answer.len() >= 7, "server answered {answer:02x?}");
    assert_eq!(answer[0], 0x15, "record type alert expected: {answer:02x?}");
    assert_eq!(answer[5], 2, "fatal alert expected");
    assert!(matches!(answer[6], 40 | 70), "alert {}", answer[6]);
}

#[tokio::test]
async fn tls_1_2_only_client_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = start(&pki, ClientAuth::None).await;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(pki.ca_pem().as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(tls::crypto_provider())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("lsp.localhost").unwrap();
    let stream = connector.connect(name, tcp).await.unwrap();
    let (_, connection) = stream.get_ref();
    assert_eq!(
        connection.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
}

#[tokio::test]
async fn failed_handshake_does_not_stop_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let server = start(&pki, ClientAuth::None).await;
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let mut sink = Vec::new();
    let _ = tcp.read_to_end(&mut sink).await;
    let client = tls::http_client(pki.ca_pem(), None).unwrap();
    assert_eq!(client.get(url(&server)).send().await.unwrap().status(), 200);
}

#[test]
fn configured_suites_are_aead_with_ecdhe_only() {
    let provider = tls::crypto_provider();
    let names: Vec<String> = provider
        .cipher_suites
        .iter()
        .map(|s| format!("{:?}", s.suite()))
        .collect();
    assert_eq!(names.len(), 9);
    for name in &names {
        assert!(
            name.starts_with("TLS13_") || name.starts_with("TLS_ECDHE_"),
            "{name}"
        );
        assert!(name.contains("GCM") || name.contains("CHACHA20"), "{name}");
    }
}
