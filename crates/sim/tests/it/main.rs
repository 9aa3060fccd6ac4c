//! The demo simulators started together on ephemeral ports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use common::FixedClock;
use sim::{Demo, DemoOptions};
use sim_stelselnode::ListKind;
use time::macros::datetime;

async fn start(dir: &std::path::Path) -> sim::RunningSims {
    Demo::start(DemoOptions {
        data_dir: dir.to_path_buf(),
        port_base: 0,
        his_data: None,
        clock: Arc::new(FixedClock::new(datetime!(2026-12-04 12:00 UTC))),
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn demo_serves_lists_pgo_and_digid() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(dir.path()).await;
    let client = tls::http_client(&running.ca_pem, None).unwrap();

    let zal = client
        .get(format!(
            "{}/{}",
            running.urls.stelselnode,
            ListKind::Zorgaanbiederslijst.file_name()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(zal.status().as_u16(), 200);
    let zal = zal.text().await.unwrap();
    assert!(
        zal.contains(&format!("{}/oauth/authorize", running.urls.gateway_front)),
        "{zal}"
    );

    let home = client.get(&running.urls.pgo).send().await.unwrap();
    assert_eq!(home.status().as_u16(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("huisartsenpraktijk-delinde@medmij"), "{home}");
    assert!(home.contains("Huisartsgegevens"));
    assert!(home.contains("<html lang=\"nl\">"));

    let english = client
        .get(format!("{}/?lang=en", running.urls.pgo))
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("Fetch data"));

    // Without a signed AuthnRequest the DigiD simulator returns an error page, not a login.
    let digid = client.get(&running.digid.sso_url).send().await.unwrap();
    assert!(digid.status().is_client_error(), "{}", digid.status());

    // The LSP simulator requires a client certificate of the demo CA.
    let anonymous = client.post(&running.urls.lsp).body("<x/>").send().await;
    assert!(
        anonymous.is_err(),
        "LSP accepted a connection without a client certificate"
    );
    let uzi = tls::http_client(
        &running.ca_pem,
        Some(&running.identities.gateway.uzi.identity),
    )
    .unwrap();
    let unsigned = uzi
        .post(&running.urls.lsp)
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert!(unsigned.status().is_client_error() || unsigned.status().is_server_error());

    assert!(!running.persons.is_empty());
    assert!(running.ca_path.exists());
    assert!(running.identities.pgo_client.cert.exists());
    running.stop().await;
}

#[tokio::test]
async fn pgo_start_redirects_to_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(dir.path()).await;
    let client = tls::http_client(&running.ca_pem, None).unwrap();
    let response = client
        .get(format!(
            "{}/start?practice=huisartsenpraktijk-delinde%40medmij&gegevensdienst=49",
            running.urls.pgo
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    assert_eq!(
        format!(
            "{}://{}:{}{}",
            url.scheme(),
            url.host_str().unwrap(),
            url.port().unwrap(),
            url.path()
        ),
        format!("{}/oauth/authorize", running.urls.gateway_front)
    );
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(params["client_id"], "pgo.localhost");
    assert_eq!(params["scope"], "huisartsenpraktijk-delinde~49");
    assert_eq!(
        params["redirect_uri"],
        format!("{}/callback", running.urls.pgo)
    );
    assert!(params.contains_key("state"));
    assert!(response.headers().get("set-cookie").is_some());

    // A callback with a state this browser never started is rejected.
    let forged = client
        .get(format!(
            "{}/callback?code=x&state={}",
            running.urls.pgo, params["state"]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    running.stop().await;
}
