//! The back channel: `POST /artifact` resolves a SOAP ArtifactResolve over mutual TLS.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::state::State;

/// Largest ArtifactResolve accepted, in bytes.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/artifact", post(resolve))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn resolve(
    AxumState(state): AxumState<Arc<State>>,
    peer: Option<Extension<tls::PeerCertificate>>,
    body: String,
) -> Response {
    let Some(Extension(peer)) = peer else {
        tracing::warn!("artifact resolution without a client certificate");
        return soap_fault(StatusCode::FORBIDDEN, "a client certificate is required");
    };
    let now = state.clock.now();
    match state.settings.idp.resolve(&body, &state.artifacts, now) {
        Ok(resolution) => {
            match &resolution.artifact_error {
                Some(error) => {
                    tracing::info!(client = %peer.subject, %error, "artifact did not resolve");
                }
                None => tracing::info!(client = %peer.subject, "artifact resolved"),
            }
            (
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                resolution.soap_xml,
            )
                .into_response()
        }
        Err(error) => {
            tracing::warn!(client = %peer.subject, %error, "ArtifactResolve rejected");
            soap_fault(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string())
        }
    }
}

/// Returns a SOAP 1.1 client fault; SOAP sends faults with HTTP 500.
fn soap_fault(status: StatusCode, reason: &str) -> Response {
    let body = format!(
        concat!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
            r#"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{}</faultstring>"#,
            r#"</soap:Fault></soap:Body></soap:Envelope>"#
        ),
        crate::page::escape(reason)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}
