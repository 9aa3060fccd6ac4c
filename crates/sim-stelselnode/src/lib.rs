//! MedMij stelselnode simulator: serves the OAuth Client List, Whitelist, Gegevensdienstnamenlijst
//! and Zorgaanbiederslijst over HTTPS.
//!
//! Each list is served at `/<file name>` (for example `/MedMij_Whitelist.xml?api=2`). Publishing
//! changed content increments that list's Volgnummer by one. Test hooks ([`Stelselnode::set_fault`])
//! make a list come back with a chosen Volgnummer, as an invalid file or as HTTP 503.

#![forbid(unsafe_code)]

mod contents;
mod node;
mod xml;

use std::future::Future;
use std::sync::Arc;

pub use contents::{
    DELINDE, DEMO_PGO, DvzaEndpoints, GATEWAY_HOST, GegevensdienstNaam, HETANKER, ListContents,
    OAuthClient, OTHER_PGO, Zorgaanbieder, ZorgaanbiederGegevensdienst,
};
pub use node::{Fault, ListKind, Stelselnode};

/// Serves `node` over TLS on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Arc<rustls::ServerConfig>,
    node: Stelselnode,
    shutdown: impl Future<Output = ()>,
) {
    tls::serve(listener, config, node.router(), shutdown).await;
}
