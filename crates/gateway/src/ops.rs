//! The admin listener: the admin module's routes, with the OAuth metrics added to `/metrics`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::admin::{AdminDeps, Metrics as FhirMetrics};
use crate::state::App;

#[derive(Clone)]
struct MetricsState {
    app: Arc<App>,
    fhir: Arc<FhirMetrics>,
}

/// Builds the admin router: `/metrics` here, everything else from [`crate::admin::router`].
pub fn router(app: Arc<App>, deps: AdminDeps) -> Router {
    let state = MetricsState {
        app,
        fhir: deps.metrics.clone(),
    };
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
        .fallback_service(crate::admin::router(deps))
}

/// Both registries in one OpenMetrics text; only the last `# EOF` is kept.
async fn metrics(State(state): State<MetricsState>) -> Response {
    let fhir = state.fhir.encode();
    let mut text = fhir.trim_end().trim_end_matches("# EOF").to_owned();
    let aorta = state.app.lsp.metrics_text();
    text.push_str(aorta.trim_end().trim_end_matches("# EOF"));
    text.push_str(&state.app.metrics.render());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
