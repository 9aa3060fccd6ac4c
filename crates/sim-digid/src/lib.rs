//! DigiD simulator: a SAML 2.0 identity provider with artifact binding and a page to pick a test person.
//!
//! The front channel (server certificate only) shows the login page for a signed AuthnRequest and
//! sends the browser back to the service provider's ACS with `SAMLart` and `RelayState`. The back
//! channel (client certificate required) resolves artifacts over SOAP; each artifact resolves
//! once and expires after [`Settings::artifact_lifetime`].

#![forbid(unsafe_code)]

mod back;
pub mod demo;
mod front;
mod i18n;
mod page;
mod state;

use std::future::Future;
use std::sync::Arc;

use common::{Bsn, Clock};
use futures::FutureExt as _;
use time::Duration;
use tokio::net::TcpListener;

pub use i18n::Lang;

/// A person that can log in with one click on the login page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPerson {
    /// The person's BSN, shown masked.
    pub bsn: Bsn,
    /// The display name.
    pub name: String,
}

/// The configuration of the simulator.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The identity provider: entity ID, URLs, signing identity and the registered service providers.
    pub idp: saml::idp::IdentityProvider,
    /// The persons listed on the login page.
    pub persons: Vec<TestPerson>,
    /// Time from login to the expiry of an unresolved artifact.
    pub artifact_lifetime: Duration,
    /// Time a shown login page stays usable.
    pub login_lifetime: Duration,
}

impl Settings {
    /// Creates settings with an artifact lifetime of 5 minutes and a login page lifetime of 15.
    pub fn new(idp: saml::idp::IdentityProvider, persons: Vec<TestPerson>) -> Self {
        Self {
            idp,
            persons,
            artifact_lifetime: Duration::minutes(5),
            login_lifetime: Duration::minutes(15),
        }
    }
}

/// The rustls configurations of both channels.
#[derive(Debug, Clone)]
pub struct TlsConfigs {
    /// Front channel: server certificate only.
    pub front: Arc<rustls::ServerConfig>,
    /// Back channel: client certificate required.
    pub back: Arc<rustls::ServerConfig>,
}

/// Serves the front channel on `front_listener` and the back channel on `back_listener` until
/// `shutdown` completes.
pub async fn serve(
    front_listener: TcpListener,
    back_listener: TcpListener,
    tls: TlsConfigs,
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let state = Arc::new(state::State::new(settings, clock));
    let shutdown = shutdown.boxed().shared();
    tracing::info!(
        front = ?front_listener.local_addr().ok(),
        back = ?back_listener.local_addr().ok(),
        "DigiD simulator started"
    );
    tokio::join!(
        tls::serve(
            front_listener,
            tls.front,
            front::router(state.clone()),
            shutdown.clone()
        ),
        tls::serve(back_listener, tls.back, back::router(state), shutdown),
    );
    tracing::info!("DigiD simulator stopped");
}
