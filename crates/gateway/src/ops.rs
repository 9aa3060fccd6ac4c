//! Operations endpoints on the admin listener: health and Prometheus metrics.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::App;

/// Builds the router with `/health` and `/metrics`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .with_state(app)
}

/// Returns 200 when every MedMij list has a fresh copy, else 503 with the reason.
async fn health(State(app): State<Arc<App>>) -> Response {
    let lists = app.lists.snapshot();
    if lists.oauth_clients.is_none() || lists.whitelist.is_none() {
        return (StatusCode::SERVICE_UNAVAILABLE, "no OAuth Client List or Whitelist yet\n")
            .into_response();
    }
    if app.metrics.lists_stale() > 0 {
        return (StatusCode::OK, "ok, but MedMij lists are stale\n").into_response();
    }
    (StatusCode::OK, "ok\n").into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}
