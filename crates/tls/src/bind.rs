//! Binding a listener with an error that names the service and suggests --port-base.

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// Why a listening socket could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// Another process already listens on the port.
    #[error(
        "port {port} is already in use ({what}); stop the other process or pass --port-base to use other ports"
    )]
    InUse {
        /// The port asked for.
        port: u16,
        /// The service that wanted it, e.g. "gateway front channel".
        what: String,
    },
    /// The address is not available on this machine or not permitted.
    #[error("cannot listen on {addr} ({what}): {source}")]
    Other {
        /// The address asked for.
        addr: SocketAddr,
        /// The service that wanted it.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Opens a listening socket on `addr` for the service `what` (used in the error message).
pub async fn bind(addr: SocketAddr, what: &str) -> Result<TcpListener, BindError> {
    TcpListener::bind(addr).await.map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            BindError::InUse {
                port: addr.port(),
                what: what.to_owned(),
            }
        } else {
            BindError::Other {
                addr,
                what: what.to_owned(),
                source,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn port_in_use_names_service() {
        let first = bind("127.0.0.1:0".parse().unwrap(), "first").await.unwrap();
        let addr = first.local_addr().unwrap();
        let err = bind(addr, "gateway front channel").await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, BindError::InUse { .. }));
        assert!(text.contains(&format!("port {} is already in use", addr.port())));
        assert!(text.contains("gateway front channel"));
        assert!(text.contains("--port-base"));
    }
}
