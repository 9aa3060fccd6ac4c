//! The back channel: token and revocation endpoints, and (from the `fhir` module) the resource server, behind mutual TLS.

mod revoke;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::routing::post;

use crate::state::App;

/// Builds the back-channel router without the FHIR routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
        .with_state(app)
}
