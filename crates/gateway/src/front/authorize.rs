//! GET /oauth/authorize: validate the request, start a session, show the landing page.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use medmij::authorize::{AuthorizeError, AuthorizeParams};

use super::pages::{CancelPage, ConsentPage, InvalidRequestPage, LandingPage, render};
use super::session::{AuthRequest, Session, Step};
use super::{expired, header_text, language, redirect, session_cookie, set_cookie, switch_url};
use crate::i18n::{Lang, Tr};
use crate::state::App;

/// Handles the authorization request (query string or, for the MedMij ids, headers).
pub async fn authorize(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    let lang_param = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "lang")
        .map(|(_, value)| value.into_owned());
    let tr = language(&headers, lang_param.as_deref(), None);
    let params = AuthorizeParams::from_query(&query).with_header_ids(
        header_text(&headers, "MedMij-Request-ID"),
        header_text(&headers, "X-Correlation-ID"),
    );
    let request_id = params.medmij_request_id.clone().unwrap_or_default();
    let correlation_id = params.correlation_id.clone().unwrap_or_default();
    let lists = app.lists.snapshot();

    let valid = match medmij::authorize::validate(&params, &lists, &app.provider_view) {
        Ok(valid) => valid,
        Err(AuthorizeError::NoRedirect(reason)) => {
            tracing::warn!(
                reason = reason.key(),
                client_id = params.client_id.as_deref().unwrap_or(""),
                medmij_request_id = %request_id,
                correlation_id = %correlation_id,
                "authorization request rejected without redirect"
            );
            app.metrics.authorize(reason.key());
            return render(
                StatusCode::BAD_REQUEST,
                &InvalidRequestPage {
                    tr,
                    lang_switch_url: Some(language_variant(&query, tr.lang.other())),
                    reason: reason.to_string(),
                },
            );
        }
        Err(error @ AuthorizeError::Redirect { .. }) => {
            tracing::info!(
                %error,
                client_id = params.client_id.as_deref().unwrap_or(""),
                medmij_request_id = %request_id,
                correlation_id = %correlation_id,
                "authorization request rejected with redirect"
            );
            app.metrics.authorize("rejected-redirect");
            return match error.location() {
                Some(location) => redirect(&location),
                None => expired(tr),
            };
        }
    };

    let request = AuthRequest {
        client_id: valid.client.hostname.clone(),
        client_name: valid.client.organisatienaam.clone(),
        redirect_uri: valid.redirect_uri.clone(),
        state: valid.state.clone(),
        practice: valid.aanbieder.clone(),
        gegevensdiensten: valid
            .gegevensdiensten
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect(),
        // A flow without X-Correlation-ID still gets one, so that the logs can be joined.
        correlation_id: valid
            .correlation_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        request_id: valid.medmij_request_id.clone().unwrap_or_default(),
    };
    let now = app.clock.now();
    let session = Session::new(request, now, lang_param.as_deref().and_then(Lang::parse));
    tracing::info!(
        session = %session.public_id,
        client_id = %session.request.client_id,
        practice = %session.request.practice,
        gegevensdiensten = ?session.request.gegevensdiensten,
        medmij_request_id = %session.request.request_id,
        correlation_id = %session.request.correlation_id,
        "authorization request accepted"
    );
    app.metrics.authorize("accepted");
    let mut response = landing(&app, tr, &session);
    if let Some(cookie) = set_cookie(&session, app.config.lifetimes.session_secs) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    app.sessions.put(session, now).await;
    response
}

/// GET /oauth/continue: shows the session's current screen again, optionally in another language.
pub async fn resume(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang_param = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "lang")
        .map(|(_, value)| value.into_owned());
    let now = app.clock.now();
    let Some(mut session) = app.sessions.find(session_cookie(&headers), now).await else {
        return expired(language(&headers, lang_param.as_deref(), None));
    };
    if let Some(lang) = lang_param.as_deref().and_then(Lang::parse) {
        session.lang = Some(lang);
        app.sessions.put(session.clone(), now).await;
    }
    let tr = language(&headers, None, Some(&session));
    match &session.step {
        Step::Landing | Step::Digid { .. } => landing(&app, tr, &session),
        Step::Consent { .. } => consent_page(&app, tr, &session),
        Step::Cancelled => cancel_page(tr, &session),
    }
}

/// Renders the landing page of `session`.
pub fn landing(app: &App, tr: Tr, session: &Session) -> Response {
    render(
        StatusCode::OK,
        &LandingPage {
            tr,
            lang_switch_url: switch_url(tr),
            pgo_name: session.request.client_name.clone(),
            provider_name: provider_name(app, session),
            csrf: session.csrf.clone(),
        },
    )
}

/// Renders the consent page of `session`, with names from the configuration, OCL and GNL.
pub fn consent_page(app: &App, tr: Tr, session: &Session) -> Response {
    let lists = app.lists.snapshot();
    let gegevensdienst_names = session
        .request
        .gegevensdiensten
        .iter()
        .map(|id| {
            lists
                .gegevensdienstnamen
                .as_ref()
                .and_then(|gnl| gnl.weergavenaam(id))
                .map_or_else(|| id.clone(), str::to_owned)
        })
        .collect();
    render(
        StatusCode::OK,
        &ConsentPage {
            tr,
            lang_switch_url: switch_url(tr),
            pgo_name: session.request.client_name.clone(),
            provider_name: provider_name(app, session),
            gegevensdienst_names,
            csrf: session.csrf.clone(),
        },
    )
}

/// Renders the cancel page of `session`.
pub fn cancel_page(tr: Tr, session: &Session) -> Response {
    render(
        StatusCode::OK,
        &CancelPage {
            tr,
            lang_switch_url: switch_url(tr),
            pgo_name: session.request.client_name.clone(),
            csrf: session.csrf.clone(),
        },
    )
}

fn provider_name(app: &App, session: &Session) -> String {
    app.config.practice(&session.request.practice).map_or_else(
        || session.request.practice.clone(),
        |p| p.display_name.clone(),
    )
}

/// The authorization URL with `lang` set to `lang`, for the switch on the error page.
fn language_variant(query: &str, lang: Lang) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if name != "lang" {
            serializer.append_pair(&name, &value);
        }
    }
    serializer.append_pair("lang", lang.code());
    format!("/oauth/authorize?{}", serializer.finish())
}
