//! POST /oauth/consent: log the decision, then redirect with a code or with `access_denied`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use medmij::error::{ErrorDescription, OAuthError, OAuthFailure};
use medmij::lifecycle::ConsentDuration;
use url::Url;

use super::login::finish_with_error;
use super::session::{Step, secrets_equal};
use super::{
    clear_cookie, expired, form_value, language, redirect, session_cookie, technical_error,
};
use crate::grants::{AuditEvent, NewGrant};
use crate::state::App;

/// Handles the consent form: `decision=yes|no`, optional `indefinite=yes`.
pub async fn consent(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let now = app.clock.now();
    let Some(session) = app.sessions.find(session_cookie(&headers), now).await else {
        return expired(language(&headers, None, None));
    };
    let tr = language(&headers, None, Some(&session));
    let csrf = form_value(&body, "csrf").unwrap_or_default();
    if !secrets_equal(&csrf, &session.csrf) {
        tracing::warn!(session = %session.public_id, "consent form with a wrong CSRF token");
        return expired(tr);
    }
    let Step::Consent { bsn } = session.step.clone() else {
        return expired(tr);
    };

    if form_value(&body, "decision").as_deref() != Some("yes") {
        tracing::info!(
            session = %session.public_id,
            correlation_id = %session.request.correlation_id,
            "consent refused"
        );
        app.metrics.authorize("consent-refused");
        app.grants
            .audit(
                AuditEvent::refusal(&session, Some(&bsn), "consent-refused"),
                now,
            )
            .await;
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

    let duration = if form_value(&body, "indefinite").as_deref() == Some("yes") {
        ConsentDuration::Indefinite
    } else {
        ConsentDuration::OneOff
    };
    let code = medmij::secret::Secret::generate();
    let grant = NewGrant {
        code_hash: code.hash(),
        bsn: bsn.clone(),
        client_id: session.request.client_id.clone(),
        redirect_uri: session.request.redirect_uri.clone(),
        practice: session.request.practice.clone(),
        gegevensdiensten: session.request.gegevensdiensten.clone(),
        duration,
        correlation_id: session.request.correlation_id.clone(),
    };
    if let Err(error) = app
        .grants
        .consent_and_code(&grant, app.lifetimes.code, now)
        .await
    {
        return technical_error(tr, &session, &error);
    }
    app.sessions.remove(&session.id).await;
    tracing::info!(
        session = %session.public_id,
        client_id = %session.request.client_id,
        correlation_id = %session.request.correlation_id,
        duration = duration.as_str(),
        "consent given, code issued"
    );
    app.metrics.authorize("consent-given");

    let Ok(url) = Url::parse(&session.request.redirect_uri) else {
        return technical_error(tr, &session, &"stored redirect URI no longer parses");
    };
    let location = medmij::authorize::code_redirect(&url, code.as_str(), &session.request.state);
    let mut response = redirect(&location);
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    response
}
