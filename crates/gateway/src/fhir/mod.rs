//! The MedMij FHIR resource server for gegevensdienst 49 (Huisartsgegevens) and 51 (PDF/A documents).
//!
//! Routes, relative to where the gateway mounts [`router`] (`/fhir` on the mutual-TLS back channel):
//! `GET /{naam}/{gegevensdienst}/{type}` (search), `GET /{naam}/{gegevensdienst}/Binary/{id}` (read) and
//! `GET /{naam}/{gegevensdienst}/metadata`. The patient comes only from the bearer token.

mod aorta_lsp;
mod auth;
mod binary;
mod bundle;
mod capability;
mod dutch_time;
mod filter;
mod format;
mod handlers;
mod outcome;
mod params;
mod pipeline;
pub mod ports;
mod search;
pub mod searches;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use common::Clock;

pub use aorta_lsp::{AortaLsp, lsp_error};
pub use auth::hash_token;
pub use dutch_time::dutch_date;
pub use outcome::FhirError;
pub use ports::{
    AuditEvent, AuditLog, HisTarget, Lsp, LspError, PortError, Practice, PracticeDirectory,
    TokenGrant, TokenLookup,
};

use crate::admin::Metrics;

/// The services and settings of the FHIR router.
#[derive(Clone)]
pub struct FhirDeps {
    /// The public URL of the FHIR mount, e.g. `https://lspplus.localhost:8441/fhir`; fullUrls and self
    /// links start with it.
    pub base_url: String,
    /// Access-token lookup (the store).
    pub tokens: Arc<dyn TokenLookup>,
    /// The NEN 7513 audit trail (the store).
    pub audit: Arc<dyn AuditLog>,
    /// The practices lspplus serves.
    pub practices: Arc<dyn PracticeDirectory>,
    /// The LSP client.
    pub lsp: Arc<dyn Lsp>,
    /// The clock that decides token expiry and the disclosure windows.
    pub clock: Arc<dyn Clock>,
    /// Request and LSP-error metrics, exported by the admin router.
    pub metrics: Arc<Metrics>,
}

/// Builds the FHIR router; the gateway nests it at `/fhir`.
pub fn router(deps: FhirDeps) -> Router {
    Router::new()
        .route("/{naam}/{gegevensdienst}/metadata", get(handlers::metadata))
        .route(
            "/{naam}/{gegevensdienst}/{resource_type}",
            get(handlers::search),
        )
        .route(
            "/{naam}/{gegevensdienst}/{resource_type}/{id}",
            get(handlers::read),
        )
        .fallback(handlers::not_found)
        .with_state(deps)
}
