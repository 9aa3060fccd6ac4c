//! The demo's port plan: one base port, each service at a fixed offset, or ephemeral ports in tests.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

use crate::DemoError;

/// The default base port: the gateway's front channel listens here.
pub const DEFAULT_PORT_BASE: u16 = 8440;

/// A service of the demo and its port offset from the base port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Gateway front channel (authorize, consent screens).
    GatewayFront = 0,
    /// Gateway back channel (token, FHIR), client certificate required.
    GatewayBack = 1,
    /// Demo PGO web app.
    Pgo = 2,
    /// DigiD simulator login page.
    DigidFront = 3,
    /// DigiD simulator ArtifactResolve endpoint, client certificate required.
    DigidBack = 4,
    /// Stelselnode list files.
    Stelselnode = 5,
    /// LSP with the GP systems (SOAP), client certificate required.
    Lsp = 6,
    /// Gateway admin portal and metrics.
    GatewayAdmin = 7,
}

impl Service {
    /// Returns the service name used in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Service::GatewayFront => "gateway front channel",
            Service::GatewayBack => "gateway back channel",
            Service::Pgo => "demo PGO",
            Service::DigidFront => "DigiD simulator front channel",
            Service::DigidBack => "DigiD simulator back channel",
            Service::Stelselnode => "stelselnode",
            Service::Lsp => "LSP simulator",
            Service::GatewayAdmin => "gateway admin",
        }
    }
}

/// Binds the listener of a simulator: `port_base + offset`, or an ephemeral port when the base is 0.
pub async fn bind(port_base: u16, service: Service) -> Result<TcpListener, DemoError> {
    let port = if port_base == 0 {
        0
    } else {
        port_base
            .checked_add(service as u16)
            .ok_or(DemoError::PortBase(port_base))?
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    Ok(tls::bind(addr, service.describe()).await?)
}

/// Chooses the address of a gateway listener, which the gateway binds itself. With base 0 a free
/// ephemeral port is found by binding and closing it.
// NOTE: with base 0 another process could take the port between this check and the gateway's bind.
pub async fn reserve(port_base: u16, service: Service) -> Result<SocketAddr, DemoError> {
    let listener = bind(port_base, service).await?;
    let addr = listener.local_addr().map_err(|source| DemoError::Io {
        what: "reading a listener address",
        source,
    })?;
    drop(listener);
    Ok(addr)
}
