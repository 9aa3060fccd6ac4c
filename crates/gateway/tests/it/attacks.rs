//! Attacks on the authorization endpoint: clients, redirect URIs, state and scope.

use crate::harness::{DELINDE, Harness, PGO};

/// Sends an authorization request with `pairs`; returns status, Location and body.
async fn authorize(harness: &Harness, pairs: &[(&str, &str)]) -> (u16, Option<url::Url>, String) {
    let response = harness
        .browser()
        .get(harness.authorize_url(pairs))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|value| url::Url::parse(value.to_str().unwrap()).unwrap());
    (status, location, response.text().await.unwrap())
}

fn request<'a>(
    client_id: &'a str,
    redirect_uri: &'a str,
    state: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", "huisartsenpraktijk-delinde"),
        ("state", state),
    ]
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[tokio::test]
async fn invalid_client_or_redirect_never_redirects() {
    let harness = Harness::start().await;
    let redirect = harness.redirect_uri();
    let cases = [
        ("unknown.localhost", redirect.as_str()),
        (PGO, "https://evil.localhost/callback"),
        (PGO, "https://pgo.localhost.evil.localhost/callback"),
        (PGO, "https://pgo.localhostevil.localhost/callback"),
        (PGO, "https://pgo.localhost:8442/callback#fragment"),
        (PGO, "http://pgo.localhost:8442/callback"),
        (PGO, "/callback"),
    ];
    for (client_id, redirect_uri) in cases {
        let (status, location, body) =
            authorize(&harness, &request(client_id, redirect_uri, "s1")).await;
        assert_eq!(status, 400, "{client_id} {redirect_uri}");
        assert!(
            location.is_none(),
            "redirected for {client_id} {redirect_uri}"
        );
        assert!(
            body.contains("<html"),
            "no error page for {client_id} {redirect_uri}"
        );
    }
    harness.stop().await;
}

#[tokio::test]
async fn missing_state_redirects_with_error() {
    let harness = Harness::start().await;
    let redirect = harness.redirect_uri();
    let mut pairs = request(PGO, &redirect, "x");
    pairs.retain(|(name, _)| *name != "state");
    let (status, location, _) = authorize(&harness, &pairs).await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(param(&location, "state"), None);
    harness.stop().await;
}

#[tokio::test]
async fn scope_not_offered_redirects_invalid_scope() {
    let harness = Harness::start().await;
    let redirect = harness.redirect_uri();
    let state = "a/b+c==";
    for scope in [
        "huisartsenpraktijk-delinde~99",
        "onbekende-praktijk",
        "huisartsenpraktijk-delinde~49 extra!",
    ] {
        let mut pairs = request(PGO, &redirect, state);
        pairs.retain(|(name, _)| *name != "scope");
        pairs.push(("scope", scope));
        let (status, location, _) = authorize(&harness, &pairs).await;
        assert_eq!(status, 302, "{scope}");
        let location = location.unwrap();
        assert_eq!(location.host_str(), Some("pgo.localhost"));
        assert_eq!(
            param(&location, "error").as_deref(),
            Some("invalid_scope"),
            "{scope}"
        );
        assert_eq!(
            param(&location, "state").as_deref(),
            Some(state),
            "state must come back unchanged"
        );
    }
    harness.stop().await;
}

#[tokio::test]
async fn landing_page_sets_session_and_headers() {
    let harness = Harness::start().await;
    let redirect = harness.redirect_uri();
    let response = harness
        .browser()
        .get(harness.authorize_url(&request(PGO, &redirect, "s")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-lspplus-session="));
    for flag in ["HttpOnly", "Secure", "SameSite=Lax"] {
        assert!(cookie.contains(flag), "cookie lacks {flag}: {cookie}");
    }
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    let body = response.text().await.unwrap();
    assert!(body.contains("lang=\"nl\""));
    assert!(body.contains("Inloggen met DigiD"));
    assert!(body.contains("name=\"csrf\""));
    assert!(body.contains(DELINDE.trim_end_matches("@medmij")) || body.contains("De Linde"));

    // English through ?lang=en.
    let mut pairs = request(PGO, &redirect, "s");
    pairs.push(("lang", "en"));
    let body = harness
        .browser()
        .get(harness.authorize_url(&pairs))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Log in with DigiD"), "{body}");
    harness.stop().await;
}

#[tokio::test]
async fn forms_without_csrf_token_are_rejected() {
    let harness = Harness::start().await;
    let redirect = harness.redirect_uri();
    let browser = harness.browser();
    let response = browser
        .get(harness.authorize_url(&request(PGO, &redirect, "s")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let login = format!("{}/oauth/login", harness.gateway.front_url);
    let response = browser
        .post(&login)
        .form(&[("action", "login"), ("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.headers().get("location").is_none());
    harness.stop().await;
}
