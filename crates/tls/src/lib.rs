//! TLS for lspplus: rustls configurations, the accept loop with client certificates, the test PKI.
//!
//! Every listener and every outgoing connection of lspplus and its simulators goes through this
//! crate, so that the protocol versions and cipher suites (NCSC "good": TLS 1.3 and TLS 1.2 with
//! ECDHE and AEAD ciphers only) are set in one place. The `ring` provider is installed explicitly in
//! each configuration; no process-wide default is used.

#![forbid(unsafe_code)]

mod bind;
mod client;
mod config;
mod identity;
pub mod pki;
mod serve;

pub use bind::{BindError, bind};
pub use client::{LocalhostResolver, http_client, http_client_builder};
pub use config::{ClientAuth, TlsError, client_config, crypto_provider, server_config};
pub use identity::Identity;
/// The rustls version these configurations are built with, for naming `rustls::ServerConfig`.
pub use rustls;
pub use serve::{ConnectionLimits, PeerCertificate, serve, serve_with_limits};
