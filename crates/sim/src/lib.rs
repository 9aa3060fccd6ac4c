//! The demo's simulators composed: PKI, LSP with GP systems, DigiD, stelselnode and PGO.
//!
//! [`Demo::start`] generates (or reloads) the demo PKI, starts every simulator on loopback and returns
//! what the gateway needs to run against them: URLs, the CA, identities, the demo persons and the
//! DigiD settings. The gateway itself is started by the caller (`lspplus demo`, integration tests).

#![forbid(unsafe_code)]

mod identities;
mod ports;
mod start;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use common::Clock;
use serde::Serialize;

pub use identities::{DemoIdentities, GatewayIdentities, IdentityFiles};
pub use ports::{DEFAULT_PORT_BASE, Service};
pub use sim_his::DemoPerson;
pub use start::RunningSims;
pub use {sim_his, sim_pgo, sim_stelselnode};

/// Options of [`Demo::start`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Directory for the PKI (reused across restarts).
    pub data_dir: PathBuf,
    /// Base port (8440 by default); 0 gives every service an ephemeral port.
    pub port_base: u16,
    /// Directory of real HIS response files, instead of the synthetic demo patients.
    pub his_data: Option<PathBuf>,
    /// The clock of every simulator.
    pub clock: Arc<dyn Clock>,
}

/// Failure to start the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The PKI could not be loaded or generated.
    #[error("demo PKI failed: {0}")]
    Pki(#[from] tls::pki::PkiError),
    /// A TLS configuration could not be built.
    #[error("TLS configuration failed: {0}")]
    Tls(#[from] tls::TlsError),
    /// A port could not be bound.
    #[error(transparent)]
    Bind(#[from] tls::BindError),
    /// The base port leaves no room for the eight services.
    #[error("port base {0} is too high: the demo uses 8 consecutive ports from it")]
    PortBase(u16),
    /// The HIS data could not be loaded.
    #[error("loading the HIS data failed: {0}")]
    HisData(#[from] sim_his::LoadError),
    /// The TestScript fixtures were found but could not be turned into patients.
    #[error("{0}")]
    Qualification(String),
    /// A SAML identity or URL is invalid.
    #[error("DigiD simulator setup failed: {0}")]
    Saml(String),
    /// An I/O operation failed.
    #[error("{what} failed: {source}")]
    Io {
        /// The operation that failed.
        what: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The PGO client could not be built.
    #[error("demo PGO setup failed: {0}")]
    Pgo(#[from] sim_pgo::PgoError),
}

/// Entry point of the demo simulators.
#[derive(Debug, Clone, Copy)]
pub struct Demo;

impl Demo {
    /// Starts all simulators; see [`RunningSims`] for what is returned.
    pub async fn start(options: DemoOptions) -> Result<RunningSims, DemoError> {
        start::start(options).await
    }
}

/// The URLs of every service in the demo.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUrls {
    /// Gateway front channel base URL (`https://lspplus.localhost:<port>`).
    pub gateway_front: String,
    /// Gateway back channel base URL.
    pub gateway_back: String,
    /// Gateway admin base URL.
    pub gateway_admin: String,
    /// Demo PGO web app.
    pub pgo: String,
    /// DigiD simulator front channel.
    pub digid_front: String,
    /// DigiD simulator back channel.
    pub digid_back: String,
    /// Stelselnode base URL; the lists are at `/<file name>`.
    pub stelselnode: String,
    /// LSP simulator SOAP endpoint.
    pub lsp: String,
}

/// The gateway's listener addresses, matching the URLs in the lists and the DigiD registration.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GatewayAddrs {
    /// Front channel.
    pub front: SocketAddr,
    /// Back channel.
    pub back: SocketAddr,
    /// Admin portal.
    pub admin: SocketAddr,
}

/// The DigiD settings the gateway (as SAML service provider) needs.
#[derive(Debug, Clone, Serialize)]
pub struct DigidSettings {
    /// The gateway's SP entity ID, as registered at the simulator.
    pub sp_entity_id: String,
    /// The gateway's ACS URL, as registered at the simulator.
    pub acs_url: String,
    /// The simulator's entity ID.
    pub idp_entity_id: String,
    /// The simulator's single sign-on URL (redirect binding).
    pub sso_url: String,
    /// The simulator's ArtifactResolve URL (SOAP, mutual TLS).
    pub resolve_url: String,
    /// The simulator's signing certificate file.
    pub idp_cert: PathBuf,
}
