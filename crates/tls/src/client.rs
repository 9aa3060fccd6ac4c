//! The preconfigured HTTPS client: our rustls settings, *.localhost on loopback, no redirects.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::config::{TlsError, client_config};
use crate::identity::Identity;

/// A resolver that answers 127.0.0.1 for `localhost` and every `*.localhost` name (as browsers do)
/// and asks the system resolver for any other name.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalhostResolver;

/// Returns true for `localhost` and names under `.localhost`.
fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

impl Resolve for LocalhostResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            if is_localhost(&host) {
                let addrs: Addrs =
                    Box::new(std::iter::once(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
                return Ok(addrs);
            }
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Returns a client builder with our TLS settings (trusting only `roots_pem`, presenting
/// `identity` when given, ALPN h2 and http/1.1), the [`LocalhostResolver`] and no redirects;
/// callers add for example `.cookie_store(true)` or timeouts before `build()`.
pub fn http_client_builder(
    roots_pem: &str,
    identity: Option<&Identity>,
) -> Result<reqwest::ClientBuilder, TlsError> {
    let mut config = client_config(roots_pem, identity)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .dns_resolver(Arc::new(LocalhostResolver))
        .redirect(reqwest::redirect::Policy::none())
        .https_only(true))
}

/// Builds the HTTPS client described at [`http_client_builder`].
pub fn http_client(
    roots_pem: &str,
    identity: Option<&Identity>,
) -> Result<reqwest::Client, TlsError> {
    Ok(http_client_builder(roots_pem, identity)?.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_names() {
        assert!(is_localhost("localhost"));
        assert!(is_localhost("lsp.localhost"));
        assert!(is_localhost("Admin.LSPPLUS.localhost."));
        assert!(!is_localhost("localhost.example.org"));
        assert!(!is_localhost("notlocalhost"));
    }
}
