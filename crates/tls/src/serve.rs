//! The TLS accept loop: handshake, client-certificate facts into the request, axum per connection.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Time limits per connection, against clients that open connections and then stall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to finish the TLS handshake.
    pub handshake: Duration,
    /// How long an HTTP/1.1 client may take to send a request's headers. The time counts from the
    /// connection's start or the end of the previous response, so an idle connection closes too.
    pub headers: Duration,
    /// How long a request body may take to arrive.
    pub body: Duration,
}

impl Default for ConnectionLimits {
    /// 10 seconds each: a PGO's token or FHIR request is a few hundred bytes.
    fn default() -> Self {
        Self {
            handshake: Duration::from_secs(10),
            headers: Duration::from_secs(10),
            body: Duration::from_secs(10),
        }
    }
}

/// How long open connections may take to finish after shutdown was asked.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// The pause after a failed accept (for example too many open files), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The verified client certificate of the connection, as a request extension.
///
/// Present only when the client sent a certificate (which the verifier then accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    /// The leaf certificate in DER.
    pub der: Vec<u8>,
    /// The dNSName entries of the subjectAltName extension.
    pub dns_names: Vec<String>,
    /// The subject distinguished name in RFC 4514 style, e.g. `CN=pgo.localhost, O=...`.
    pub subject: String,
}

impl PeerCertificate {
    /// Reads the names from a DER certificate; `None` when it cannot be parsed.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let dns_names = match cert.subject_alternative_name() {
            Ok(Some(san)) => san
                .value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    x509_parser::extensions::GeneralName::DNSName(dns) => Some((*dns).to_owned()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Self {
            der: der.to_vec(),
            dns_names,
            subject: cert.subject().to_string(),
        })
    }
}

/// Accepts TLS connections on `listener` and serves `router` on each (HTTP/1.1 and h2), until
/// `shutdown` completes; then stops accepting and gives open connections a few seconds to finish.
///
/// Each request carries the extensions [`PeerCertificate`] (when the client sent one) and
/// `axum::extract::ConnectInfo<SocketAddr>`. A failing handshake is logged and the loop goes on.
pub async fn serve(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    router: Router,
    shutdown: impl Future<Output = ()>,
) {
    serve_with_limits(
        listener,
        config,
        router,
        shutdown,
        ConnectionLimits::default(),
    )
    .await;
}

/// Serves like [`serve`], with the given time limits per connection.
pub async fn serve_with_limits(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    router: Router,
    shutdown: impl Future<Output = ()>,
    limits: ConnectionLimits,
) {
    let router = router.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        limits.body,
    ));
    let acceptor = TlsAcceptor::from(config);
    let graceful = GracefulShutdown::new();
    let local = listener.local_addr().ok();
    tokio::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!(%error, ?local, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => {
                    tracing::info!(%error, %remote, ?local, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::info!(%remote, ?local, "TLS handshake timed out");
                    return;
                }
            };
            let peer = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|certs| certs.first())
                .and_then(|leaf| PeerCertificate::from_der(leaf.as_ref()));
            let requested = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let seen = requested.clone();
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    seen.store(true, std::sync::atomic::Ordering::Relaxed);
                    if let Some(peer) = &peer {
                        request.extensions_mut().insert(peer.clone());
                    }
                    request.extensions_mut().insert(ConnectInfo(remote));
                    router.clone().oneshot(request)
                },
            );
            // The protocol comes from ALPN (HTTP/1.1 without it), so that hyper does not wait for a
            // silent client's first bytes to detect the protocol.
            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
            let builder = auto::Builder::new(TokioExecutor::new());
            let mut builder = if h2 {
                builder.http2_only()
            } else {
                builder.http1_only()
            };
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.headers);
            let connection = watcher.watch(
                builder
                    .serve_connection(TokioIo::new(stream), service)
                    .into_owned(),
            );
            tokio::pin!(connection);
            // hyper's header timeout covers HTTP/1.1. An HTTP/2 client must send its first request
            // within the same time, or the connection is dropped.
            // NOTE: an HTTP/2 connection that goes idle after its first request is not cut off.
            let first_request = async {
                tokio::time::sleep(limits.headers).await;
                if requested.load(std::sync::atomic::Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                result = &mut connection => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %remote, "connection ended with an error");
                    }
                }
                () = first_request, if h2 => {
                    tracing::info!(%remote, ?local, "HTTP/2 connection without a request closed");
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::info!(?local, "open connections did not finish in time");
    }
}
