//! The demo PGO web app at `https://pgo.localhost`: pick a practice and a gegevensdienst, go through
//! the MedMij flow in the browser, and see the data.
//!
//! The browser is sent to the DVZA's authorization endpoint. `/callback` checks that `state` belongs
//! to a flow started by the same browser (cookie), then exchanges the code over mutual TLS and keeps
//! the token in server memory only. No BSN passes through the PGO.

mod chart;
mod fhir_view;
mod i18n;
mod page;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use common::Clock;
use serde::Deserialize;

use crate::client::{Endpoints, Format, PgoClient, Session, scope_for};
use crate::directory::Directory;
pub use i18n::Lang;
use page::DataView;

const SESSION_COOKIE: &str = "pgo_session";
const LANG_COOKIE: &str = "pgo_lang";

/// Settings of the web app.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The PGO client (its redirect URI must point at this app's `/callback`).
    pub client: PgoClient,
    /// Base URL of the stelselnode, for the Zorgaanbiederslijst and Gegevensdienstnamenlijst.
    pub stelselnode_url: String,
    /// The clock, for the `periodofuse` date of the medication search.
    pub clock: Arc<dyn Clock>,
}

/// A flow started by a browser and not yet returned.
#[derive(Debug, Clone)]
struct PendingFlow {
    browser: String,
    practice: String,
    service: String,
    gegevensdienst: String,
    endpoints: Endpoints,
    correlation_id: String,
}

/// A browser's connection to a practice after the token exchange.
#[derive(Debug, Clone)]
struct Connected {
    practice: String,
    service: String,
    gegevensdienst: String,
    session: Session,
    letters: Vec<String>,
}

#[derive(Debug)]
struct App {
    settings: WebSettings,
    pending: Mutex<HashMap<String, PendingFlow>>,
    connected: Mutex<HashMap<String, Connected>>,
}

impl App {
    async fn directory(&self) -> Result<Directory, String> {
        let client = self
            .settings
            .client
            .browser()
            .map_err(|error| error.to_string())?;
        Directory::fetch(&client, &self.settings.stelselnode_url)
            .await
            .map_err(|error| error.to_string())
    }
}

/// Builds the router of the web app.
pub fn router(settings: WebSettings) -> Router {
    let app = Arc::new(App {
        settings,
        pending: Mutex::new(HashMap::new()),
        connected: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/", get(home))
        .route("/start", get(start))
        .route("/callback", get(callback))
        .route("/data", get(data))
        .route("/document/{index}", get(document))
        .route("/logout", post(logout))
        .with_state(app)
}

/// Serves the web app over TLS on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Arc<rustls::ServerConfig>,
    settings: WebSettings,
    shutdown: impl Future<Output = ()>,
) {
    tls::serve(listener, config, router(settings), shutdown).await;
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn set_cookie(response: &mut Response, name: &str, value: &str) {
    let cookie = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[derive(Debug, Deserialize, Default)]
struct LangParam {
    lang: Option<String>,
}

/// Picks the language from `?lang=`, the language cookie, `Accept-Language`, else Dutch.
fn language(headers: &HeaderMap, explicit: Option<&str>) -> Lang {
    explicit
        .and_then(Lang::parse)
        .or_else(|| {
            cookie(headers, LANG_COOKIE)
                .as_deref()
                .and_then(Lang::parse)
        })
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
                .and_then(Lang::parse)
        })
        .unwrap_or_default()
}

fn html_response(lang: Lang, status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    set_cookie(&mut response, LANG_COOKIE, lang.code());
    response
}

async fn home(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(param): Query<LangParam>,
) -> Response {
    let lang = language(&headers, param.lang.as_deref());
    let directory = app.directory().await;
    if let Err(error) = &directory {
        tracing::warn!(%error, "list download failed");
    }
    html_response(
        lang,
        StatusCode::OK,
        page::home(lang, directory.as_ref().map_err(Clone::clone)),
    )
}

#[derive(Debug, Deserialize)]
struct StartParams {
    practice: String,
    gegevensdienst: String,
    lang: Option<String>,
}

async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(params): Query<StartParams>,
) -> Response {
    let lang = language(&headers, params.lang.as_deref());
    let directory = match app.directory().await {
        Ok(directory) => directory,
        Err(error) => {
            let text = lang.ta("home-lists-failed", &[("error", &error)]);
            let html = page::message(lang, &lang.t("callback-failed-title"), &text);
            return html_response(lang, StatusCode::BAD_GATEWAY, html);
        }
    };
    let offer = directory.practice(&params.practice).and_then(|practice| {
        practice
            .offers
            .iter()
            .find(|offer| offer.id == params.gegevensdienst)
            .map(|offer| (practice.naam.clone(), offer.clone()))
    });
    let Some((practice, offer)) = offer else {
        let html = page::message(
            lang,
            &lang.t("callback-failed-title"),
            &lang.t("home-no-practices"),
        );
        return html_response(lang, StatusCode::NOT_FOUND, html);
    };
    let scope = scope_for(&practice, Some(&offer.id));
    let request = match app
        .settings
        .client
        .authorization_request(&offer.endpoints.authorization, &scope)
    {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(%error, "building the authorization request failed");
            let html = page::message(lang, &lang.t("callback-failed-title"), &error.to_string());
            return html_response(lang, StatusCode::INTERNAL_SERVER_ERROR, html);
        }
    };
    let browser = cookie(&headers, SESSION_COOKIE)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    app.pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            request.state.clone(),
            PendingFlow {
                browser: browser.clone(),
                practice,
                service: offer.weergavenaam.clone(),
                gegevensdienst: offer.id.clone(),
                endpoints: offer.endpoints.clone(),
                correlation_id: request.correlation_id.clone(),
            },
        );
    tracing::info!(correlation_id = %request.correlation_id, %scope, "authorization request started");
    let mut url = request.url.clone();
    url.query_pairs_mut().append_pair("lang", lang.code());
    let mut response = Redirect::to(url.as_str()).into_response();
    set_cookie(&mut response, SESSION_COOKIE, &browser);
    set_cookie(&mut response, LANG_COOKIE, lang.code());
    response
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let lang = language(&headers, None);
    let title = lang.t("callback-failed-title");
    let browser = cookie(&headers, SESSION_COOKIE);
    // The state is single use: it is removed whatever the outcome.
    let pending = query.state.as_deref().and_then(|state| {
        app.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(state)
    });
    let Some(pending) = pending.filter(|pending| Some(&pending.browser) == browser.as_ref()) else {
        tracing::warn!("callback with an unknown state or from another browser");
        return html_response(
            lang,
            StatusCode::BAD_REQUEST,
            page::message(lang, &title, &lang.t("callback-state")),
        );
    };
    if let Some(error) = query.error {
        tracing::info!(correlation_id = %pending.correlation_id, %error, description = ?query.error_description, "authorization refused");
        let text = lang.ta("callback-denied", &[("error", &error)]);
        return html_response(lang, StatusCode::OK, page::message(lang, &title, &text));
    }
    let Some(code) = query.code.filter(|code| !code.is_empty()) else {
        return html_response(
            lang,
            StatusCode::BAD_REQUEST,
            page::message(lang, &title, &lang.t("callback-state")),
        );
    };
    let token = match app
        .settings
        .client
        .exchange_code(&pending.endpoints.token, &code, &pending.correlation_id)
        .await
    {
        Ok(token) => token,
        Err(error) => {
            tracing::warn!(correlation_id = %pending.correlation_id, %error, "token exchange failed");
            let text = lang.ta("callback-token", &[("error", &error.to_string())]);
            return html_response(
                lang,
                StatusCode::BAD_GATEWAY,
                page::message(lang, &title, &text),
            );
        }
    };
    let connected = Connected {
        practice: pending.practice,
        service: pending.service,
        gegevensdienst: pending.gegevensdienst,
        session: Session {
            token,
            correlation_id: pending.correlation_id,
            fhir_base: pending.endpoints.fhir_base,
        },
        letters: Vec::new(),
    };
    app.connected
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(pending.browser, connected);
    Redirect::to("/data").into_response()
}

fn connected(app: &App, headers: &HeaderMap) -> Option<(String, Connected)> {
    let browser = cookie(headers, SESSION_COOKIE)?;
    let connected = app
        .connected
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&browser)
        .cloned()?;
    Some((browser, connected))
}

async fn bundle(app: &App, session: &Session, search: &str) -> Result<serde_json::Value, String> {
    let response = app
        .settings
        .client
        .search(session, search, Format::Json)
        .await
        .map_err(|error| error.to_string())?;
    serde_json::from_slice(&response.body).map_err(|error| format!("invalid JSON: {error}"))
}

async fn part<T>(
    app: &App,
    session: &Session,
    search: &str,
    read: impl Fn(&serde_json::Value) -> Vec<T>,
) -> Option<page::Part<T>> {
    Some(
        bundle(app, session, search)
            .await
            .map(|bundle| read(&bundle)),
    )
}

async fn data(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(param): Query<LangParam>,
) -> Response {
    let lang = language(&headers, param.lang.as_deref());
    let Some((browser, mut connected)) = connected(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    let session = &connected.session;
    let mut view = DataView {
        practice: connected.practice.clone(),
        service: connected.service.clone(),
        ..DataView::default()
    };
    if connected.gegevensdienst == "51" {
        view.letters = part(
            &app,
            session,
            "DocumentReference?status=current",
            fhir_view::letters,
        )
        .await;
        if let Some(Ok(letters)) = &view.letters {
            connected.letters = letters.iter().map(|letter| letter.url.clone()).collect();
        }
    } else {
        let today = app.settings.clock.now().date();
        view.episodes = part(&app, session, "EpisodeOfCare", fhir_view::episodes).await;
        let medication = format!(
            "MedicationRequest?periodofuse=ge{today}&category=http://snomed.info/sct|16076005&_include=MedicationRequest:medication"
        );
        view.medication = part(&app, session, &medication, fhir_view::medication).await;
        view.intolerances = part(
            &app,
            session,
            "AllergyIntolerance?category=medication",
            fhir_view::intolerances,
        )
        .await;
        view.results = part(
            &app,
            session,
            "Observation?code=https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen|&_include=Observation:related-target&_include=Observation:specimen",
            fhir_view::measurements,
        )
        .await;
        view.journal = part(
            &app,
            session,
            "Composition?type=http://loinc.org|67781-5",
            fhir_view::journal,
        )
        .await;
    }
    app.connected
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(browser, connected);
    html_response(lang, StatusCode::OK, page::data(lang, &view))
}

async fn document(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(index): Path<usize>,
) -> Response {
    let lang = language(&headers, None);
    let Some((_, connected)) = connected(&app, &headers) else {
        return Redirect::to("/").into_response();
    };
    let Some(url) = connected.letters.get(index) else {
        return (StatusCode::NOT_FOUND, "no such document\n").into_response();
    };
    // Relative attachment URLs (`Binary/<id>`) are resolved against the FHIR base. Absolute URLs
    // are fetched only under that base, so the token is never sent to another server.
    let base = connected.session.fhir_base.trim_end_matches('/');
    let absolute = if url.starts_with("https://") {
        url.clone()
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    };
    if !absolute.starts_with(&format!("{base}/")) {
        tracing::warn!("attachment URL outside the FHIR base, not fetched");
        return (
            StatusCode::BAD_REQUEST,
            "attachment outside the FHIR base\n",
        )
            .into_response();
    }
    match app
        .settings
        .client
        .get_with_token(&connected.session, &absolute, "application/pdf")
        .await
    {
        Ok(response) => {
            let content_type = if response.content_type.is_empty() {
                "application/pdf".to_owned()
            } else {
                response.content_type.clone()
            };
            ([(header::CONTENT_TYPE, content_type)], response.body).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, "document download failed");
            let text = lang.ta("data-failed", &[("error", &error.to_string())]);
            html_response(
                lang,
                StatusCode::BAD_GATEWAY,
                page::message(lang, &lang.t("callback-failed-title"), &text),
            )
        }
    }
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(browser) = cookie(&headers, SESSION_COOKIE) {
        app.connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&browser);
    }
    Redirect::to("/").into_response()
}
