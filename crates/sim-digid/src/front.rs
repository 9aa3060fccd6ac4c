//! The front channel: the login page for a signed AuthnRequest and the redirect back to the ACS.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Query, RawQuery, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use common::Bsn;
use saml::AssuranceLevel;
use saml::idp::IdentityProvider;
use serde::Deserialize;

use crate::i18n::Lang;
use crate::page::{self, LoginPage};
use crate::state::{Pending, State};

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/saml/sso", get(sso))
        .route("/saml/login", get(show_login).post(submit_login))
        .with_state(state)
}

/// Name of the cookie that carries the CSRF token of login page `transaction`.
fn csrf_cookie_name(transaction: &str) -> String {
    format!("digid_csrf_{transaction}")
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // No `form-action`: Chromium applies it to the redirect that follows the login POST, which
    // goes to the service provider's Assertion Consumer Service on another origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

fn error_page(status: StatusCode, lang: Lang, text_key: &str) -> Response {
    no_store((status, Html(page::error(lang, text_key))).into_response())
}

fn login_page(
    state: &State,
    lang: Lang,
    transaction: &str,
    pending: &Pending,
    error: Option<&str>,
) -> Response {
    let html = page::login(&LoginPage {
        lang,
        sp_entity_id: &pending.request.sp_entity_id,
        persons: &state.settings.persons,
        transaction,
        csrf_token: &pending.csrf_token,
        error,
    });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = (status, Html(html)).into_response();
    let cookie = format!(
        "{}={}; Path=/saml/login; Secure; HttpOnly; SameSite=Strict",
        csrf_cookie_name(transaction),
        pending.csrf_token
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    no_store(response)
}

/// `GET /saml/sso`: checks the signed AuthnRequest and shows the login page.
async fn sso(AxumState(state): AxumState<Arc<State>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let lang = Lang::from_param(
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
            .as_deref(),
    );
    let now = state.clock.now();
    let request = match state.settings.idp.parse_authn_request(&query, now) {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(%error, "AuthnRequest rejected");
            return error_page(StatusCode::BAD_REQUEST, lang, "bad-request");
        }
    };
    tracing::info!(request_id = %request.id, sp = %request.sp_entity_id, "login page shown");
    let (transaction, _) = state.open(request);
    match state.get(&transaction) {
        Some(pending) => login_page(&state, lang, &transaction, &pending, None),
        None => error_page(StatusCode::BAD_REQUEST, lang, "bad-request"),
    }
}

#[derive(Debug, Deserialize)]
struct ShowParams {
    tx: String,
    lang: Option<String>,
}

/// `GET /saml/login?tx=…&lang=…`: shows an open login page again, for the language switch.
async fn show_login(
    AxumState(state): AxumState<Arc<State>>,
    Query(params): Query<ShowParams>,
) -> Response {
    let lang = Lang::from_param(params.lang.as_deref());
    match state.get(&params.tx) {
        Some(pending) => login_page(&state, lang, &params.tx, &pending, None),
        None => error_page(StatusCode::BAD_REQUEST, lang, "bad-request"),
    }
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    tx: String,
    csrf: String,
    lang: Option<String>,
    person: Option<usize>,
    bsn: Option<String>,
    action: String,
}

/// Returns whether the request carries the cookie `name` with value `expected`.
fn has_cookie(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(n, v)| n == name && v == expected)
}

/// `POST /saml/login`: logs the chosen person in, or cancels, and redirects to the ACS.
async fn submit_login(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = Lang::from_param(form.lang.as_deref());
    let Some(pending) = state.get(&form.tx) else {
        return error_page(StatusCode::BAD_REQUEST, lang, "bad-request");
    };
    let cookie_ok = has_cookie(&headers, &csrf_cookie_name(&form.tx), &pending.csrf_token);
    if form.csrf != pending.csrf_token || !cookie_ok {
        tracing::warn!(request_id = %pending.request.id, "login form rejected: CSRF token mismatch");
        return error_page(StatusCode::FORBIDDEN, lang, "forbidden");
    }

    let now = state.clock.now();
    let idp = &state.settings.idp;
    let response_xml = if form.action == "cancel" {
        tracing::info!(request_id = %pending.request.id, "login cancelled");
        idp.failure_response(&pending.request, "Authentication cancelled", now)
    } else {
        let bsn = match chosen_bsn(&state, &form) {
            Ok(bsn) => bsn,
            Err(error_key) => return login_page(&state, lang, &form.tx, &pending, Some(error_key)),
        };
        let level = pending
            .request
            .requested_level
            .unwrap_or(AssuranceLevel::Substantieel);
        match idp.success_response(&pending.request, &bsn, level, now) {
            Ok(xml) => xml,
            Err(error) => {
                tracing::error!(%error, request_id = %pending.request.id, "building the Response failed");
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, lang, "bad-request");
            }
        }
    };
    state.close(&form.tx);

    let artifact = state.artifacts.issue(
        &idp.entity_id,
        &pending.request.sp_entity_id,
        response_xml,
        now,
    );
    tracing::info!(request_id = %pending.request.id, "artifact issued, redirecting to the ACS");
    let location = IdentityProvider::acs_redirect(&pending.request, &artifact);
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    let expired_cookie = format!(
        "{}=; Path=/saml/login; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
        csrf_cookie_name(&form.tx)
    );
    if let Ok(value) = HeaderValue::from_str(&expired_cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    no_store(response)
}

/// Returns the BSN typed in the free field, else the chosen test person's, else a fluent error key.
fn chosen_bsn(state: &State, form: &LoginForm) -> Result<Bsn, &'static str> {
    let typed: String = form
        .bsn
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    if !typed.is_empty() {
        return Bsn::parse(&typed).map_err(|_| "invalid-bsn");
    }
    form.person
        .and_then(|index| state.settings.persons.get(index))
        .map(|person| person.bsn.clone())
        .ok_or("no-choice")
}
