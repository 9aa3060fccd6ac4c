//! The lspplus DVZA gateway: MedMij authorization server and FHIR resource server in front of the LSP.
//!
//! [`start`] runs one gateway node with three TLS listeners: the front channel (browser screens),
//! the back channel (token endpoint and FHIR, client certificate required) and the admin listener.

#![forbid(unsafe_code)]

pub mod admin;
pub mod aorta_directory;
pub mod aorta_metrics;
pub mod app;
pub mod availability;
pub mod back;
pub mod config;
pub mod demo_setup;
pub mod digid;
pub mod egress;
pub mod fhir;
pub mod front;
pub mod grants;
pub mod his_directory;
pub mod i18n;
pub mod lists;
pub mod metrics;
pub mod ops;
pub mod state;
pub mod wiring;

use std::sync::Arc;

pub use app::{Running, StartError, start, start_with_directory};
pub use config::Config;

/// Builds the back-channel router: token endpoint, and FHIR under `/fhir`.
pub fn back_router(app: Arc<state::App>) -> axum::Router {
    let deps = fhir::FhirDeps {
        base_url: format!(
            "{}/fhir",
            app.config.listeners.back_url.trim_end_matches('/')
        ),
        tokens: Arc::new(wiring::StoreTokens(app.clone())),
        audit: Arc::new(wiring::StoreAudit(app.clone())),
        practices: Arc::new(wiring::ConfiguredPractices(app.clone())),
        lsp: app.lsp.clone(),
        clock: app.clock.clone(),
        metrics: app.fhir_metrics.clone(),
    };
    back::router(app).nest("/fhir", fhir::router(deps))
}

/// Builds the admin router: health, metrics and the admin portal.
pub fn admin_router(app: Arc<state::App>) -> axum::Router {
    let deps = admin::AdminDeps {
        metrics: app.fhir_metrics.clone(),
        clock: app.clock.clone(),
        started_at: app.started_at,
        probes: vec![
            Arc::new(wiring::StoreProbe(app.clone())),
            Arc::new(wiring::ListsProbe(app.clone())),
        ],
    };
    ops::router(app, deps)
}
