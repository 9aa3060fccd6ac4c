//! Clients that connect and then stall: the server closes their connections after its limits.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use rustls_pki_types::pem::PemObject;
use tls::ClientAuth;
use tls::pki::TestPki;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio_rustls::client::TlsStream;

/// Short limits, so that a test waits a fraction of a second for each.
const LIMITS: tls::ConnectionLimits = tls::ConnectionLimits {
    handshake: Duration::from_millis(300),
    headers: Duration::from_millis(300),
    body: Duration::from_millis(300),
};
/// How long a test waits for the server to act before it calls the connection stalled.
const PATIENCE: Duration = Duration::from_secs(10);

struct Server {
    addr: std::net::SocketAddr,
    ca: String,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let identity = pki.issue_server("lsp.localhost").unwrap();
    let config = tls::server_config(&identity, ClientAuth::None).unwrap();
    let listener = tls::bind("127.0.0.1:0".parse().unwrap(), "stall test")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: String| async move { body }));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(tls::serve_with_limits(
        listener,
        config,
        router,
        async {
            let _ = stopped.await;
        },
        LIMITS,
    ));
    Server {
        addr,
        ca: pki.ca_pem().to_owned(),
        _dir: dir,
        _stop: stop,
    }
}

async fn connect(server: &Server) -> TlsStream<tokio::net::TcpStream> {
    connect_with_alpn(server, b"http/1.1").await
}

async fn connect_with_alpn(server: &Server, alpn: &[u8]) -> TlsStream<tokio::net::TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(server.ca.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let mut config = rustls::ClientConfig::builder_with_provider(tls::crypto_provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("lsp.localhost").unwrap();
    connector.connect(name, tcp).await.unwrap()
}

/// Reads until the server closes the connection; returns what it sent.
async fn read_until_closed(stream: &mut TlsStream<tokio::net::TcpStream>) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server kept the stalled connection open");
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn silent_connection_is_closed() {
    let server = start().await;
    let mut stream = connect(&server).await;

    let received = read_until_closed(&mut stream).await;

    assert!(!received.contains("200 OK"), "{received}");
}

#[tokio::test]
async fn half_sent_headers_are_cut_off() {
    let server = start().await;
    let mut stream = connect(&server).await;

    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: lsp.localhost\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut stream).await;

    assert!(!received.contains("200 OK"), "{received}");
}

#[tokio::test]
async fn missing_body_is_cut_off() {
    let server = start().await;
    let mut stream = connect(&server).await;

    let request = b"POST /echo HTTP/1.1\r\nHost: lsp.localhost\r\nContent-Length: 100\r\n\r\nab";
    stream.write_all(request).await.unwrap();
    let received = read_until_closed(&mut stream).await;

    assert!(!received.contains("200 OK"), "{received}");
}

#[tokio::test]
async fn prompt_request_is_served() {
    let server = start().await;
    let mut stream = connect(&server).await;

    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: lsp.localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut stream).await;

    assert!(received.starts_with("HTTP/1.1 200 OK"), "{received}");
}

#[tokio::test]
async fn silent_http2_connection_is_closed() {
    let server = start().await;
    let mut stream = connect_with_alpn(&server, b"h2").await;
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(b"h2".as_slice()));

    let received = read_until_closed(&mut stream).await;

    assert!(received.is_empty() || !received.contains("ok"));
}

#[tokio::test]
async fn http2_client_is_served() {
    let server = start().await;
    let mut config = tls::client_config(&server.ca, None).unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .resolve("lsp.localhost", server.addr)
        .build()
        .unwrap();

    let response = client
        .get(format!("https://lsp.localhost:{}/", server.addr.port()))
        .send()
        .await
        .unwrap();

    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(response.text().await.unwrap(), "ok");
}
