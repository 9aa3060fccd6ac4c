//! Logins through the simulator's pages and the artifact resolution by the service provider.

use saml::SamlError;
use url::Url;

use crate::setup::{ACS, Running, start};

/// Returns the value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap() + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// Opens the login page for a fresh AuthnRequest; returns the page, its form fields and the request ID.
async fn open_login(running: &Running, lang: Option<&str>) -> (String, String, String, String) {
    let (mut url, request_id) = running
        .sp
        .authn_request_redirect("state-1", running.now())
        .unwrap();
    if let Some(lang) = lang {
        let query = format!("{}&lang={lang}", url.query().unwrap());
        url.set_query(Some(&query));
    }
    let page = running.browser.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let tx = hidden(&html, "tx");
    let csrf = hidden(&html, "csrf");
    (html, tx, csrf, request_id)
}

async fn submit(running: &Running, fields: &[(&str, &str)]) -> reqwest::Response {
    running
        .browser
        .post(format!(
            "https://digid.localhost:{}/saml/login",
            running.front_port
        ))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// Returns the `SAMLart` and `RelayState` of a redirect to the ACS.
fn acs_parameters(response: &reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(ACS), "{location}");
    let url = Url::parse(location).unwrap();
    let get = |name: &str| {
        url.query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (get("SAMLart"), get("RelayState"))
}

#[tokio::test]
async fn login_over_tls_yields_bsn_once() {
    let running = start().await;
    let (html, tx, csrf, request_id) = open_login(&running, None).await;
    assert!(html.contains(r#"<html lang="nl">"#));
    assert!(html.contains("Inloggen"));
    assert!(html.contains("XXX_Test Jansen (BSN *******20)"));
    assert!(!html.contains("999911120"));

    let response = submit(
        &running,
        &[
            ("tx", &tx),
            ("csrf", &csrf),
            ("lang", "nl"),
            ("person", "0"),
            ("bsn", ""),
            ("action", "login"),
        ],
    )
    .await;
    let (artifact, relay_state) = acs_parameters(&response);
    assert_eq!(relay_state, "state-1");

    let assertion = saml::http::resolve(
        &running.back_client,
        &running.sp,
        &artifact,
        &request_id,
        running.now(),
    )
    .await
    .unwrap();
    assert_eq!(assertion.bsn.as_str(), "999911120");
    assert_eq!(assertion.level, saml::AssuranceLevel::Substantieel);

    let replay = saml::http::resolve(
        &running.back_client,
        &running.sp,
        &artifact,
        &request_id,
        running.now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(replay, SamlError::Artifact(_)), "{replay:?}");
}

#[tokio::test]
async fn typed_bsn_wins_over_person() {
    let running = start().await;
    let (_, tx, csrf, request_id) = open_login(&running, None).await;
    let response = submit(
        &running,
        &[
            ("tx", &tx),
            ("csrf", &csrf),
            ("person", "0"),
            ("bsn", "1112 22 333"),
            ("action", "login"),
        ],
    )
    .await;
    let (artifact, _) = acs_parameters(&response);
    let assertion = saml::http::resolve(
        &running.back_client,
        &running.sp,
        &artifact,
        &request_id,
        running.now(),
    )
    .await
    .unwrap();
    assert_eq!(assertion.bsn.as_str(), "111222333");
}

#[tokio::test]
async fn invalid_bsn_shows_error() {
    let running = start().await;
    let (_, tx, csrf, _) = open_login(&running, None).await;
    let response = submit(
        &running,
        &[
            ("tx", &tx),
            ("csrf", &csrf),
            ("bsn", "123456789"),
            ("action", "login"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Dit burgerservicenummer is ongeldig"));
}

#[tokio::test]
async fn cancel_returns_authn_failed() {
    let running = start().await;
    let (_, tx, csrf, request_id) = open_login(&running, None).await;
    let response = submit(
        &running,
        &[("tx", &tx), ("csrf", &csrf), ("action", "cancel")],
    )
    .await;
    let (artifact, relay_state) = acs_parameters(&response);
    assert_eq!(relay_state, "state-1");
    let error = saml::http::resolve(
        &running.back_client,
        &running.sp,
        &artifact,
        &request_id,
        running.now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, SamlError::AuthnFailed(_)), "{error:?}");
}

#[tokio::test]
async fn form_without_csrf_cookie_rejected() {
    let running = start().await;
    let (_, tx, csrf, _) = open_login(&running, None).await;
    let no_cookies = tls::http_client(&running.ca_pem, None).unwrap();
    let response = no_cookies
        .post(format!(
            "https://digid.localhost:{}/saml/login",
            running.front_port
        ))
        .form(&[
            ("tx", tx.as_str()),
            ("csrf", csrf.as_str()),
            ("person", "0"),
            ("action", "login"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    let response = submit(
        &running,
        &[
            ("tx", &tx),
            ("csrf", "wrong"),
            ("person", "0"),
            ("action", "login"),
        ],
    )
    .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn form_works_once() {
    let running = start().await;
    let (_, tx, csrf, _) = open_login(&running, None).await;
    let fields = [
        ("tx", tx.as_str()),
        ("csrf", csrf.as_str()),
        ("person", "0"),
        ("action", "login"),
    ];
    assert_eq!(submit(&running, &fields).await.status(), 303);
    assert_eq!(submit(&running, &fields).await.status(), 400);
}

#[tokio::test]
async fn english_page_on_request() {
    let running = start().await;
    let (html, _, _, _) = open_login(&running, Some("en")).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Log in"));
    assert!(html.contains("Nederlands"));
}

#[tokio::test]
async fn unsigned_authn_request_rejected() {
    let running = start().await;
    let (url, _) = running
        .sp
        .authn_request_redirect("s", running.now())
        .unwrap();
    let query = url.query().unwrap();
    let unsigned = &query[..query.find("&Signature=").unwrap()];
    let response = running
        .browser
        .get(format!(
            "https://digid.localhost:{}/saml/sso?{unsigned}",
            running.front_port
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("Ongeldig verzoek"));
}

#[tokio::test]
async fn expired_artifact_rejected() {
    let running = start().await;
    let (_, tx, csrf, request_id) = open_login(&running, None).await;
    let response = submit(
        &running,
        &[
            ("tx", &tx),
            ("csrf", &csrf),
            ("person", "1"),
            ("action", "login"),
        ],
    )
    .await;
    let (artifact, _) = acs_parameters(&response);
    running.clock.advance(time::Duration::minutes(6));
    let error = saml::http::resolve(
        &running.back_client,
        &running.sp,
        &artifact,
        &request_id,
        running.now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, SamlError::Artifact(_)), "{error:?}");
}

#[tokio::test]
async fn back_channel_requires_client_certificate() {
    let running = start().await;
    let result = running
        .browser
        .post(format!(
            "https://digid.localhost:{}/artifact",
            running.back_port
        ))
        .body("<x/>")
        .send()
        .await;
    match result {
        Ok(response) => panic!(
            "back channel answered {} without a client certificate",
            response.status()
        ),
        Err(error) => assert!(error.is_connect() || error.is_request(), "{error:?}"),
    }
}
