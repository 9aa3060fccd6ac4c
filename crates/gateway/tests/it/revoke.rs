//! Consent revocation at POST /oauth/revoke: only the token's own client can revoke, and afterwards
//! neither the access token nor the refresh token works.

use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{ADULT, DELINDE, Harness, OTHER_PGO, PGO};

const EPISODES: &str = "/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare";

/// Posts `form` to `path` on the back channel with the certificate of `cert`.
async fn post(harness: &Harness, cert: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = harness
        .back_client(Some(cert))
        .post(format!("{}{path}", harness.gateway.back_url))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// GETs the episodes with `token`; returns the status.
async fn episodes_status(harness: &Harness, token: &str) -> u16 {
    harness
        .back_client(Some(PGO))
        .get(format!("{}{EPISODES}", harness.gateway.back_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn revoked_consent_stops_tokens() {
    let harness = Harness::start().await;
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::AllowIndefinite,
        )
        .await
        .unwrap();
    let access = session.token.access_token.clone();
    let refresh = session.token.refresh_token.clone().unwrap();
    assert_eq!(episodes_status(&harness, &access).await, 200);

    // Another PGO cannot revoke this consent, and the tokens keep working.
    let (status, body) = post(&harness, OTHER_PGO, "/oauth/revoke", &[("token", &refresh)]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("unauthorized_client"), "{body}");
    assert_eq!(episodes_status(&harness, &access).await, 200);

    // A request without a token is invalid; an unknown token is a success that changes nothing.
    let (status, body) = post(&harness, PGO, "/oauth/revoke", &[]).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = post(&harness, PGO, "/oauth/revoke", &[("token", "unknown")]).await;
    assert_eq!(status, 200);
    assert_eq!(episodes_status(&harness, &access).await, 200);

    // The PGO itself revokes: the access token and the refresh token stop working.
    let (status, body) = post(&harness, PGO, "/oauth/revoke", &[("token", &refresh)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(episodes_status(&harness, &access).await, 401);
    let (status, body) = post(
        &harness,
        PGO,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", PGO),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("invalid_grant"), "{body}");
    harness.stop().await;
}
