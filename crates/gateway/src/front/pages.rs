//! The patient screens as askama templates, and the response headers every screen gets.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::i18n::Tr;

/// Landing page (Landingspagina): who asks what, and the DigiD button.
#[derive(Template)]
#[template(path = "landing.html")]
pub struct LandingPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
    pub pgo_name: String,
    pub provider_name: String,
    pub csrf: String,
}

/// Consent statement (Toestemmingsverklaring) for Verzamelen.
#[derive(Template)]
#[template(path = "consent.html")]
pub struct ConsentPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
    pub pgo_name: String,
    pub provider_name: String,
    pub gegevensdienst_names: Vec<String>,
    pub csrf: String,
}

/// Cancel page (Annuleringspagina) after a cancelled DigiD login.
#[derive(Template)]
#[template(path = "cancel.html")]
pub struct CancelPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
    pub pgo_name: String,
    pub csrf: String,
}

/// Technical error page with a trace id and a session id.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
    pub trace_id: String,
    pub session_id: String,
    /// Link back to the PGO (an `access_denied` redirect), only when client and redirect URI are valid.
    pub back: Option<(String, String)>,
}

/// Error page for an invalid client or redirect URI: never a redirect.
#[derive(Template)]
#[template(path = "invalid.html")]
pub struct InvalidRequestPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
    pub reason: String,
}

/// Page for an unknown, expired or finished session.
#[derive(Template)]
#[template(path = "expired.html")]
pub struct ExpiredPage {
    pub tr: Tr,
    pub lang_switch_url: Option<String>,
}

/// The stylesheet of every screen, served from `/static/style.css`.
pub const STYLESHEET: &str = include_str!("../../static/style.css");

/// Renders a template with the screen security headers; a rendering failure becomes a bare 500.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "rendering a screen failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Adds the headers that keep screens out of frames and caches (applied as middleware).
pub fn add_screen_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
}
