//! The MedMij flow end to end over real TLS: authorization, DigiD, consent, token, refresh.

use sim_pgo::{ConsentChoice, PgoError, scope_for};

use crate::harness::{ADULT, ANKER_ONLY, DELINDE, Harness, OTHER_PGO, PGO, TEENAGER};

/// Runs the front channel and returns the code and the correlation id.
async fn code_for(harness: &Harness, bsn: &str, consent: ConsentChoice) -> (String, String) {
    let request = harness
        .pgo
        .authorization_request(
            &harness.endpoints().authorization,
            &scope_for(DELINDE, None),
        )
        .unwrap();
    let callback = harness.pgo.authorize(&request, bsn, consent).await.unwrap();
    (callback.code, request.correlation_id)
}

/// Posts a token request form with the client certificate of `cert`; returns status and JSON.
async fn token_request(
    harness: &Harness,
    cert: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let response = harness
        .back_client(cert)
        .post(&harness.endpoints().token)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)),
    )
}

fn code_form<'a>(
    code: &'a str,
    client_id: &'a str,
    redirect_uri: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
    ]
}

#[tokio::test]
async fn full_flow_issues_token() {
    let harness = Harness::start().await;
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    assert_eq!(session.token.token_type, "bearer");
    assert_eq!(session.token.expires_in, Some(900));
    assert_eq!(session.token.scope.as_deref(), Some("49 51"));
    // One-off consent still carries a refresh token (never redeemable), because MGO requires one.
    assert!(session.token.refresh_token.is_some());
    let record = harness
        .gateway
        .app
        .grants
        .store()
        .get_access_token(&medmij::secret::hash(&session.token.access_token))
        .await
        .unwrap()
        .expect("access token stored by hash");
    assert_eq!(record.client_id, PGO);
    assert_eq!(record.consent.aanbieder, DELINDE);
    harness.stop().await;
}

#[tokio::test]
async fn single_gegevensdienst_scope_is_granted_alone() {
    let harness = Harness::start().await;
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, Some("51")),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    assert_eq!(session.token.scope.as_deref(), Some("51"));
    harness.stop().await;
}

#[tokio::test]
async fn code_replay_revokes_tokens() {
    let harness = Harness::start().await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;
    let redirect_uri = harness.redirect_uri();
    let form = code_form(&code, PGO, &redirect_uri);
    let (status, first) = token_request(&harness, Some(PGO), &form).await;
    assert_eq!(status, 200, "{first}");
    let access = first["access_token"].as_str().unwrap().to_owned();

    let (status, second) = token_request(&harness, Some(PGO), &form).await;
    assert_eq!(status, 400);
    assert_eq!(second["error"], "invalid_grant");
    let record = harness
        .gateway
        .app
        .grants
        .store()
        .get_access_token(&medmij::secret::hash(&access))
        .await
        .unwrap()
        .unwrap();
    assert!(
        record.revoked_at.is_some(),
        "token from a replayed code must be revoked"
    );
    harness.stop().await;
}

#[tokio::test]
async fn code_rejected_for_other_client_or_redirect() {
    let harness = Harness::start().await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;

    let other_redirect = harness.redirect_uri().replace(PGO, OTHER_PGO);
    let (status, body) = token_request(
        &harness,
        Some(OTHER_PGO),
        &code_form(&code, OTHER_PGO, &other_redirect),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &code_form(&code, PGO, &format!("{}/other", harness.redirect_uri())),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");

    // Neither failed attempt used the code up.
    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &code_form(&code, PGO, &harness.redirect_uri()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    harness.stop().await;
}

#[tokio::test]
async fn expired_code_is_rejected() {
    let harness = Harness::start().await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;
    harness.clock.advance(time::Duration::minutes(16));
    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &code_form(&code, PGO, &harness.redirect_uri()),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Code expired.");
    harness.stop().await;
}

#[tokio::test]
async fn token_request_needs_matching_certificate() {
    let harness = Harness::start().await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;
    let redirect_uri = harness.redirect_uri();
    let form = code_form(&code, PGO, &redirect_uri);

    // Without a client certificate the TLS handshake fails.
    let result = harness
        .back_client(None)
        .post(&harness.endpoints().token)
        .form(&form)
        .send()
        .await;
    assert!(
        result.is_err(),
        "back channel accepted a connection without client certificate"
    );

    // A listed client's certificate with another client's client_id.
    let (status, body) = token_request(&harness, Some(OTHER_PGO), &form).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");

    // A certificate from the right CA for a host that is not on the Whitelist.
    let rogue_form = code_form(&code, "rogue.localhost", &redirect_uri);
    let (status, body) = token_request(&harness, Some("rogue.localhost"), &rogue_form).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");

    // The code is still usable by its own client.
    let (status, body) = token_request(&harness, Some(PGO), &form).await;
    assert_eq!(status, 200, "{body}");
    harness.stop().await;
}

#[tokio::test]
async fn token_endpoint_accepts_only_forms() {
    let harness = Harness::start().await;
    let response = harness
        .back_client(Some(PGO))
        .post(&harness.endpoints().token)
        .json(&serde_json::json!({"grant_type": "authorization_code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["content-type"], "application/json");
    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &[("grant_type", "password"), ("client_id", PGO)],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "unsupported_grant_type");

    for endpoint in ["token", "revoke"] {
        let url = format!("{}/oauth/{endpoint}", harness.gateway.back_url);
        let oversized = harness
            .back_client(Some(PGO))
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("MedMij-Request-ID", "999991103")
            .body(format!("token={}", "a".repeat(64 * 1024)))
            .send()
            .await
            .unwrap();
        assert_eq!(oversized.status().as_u16(), 400, "{endpoint}");
        assert_eq!(oversized.headers()["content-type"], "application/json");
        assert!(
            oversized.headers().get("medmij-request-id").is_none(),
            "a request id that is no UUID must not be echoed"
        );
        let body: serde_json::Value = oversized.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request", "{endpoint}");
    }
    harness.stop().await;
}

#[tokio::test]
async fn indefinite_consent_allows_refresh() {
    let harness = Harness::start().await;
    let (code, correlation_id) = code_for(&harness, ADULT, ConsentChoice::AllowIndefinite).await;
    let (status, token) = token_request(
        &harness,
        Some(PGO),
        &code_form(&code, PGO, &harness.redirect_uri()),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let refresh = token["refresh_token"].as_str().unwrap();
    let refreshed = harness
        .pgo
        .refresh(&harness.endpoints().token, refresh, &correlation_id)
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token,
        token["access_token"].as_str().unwrap()
    );
    assert_eq!(refreshed.scope.as_deref(), Some("49 51"));

    // MGO's grant_type=refresh_code alias works the same way.
    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &[
            ("grant_type", "refresh_code"),
            ("refresh_token", refresh),
            ("client_id", PGO),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Another client cannot use the refresh token.
    let (status, body) = token_request(
        &harness,
        Some(OTHER_PGO),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", OTHER_PGO),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    harness.stop().await;
}

#[tokio::test]
async fn one_off_refresh_token_is_not_redeemable() {
    let harness = Harness::start().await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;
    let (status, token) = token_request(
        &harness,
        Some(PGO),
        &code_form(&code, PGO, &harness.redirect_uri()),
    )
    .await;
    assert_eq!(status, 200);
    let refresh = token["refresh_token"].as_str().unwrap();
    let (status, body) = token_request(
        &harness,
        Some(PGO),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", PGO),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    harness.stop().await;
}

async fn denied(harness: &Harness, bsn: &str, consent: ConsentChoice) -> (String, Option<String>) {
    let request = harness
        .pgo
        .authorization_request(
            &harness.endpoints().authorization,
            &scope_for(DELINDE, None),
        )
        .unwrap();
    match harness.pgo.authorize(&request, bsn, consent).await {
        Err(PgoError::Denied {
            error, description, ..
        }) => (error, description),
        other => panic!("expected an error redirect, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_consent_redirects_access_denied() {
    let harness = Harness::start().await;
    let (error, description) = denied(&harness, ADULT, ConsentChoice::Deny).await;
    assert_eq!(error, "access_denied");
    assert_eq!(description.as_deref(), Some("Authorization denied."));
    harness.stop().await;
}

#[tokio::test]
async fn fifteen_year_old_is_refused() {
    let harness = Harness::start().await;
    let (error, description) = denied(&harness, TEENAGER, ConsentChoice::Allow).await;
    assert_eq!(error, "access_denied");
    assert_eq!(description.as_deref(), Some("No such resources."));
    harness.stop().await;
}

#[tokio::test]
async fn person_unknown_at_practice_is_refused() {
    let harness = Harness::start().await;
    let (error, description) = denied(&harness, ANKER_ONLY, ConsentChoice::Allow).await;
    assert_eq!(error, "access_denied");
    assert_eq!(description.as_deref(), Some("No such resources."));
    harness.stop().await;
}

#[tokio::test]
async fn slow_store_answers_503_and_keeps_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gateway.sqlite").display());
    let store_url = url.clone();
    let harness = Harness::start_with_config(move |config| {
        config.store_url = store_url.clone();
        config.token.store_deadline_ms = 300;
    })
    .await;
    let (code, _) = code_for(&harness, ADULT, ConsentChoice::Allow).await;
    let redirect_uri = harness.redirect_uri();
    let form = code_form(&code, PGO, &redirect_uri);
    // Another connection holds the write lock, so the redemption waits until the deadline.
    let mut lock = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();

    let response = harness
        .back_client(Some(PGO))
        .post(&harness.endpoints().token)
        .form(&form)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");

    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    let (status, retried) = token_request(&harness, Some(PGO), &form).await;
    assert_eq!(
        status, 200,
        "the retry must redeem the unused code: {retried}"
    );
    harness.stop().await;
}
