//! The back channel: token and revocation endpoints, and (from the `fhir` module) the resource server, behind mutual TLS.

mod revoke;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;

use crate::state::App;

/// Builds the back-channel router without the FHIR routes.
pub fn router(app: Arc<App>) -> Router {
    // The handlers reject an oversized body with an OAuth error; the limit stops reading early.
    Router::new()
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
        .layer(DefaultBodyLimit::max(token::MAX_BODY_BYTES))
        .with_state(app)
}
