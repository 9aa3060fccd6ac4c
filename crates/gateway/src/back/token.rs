//! POST /oauth/token: authorization code and refresh grants, with the client bound to its TLS certificate.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use medmij::error::{ErrorDescription, OAuthError, OAuthFailure};
use medmij::token::{TokenRequest, TokenResponse, client_matches_certificate, parse_request};

use crate::grants::RequestIds;
use crate::state::App;

/// Largest accepted token request body; a real one is a few hundred bytes.
pub(super) const MAX_BODY_BYTES: usize = 16 * 1024;

/// Handles a token request.
pub async fn token(
    State(app): State<Arc<App>>,
    peer: Option<axum::Extension<tls::PeerCertificate>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let ids = RequestIds {
        medmij_request_id: header_text(&headers, "MedMij-Request-ID"),
        correlation_id: header_text(&headers, "X-Correlation-ID"),
    };
    // A body over the router's limit arrives as a rejection and gets the oversized-body error.
    let outcome = match body {
        Ok(body) => handle(&app, peer.map(|p| p.0), &headers, &body, &ids).await,
        Err(_) => Err(OAuthFailure::new(
            OAuthError::InvalidRequest,
            ErrorDescription::MissingGrantType,
        )),
    };
    match outcome {
        Ok(response) => {
            app.metrics.token("issued");
            json_response(StatusCode::OK, response.to_json(), &ids)
        }
        Err(failure) => {
            app.metrics.token(failure.error.as_str());
            tracing::info!(
                error = failure.error.as_str(),
                description = failure.description.as_str(),
                medmij_request_id = %ids.medmij_request_id,
                correlation_id = %ids.correlation_id,
                "token request rejected"
            );
            let status = StatusCode::from_u16(failure.error.token_status())
                .unwrap_or(StatusCode::BAD_REQUEST);
            json_response(status, failure.to_json(), &ids)
        }
    }
}

async fn handle(
    app: &App,
    peer: Option<tls::PeerCertificate>,
    headers: &HeaderMap,
    body: &[u8],
    ids: &RequestIds,
) -> Result<TokenResponse, OAuthFailure> {
    let invalid = |description| OAuthFailure::new(OAuthError::InvalidRequest, description);
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    // NOTE: medmij has no description for a wrong content type or an oversized body; a body the
    // form parser cannot read has no grant_type either, so that description is used.
    if !form_encoded || body.len() > MAX_BODY_BYTES {
        return Err(invalid(ErrorDescription::MissingGrantType));
    }
    let body =
        std::str::from_utf8(body).map_err(|_| invalid(ErrorDescription::MissingGrantType))?;
    let request = parse_request(body, &app.token_options)?;

    // The client is authenticated by its certificate only: the client_id must be one of the
    // certificate's DNS names and on the current Whitelist.
    let client_id = request.client_id().to_owned();
    let certificate_names = peer.map(|p| p.dns_names).unwrap_or_default();
    let whitelisted = app
        .lists
        .snapshot()
        .whitelist
        .as_ref()
        .is_some_and(|whitelist| whitelist.contains(&client_id));
    if !client_matches_certificate(&client_id, &certificate_names) || !whitelisted {
        tracing::warn!(
            %client_id,
            ?certificate_names,
            whitelisted,
            correlation_id = %ids.correlation_id,
            "token request from a client whose certificate or Whitelist entry does not match"
        );
        return Err(OAuthFailure::new(
            OAuthError::InvalidClient,
            ErrorDescription::ClientCertificateMismatch,
        ));
    }

    let now = app.clock.now();
    match request {
        TokenRequest::AuthorizationCode {
            code,
            redirect_uri,
            client_id,
        } => {
            app.grants
                .redeem_code(app, &code, &client_id, &redirect_uri, ids, now)
                .await
        }
        TokenRequest::Refresh {
            refresh_token,
            client_id,
            alias_used,
        } => {
            if alias_used {
                tracing::warn!(
                    %client_id,
                    correlation_id = %ids.correlation_id,
                    "grant_type=refresh_code used (compatibility alias of refresh_token)"
                );
            }
            app.grants
                .refresh(app, &refresh_token, &client_id, ids, now)
                .await
        }
    }
}

/// Returns a request id header when it is a UUID, as MedMij defines it, else an empty string.
pub(super) fn header_text(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| uuid::Uuid::parse_str(value).is_ok())
        .unwrap_or_default()
        .to_owned()
}

pub(super) fn json_response(status: StatusCode, body: String, ids: &RequestIds) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    // The person waits in the browser while the PGO retries, so the retry comes soon.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    if let Ok(value) = HeaderValue::from_str(&ids.medmij_request_id)
        && !ids.medmij_request_id.is_empty()
    {
        headers.insert("MedMij-Request-ID", value);
    }
    response
}
