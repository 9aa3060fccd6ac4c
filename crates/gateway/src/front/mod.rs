//! The front channel: authorization endpoint, DigiD login, availability check and consent screens.

mod authorize;
mod consent;
mod login;
pub mod pages;
pub mod session;
pub mod session_store;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use url::Url;

use crate::i18n::{Lang, Tr};
use crate::state::App;
use pages::{ErrorPage, ExpiredPage, render};
use session::{COOKIE_NAME, Session};

/// Builds the front-channel router.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/oauth/authorize", get(authorize::authorize))
        .route("/oauth/continue", get(authorize::resume))
        .route("/oauth/login", post(login::login))
        .route("/oauth/acs", get(login::acs))
        .route("/oauth/consent", post(consent::consent))
        .route("/static/style.css", get(stylesheet))
        .layer(axum::middleware::map_response(screen_headers))
        .with_state(app)
}

async fn screen_headers(mut response: Response) -> Response {
    pages::add_screen_headers(&mut response);
    response
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        pages::STYLESHEET,
    )
        .into_response()
}

/// Returns the session cookie value sent by the browser.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

/// Builds the `Set-Cookie` value for a new session.
fn set_cookie(session: &Session, max_age_secs: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}",
        session.id
    ))
    .ok()
}

/// The `Set-Cookie` value that removes the session cookie.
fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-lspplus-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
    )
}

/// Returns a header as text, if present and visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Picks the screen language from the session's choice, a `lang` value or `Accept-Language`.
fn language(headers: &HeaderMap, explicit: Option<&str>, session: Option<&Session>) -> Tr {
    let stored = session.and_then(|s| s.lang).map(Lang::code);
    Tr {
        lang: Lang::negotiate(
            explicit.or(stored),
            header_text(headers, header::ACCEPT_LANGUAGE.as_str()),
        ),
    }
}

/// A 302 redirect to `location`.
fn redirect(location: &Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The page for a missing, expired or already finished session.
fn expired(tr: Tr) -> Response {
    render(
        StatusCode::BAD_REQUEST,
        &ExpiredPage {
            tr,
            lang_switch_url: None,
        },
    )
}

/// The technical error page; the cause goes to the log under the trace id shown to the person.
fn technical_error(tr: Tr, session: &Session, cause: &dyn std::fmt::Display) -> Response {
    let trace_id = uuid::Uuid::new_v4().to_string();
    tracing::error!(
        %cause,
        trace_id,
        session = %session.public_id,
        correlation_id = %session.request.correlation_id,
        "technical error in the authorization flow"
    );
    let back = Url::parse(&session.request.redirect_uri).ok().map(|url| {
        let failure = medmij::error::OAuthFailure::new(
            medmij::error::OAuthError::AccessDenied,
            medmij::error::ErrorDescription::AuthorizationFailed,
        );
        (
            medmij::authorize::error_redirect(&url, failure, Some(&session.request.state))
                .to_string(),
            session.request.client_name.clone(),
        )
    });
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &ErrorPage {
            tr,
            lang_switch_url: None,
            trace_id,
            session_id: session.public_id.clone(),
            back,
        },
    )
}

/// Parses an `application/x-www-form-urlencoded` body into its first value per name.
fn form_value(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The URL that switches the language of the current session's screen.
fn switch_url(tr: Tr) -> Option<String> {
    Some(format!("/oauth/continue?lang={}", tr.lang.other().code()))
}
