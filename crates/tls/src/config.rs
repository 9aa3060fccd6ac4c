//! rustls server and client configurations with the NCSC "good" protocol versions and suites.

use std::sync::Arc;

use rustls::crypto::{CryptoProvider, ring};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::identity::{Identity, certificates_from_pem};

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM text holds no certificate.
    #[error("no certificate found in the PEM text")]
    NoCertificate,
    /// A PEM certificate block could not be decoded.
    #[error("a certificate in the PEM text cannot be decoded")]
    BadCertificate,
    /// The private key could not be decoded (PKCS#8, PKCS#1 or SEC1 PEM expected).
    #[error("the private key cannot be decoded")]
    BadKey,
    /// A certificate file or key file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file that failed.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// rustls refused the configuration (for example a key that does not match the certificate).
    #[error("TLS configuration rejected: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client-certificate verifier could not be built from the given roots.
    #[error("client certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// Whether and how a server asks for a client certificate.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// No client certificate is requested (browser-facing listeners).
    None,
    /// A client certificate is requested and verified against these roots (PEM) when sent.
    Optional(String),
    /// A client certificate issued under these roots (PEM) is required for the handshake.
    Required(String),
}

/// The crypto provider used everywhere: `ring`, restricted to the NCSC "good" cipher suites
/// (TLS 1.3 AES-GCM and ChaCha20-Poly1305; TLS 1.2 ECDHE-ECDSA/ECDHE-RSA with AES-GCM or
/// ChaCha20-Poly1305) and the key-exchange groups X25519, P-256 and P-384.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    use ring::cipher_suite as cs;
    // Deprecated since rustls 0.23.48 only for lacking post-quantum groups; it is the one public
    // way to the ring random source and key loader, and the project rules require ring.
    #[allow(deprecated)]
    let mut provider = ring::default_provider();
    provider.cipher_suites = vec![
        cs::TLS13_AES_256_GCM_SHA384,
        cs::TLS13_AES_128_GCM_SHA256,
        cs::TLS13_CHACHA20_POLY1305_SHA256,
        cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
    provider.kx_groups = vec![
        ring::kx_group::X25519,
        ring::kx_group::SECP256R1,
        ring::kx_group::SECP384R1,
    ];
    Arc::new(provider)
}

const VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// Builds a root store from the certificates of a PEM text.
pub(crate) fn root_store(roots_pem: &str) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in certificates_from_pem(roots_pem)? {
        roots.add(cert)?;
    }
    Ok(roots)
}

/// Builds a server configuration for `identity`, with ALPN h2 and http/1.1.
pub fn server_config(
    identity: &Identity,
    client_auth: ClientAuth,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = crypto_provider();
    let builder =
        ServerConfig::builder_with_provider(provider.clone()).with_protocol_versions(VERSIONS)?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional(roots_pem) => {
            let verifier = WebPkiClientVerifier::builder_with_provider(
                Arc::new(root_store(&roots_pem)?),
                provider,
            )
            .allow_unauthenticated()
            .build()?;
            builder.with_client_cert_verifier(verifier)
        }
        ClientAuth::Required(roots_pem) => {
            let verifier = WebPkiClientVerifier::builder_with_provider(
                Arc::new(root_store(&roots_pem)?),
                provider,
            )
            .build()?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(identity.cert_chain()?, identity.private_key()?)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Builds a client configuration that trusts only `roots_pem` and, when given, presents
/// `identity` as client certificate. No ALPN is set; [`crate::http_client`] adds h2 and http/1.1.
pub fn client_config(
    roots_pem: &str,
    identity: Option<&Identity>,
) -> Result<ClientConfig, TlsError> {
    let builder = ClientConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(VERSIONS)?
        .with_root_certificates(root_store(roots_pem)?);
    let config = match identity {
        Some(identity) => {
            builder.with_client_auth_cert(identity.cert_chain()?, identity.private_key()?)?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(config)
}
