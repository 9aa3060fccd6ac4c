//! The DigiD step: POST /oauth/login sends the browser to DigiD, GET /oauth/acs receives it back.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use medmij::error::{ErrorDescription, OAuthError, OAuthFailure};
use url::Url;

use super::authorize::{cancel_page, consent_page};
use super::session::{Session, Step, secrets_equal};
use super::{
    clear_cookie, expired, form_value, language, redirect, session_cookie, technical_error,
};
use crate::availability::{self, Availability};
use crate::digid::DigidError;
use crate::grants::AuditEvent;
use crate::state::App;

/// Handles the landing and cancel page forms: `action=login` or `action=stop`.
pub async fn login(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let now = app.clock.now();
    let Some(mut session) = app.sessions.find(session_cookie(&headers), now).await else {
        return expired(language(&headers, None, None));
    };
    let tr = language(&headers, None, Some(&session));
    let csrf = form_value(&body, "csrf").unwrap_or_default();
    if !secrets_equal(&csrf, &session.csrf) {
        tracing::warn!(session = %session.public_id, "login form with a wrong CSRF token");
        return expired(tr);
    }
    if !matches!(
        session.step,
        Step::Landing | Step::Digid { .. } | Step::Cancelled
    ) {
        return expired(tr);
    }

    if form_value(&body, "action").as_deref() == Some("stop") {
        tracing::info!(
            session = %session.public_id,
            correlation_id = %session.request.correlation_id,
            "person stopped before logging in"
        );
        app.metrics.authorize("stopped");
        return finish_with_error(
            &app,
            &session,
            OAuthFailure::new(
                OAuthError::AccessDenied,
                ErrorDescription::AuthorizationDenied,
            ),
        )
        .await;
    }

    match app.digid.login_redirect(&session.relay, now) {
        Ok((location, saml_request_id)) => {
            tracing::info!(
                session = %session.public_id,
                correlation_id = %session.request.correlation_id,
                "sending the browser to DigiD"
            );
            session.step = Step::Digid { saml_request_id };
            app.sessions.put(session, now).await;
            redirect(&location)
        }
        Err(error) => technical_error(tr, &session, &error),
    }
}

/// Query parameters of the artifact binding.
#[derive(Debug, serde::Deserialize)]
pub struct AcsParams {
    #[serde(rename = "SAMLart")]
    artifact: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// The assertion consumer service: resolve the artifact, run the availability check, ask consent.
pub async fn acs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(params): Query<AcsParams>,
) -> Response {
    let now = app.clock.now();
    let Some(mut session) = app.sessions.find(session_cookie(&headers), now).await else {
        return expired(language(&headers, None, None));
    };
    let tr = language(&headers, None, Some(&session));
    // The relay key binds DigiD's answer to the browser that started the login.
    let relay_ok = params
        .relay_state
        .as_deref()
        .is_some_and(|relay| secrets_equal(relay, &session.relay));
    let Step::Digid { saml_request_id } = session.step.clone() else {
        return expired(tr);
    };
    let (true, Some(artifact)) = (relay_ok, params.artifact) else {
        tracing::warn!(session = %session.public_id, "DigiD return without a matching RelayState or artifact");
        return expired(tr);
    };

    let assertion = match app.digid.resolve(&artifact, &saml_request_id, now).await {
        Ok(assertion) => assertion,
        Err(DigidError::Saml(saml::SamlError::AuthnFailed(reason))) => {
            tracing::info!(session = %session.public_id, %reason, "DigiD login cancelled or failed");
            app.metrics.authorize("digid-cancelled");
            session.step = Step::Cancelled;
            app.sessions.put(session.clone(), now).await;
            return cancel_page(tr, &session);
        }
        Err(DigidError::Saml(saml::SamlError::Http(reason))) => {
            return technical_error(tr, &session, &reason);
        }
        Err(error) => {
            tracing::warn!(session = %session.public_id, %error, "DigiD answer rejected");
            app.metrics.authorize("identity-not-established");
            return finish_with_error(
                &app,
                &session,
                OAuthFailure::new(
                    OAuthError::AccessDenied,
                    ErrorDescription::IdentityNotEstablished,
                ),
            )
            .await;
        }
    };

    let Some(practice) = app.config.practice(&session.request.practice) else {
        return technical_error(
            tr,
            &session,
            &"practice of the session is no longer configured",
        );
    };
    let facts = match app
        .directory
        .find(practice, &assertion.bsn, &session.request.correlation_id)
        .await
    {
        Ok(facts) => facts,
        Err(error) => return technical_error(tr, &session, &error),
    };
    let outcome = availability::decide(facts.as_ref(), now.date());
    tracing::info!(
        session = %session.public_id,
        correlation_id = %session.request.correlation_id,
        outcome = outcome.key(),
        "availability check done"
    );
    app.metrics.authorize(outcome.key());
    if outcome != Availability::Available {
        app.grants
            .audit(
                AuditEvent::refusal(&session, Some(&assertion.bsn), outcome.key()),
                now,
            )
            .await;
        return finish_with_error(
            &app,
            &session,
            OAuthFailure::new(OAuthError::AccessDenied, ErrorDescription::NoSuchResources),
        )
        .await;
    }

    session.step = Step::Consent { bsn: assertion.bsn };
    app.sessions.put(session.clone(), now).await;
    consent_page(&app, tr, &session)
}

/// Ends the session and redirects to the PGO with an OAuth error.
pub async fn finish_with_error(app: &App, session: &Session, failure: OAuthFailure) -> Response {
    app.sessions.remove(&session.id).await;
    let Ok(url) = Url::parse(&session.request.redirect_uri) else {
        return expired(language(&HeaderMap::new(), None, Some(session)));
    };
    let location = medmij::authorize::error_redirect(&url, failure, Some(&session.request.state));
    let mut response = redirect(&location).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    response
}
