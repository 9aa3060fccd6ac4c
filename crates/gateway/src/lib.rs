//! The lspplus DVZA gateway: MedMij authorization server and FHIR resource server in front of the LSP.
//!
//! [`start`] runs one gateway node with three TLS listeners: the front channel (browser screens),
//! the back channel (token endpoint and FHIR, client certificate required) and the admin listener.

#![forbid(unsafe_code)]

pub mod admin;
pub mod aorta_directory;
pub mod app;
pub mod availability;
pub mod back;
pub mod config;
pub mod digid;
pub mod fhir;
pub mod front;
pub mod grants;
pub mod i18n;
pub mod lists;
pub mod metrics;
pub mod ops;
pub mod state;

use std::sync::Arc;

pub use app::{Running, StartError, start, start_with_directory};
pub use config::Config;

/// Builds the back-channel router: token endpoint, and FHIR under `/fhir`.
pub fn back_router(app: Arc<state::App>) -> axum::Router {
    back::router(app)
}

/// Builds the admin router: health, metrics and the admin portal.
pub fn admin_router(app: Arc<state::App>) -> axum::Router {
    ops::router(app)
}
