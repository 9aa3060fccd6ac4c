//! POST /oauth/revoke (RFC 7009): the PGO ends a consent, for example when the person withdraws
//! consent of indefinite duration in the PGO. The client is known by its TLS certificate only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use medmij::error::OAuthError;

use super::token::{header_text, json_response};
use crate::grants::{RequestIds, Revocation};
use crate::state::App;

/// Largest accepted revocation body; a real one contains a single token.
const MAX_BODY_BYTES: usize = 4 * 1024;

/// Handles a revocation request: `token=…` form-encoded, `token_type_hint` ignored.
pub async fn revoke(
    State(app): State<Arc<App>>,
    peer: Option<axum::Extension<tls::PeerCertificate>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let ids = RequestIds {
        medmij_request_id: header_text(&headers, "MedMij-Request-ID"),
        correlation_id: header_text(&headers, "X-Correlation-ID"),
    };
    // A body over the router's limit arrives as a rejection; it contains no usable token either.
    let body = body.unwrap_or_default();
    let Some(token) = token_field(&body) else {
        return error(OAuthError::InvalidRequest, "Missing token.", &ids);
    };
    let client_names = peer.map(|p| p.0.dns_names).unwrap_or_default();

    let now = app.clock.now();
    match app
        .grants
        .revoke_by_token(&token, &client_names, &ids, now)
        .await
    {
        Ok(Revocation::Revoked | Revocation::UnknownToken) => {
            json_response(StatusCode::OK, "{}".to_owned(), &ids)
        }
        Ok(Revocation::OtherClient) => {
            tracing::warn!(
                correlation_id = %ids.correlation_id,
                "a token was presented for revocation with another client's certificate"
            );
            error(
                OAuthError::UnauthorizedClient,
                "The token was not issued to this client.",
                &ids,
            )
        }
        Err(failure) => {
            tracing::error!(error = %failure, correlation_id = %ids.correlation_id, "revoking a consent failed");
            json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"error":"temporarily_unavailable"}"#.to_owned(),
                &ids,
            )
        }
    }
}

/// Reads the `token` field of a form body of at most [`MAX_BODY_BYTES`].
fn token_field(body: &[u8]) -> Option<String> {
    if body.len() > MAX_BODY_BYTES {
        return None;
    }
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

fn error(code: OAuthError, description: &str, ids: &RequestIds) -> Response {
    let body = serde_json::json!({ "error": code.as_str(), "error_description": description });
    json_response(StatusCode::BAD_REQUEST, body.to_string(), ids)
}
