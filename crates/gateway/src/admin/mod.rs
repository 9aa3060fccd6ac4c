//! The admin listener's routes: `/health` (JSON) and `/metrics` (Prometheus text).

mod metrics;

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use common::Clock;
use futures::future::BoxFuture;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use metrics::Metrics;

/// One dependency that `/health` checks, e.g. the store or the LSP connection.
pub trait HealthProbe: Send + Sync {
    /// Returns the name shown in the health report, e.g. `store`.
    fn name(&self) -> &str;
    /// Checks the dependency; `Err` carries a short reason without personal data.
    fn check(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// What the admin routes need.
#[derive(Clone)]
pub struct AdminDeps {
    /// The metrics that the FHIR router records.
    pub metrics: Arc<Metrics>,
    /// The clock, for the uptime in `/health`.
    pub clock: Arc<dyn Clock>,
    /// When the gateway started.
    pub started_at: OffsetDateTime,
    /// The dependencies to check on every `/health` request.
    pub probes: Vec<Arc<dyn HealthProbe>>,
}

/// Builds the admin router (`/health`, `/metrics`).
pub fn router(deps: AdminDeps) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .with_state(deps)
}

async fn health(State(deps): State<AdminDeps>) -> Response {
    let now = deps.clock.now();
    let mut checks = serde_json::Map::new();
    let mut healthy = true;
    for probe in &deps.probes {
        let result = probe.check().await;
        if let Err(reason) = &result {
            tracing::warn!(probe = probe.name(), %reason, "health check failed");
            healthy = false;
        }
        let entry = match result {
            Ok(()) => json!({"status": "ok"}),
            Err(reason) => json!({"status": "failing", "reason": reason}),
        };
        checks.insert(probe.name().to_owned(), entry);
    }

    let body = json!({
        "status": if healthy { "ok" } else { "degraded" },
        "version": env!("CARGO_PKG_VERSION"),
        "time": now.format(&Rfc3339).unwrap_or_default(),
        "uptime_seconds": (now - deps.started_at).whole_seconds().max(0),
        "checks": checks,
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn metrics(State(deps): State<AdminDeps>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        deps.metrics.encode(),
    )
        .into_response()
}
