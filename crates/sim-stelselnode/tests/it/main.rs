//! The stelselnode over real TLS: each list is served, validates against its XSD, and the test
//! hooks change what comes back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use common::SystemClock;
use sim_stelselnode::{DvzaEndpoints, Fault, ListContents, ListKind, Stelselnode};
use tls::ClientAuth;
use tls::pki::TestPki;

struct Running {
    base: String,
    client: reqwest::Client,
    node: Stelselnode,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::load_or_generate(dir.path()).unwrap();
    let identity = pki.issue_server("stelselnode.localhost").unwrap();
    let config = tls::server_config(&identity, ClientAuth::None).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let dvza = DvzaEndpoints {
        front_url: "https://lspplus.localhost:8440".to_owned(),
        back_url: "https://lspplus.localhost:8441".to_owned(),
    };
    let node = Stelselnode::new(ListContents::demo(&dvza), Arc::new(SystemClock));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(sim_stelselnode::serve(
        listener,
        config,
        node.clone(),
        async {
            let _ = rx.await;
        },
    ));
    Running {
        base: format!("https://stelselnode.localhost:{port}"),
        client: tls::http_client(pki.ca_pem(), None).unwrap(),
        node,
        _shutdown: tx,
        _dir: dir,
    }
}

fn xsd_dir() -> PathBuf {
    let reference = std::env::var_os("LSPPLUS_REFERENCE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
        PathBuf::from,
    );
    reference.join("medmij/afsprakenset-1.1/xsd")
}

/// Validates `xml` with xmllint against the 1.1 XSD of `kind`; returns xmllint's output on failure.
fn validate(kind: ListKind, xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(kind.file_name());
    std::fs::write(&file, xml).unwrap();
    let xsd = xsd_dir().join(kind.file_name().replace(".xml", ".xsd"));
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn have_xmllint() -> bool {
    Command::new("xmllint").arg("--version").output().is_ok()
}

async fn fetch(running: &Running, kind: ListKind) -> (u16, String) {
    let url = format!("{}/{}?api=2", running.base, kind.file_name());
    let response = running.client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn serves_all_four_lists() {
    let running = start().await;
    for kind in ListKind::ALL {
        let (status, body) = fetch(&running, kind).await;
        assert_eq!(status, 200, "{kind:?}");
        assert!(
            body.contains("<Volgnummer>1</Volgnummer>"),
            "{kind:?}: {body}"
        );
    }
    let (_, ocl) = fetch(&running, ListKind::OAuthClientList).await;
    assert!(ocl.contains("<Hostname>pgo.localhost</Hostname>"));
    assert!(ocl.contains("<OAuthclientOrganisatienaam>Demo PGO</OAuthclientOrganisatienaam>"));
    assert!(ocl.contains("<Hostname>other-pgo.localhost</Hostname>"));
    let (_, gnl) = fetch(&running, ListKind::Gegevensdienstnamenlijst).await;
    assert!(gnl.contains("<Weergavenaam>Huisartsgegevens</Weergavenaam>"));
    assert!(gnl.contains("<Weergavenaam>Documenten</Weergavenaam>"));
    let (_, zal) = fetch(&running, ListKind::Zorgaanbiederslijst).await;
    assert!(zal.contains("huisartsenpraktijk-delinde@medmij"));
    assert!(zal.contains("https://lspplus.localhost:8441/fhir/huisartsenpraktijk-hetanker/51"));
}

#[tokio::test]
async fn lists_validate_against_xsd() {
    if !have_xmllint() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "xmllint is required in CI"
        );
        eprintln!("skipped: xmllint is not installed");
        return;
    }
    let running = start().await;
    for kind in [
        ListKind::OAuthClientList,
        ListKind::Whitelist,
        ListKind::Gegevensdienstnamenlijst,
    ] {
        let (_, body) = fetch(&running, kind).await;
        validate(kind, &body).unwrap_or_else(|error| panic!("{kind:?}: {error}"));
    }
    // The Zorgaanbiederslijst is release3, which has no XSD; the medmij crate checks its paths.
    let (_, zal) = fetch(&running, ListKind::Zorgaanbiederslijst).await;
    let parsed =
        <medmij::lists::Zorgaanbiederslijst as medmij::lists::MedMijList>::parse(&zal).unwrap();
    assert_eq!(parsed.zorgaanbieders.len(), 2);
}

#[tokio::test]
async fn hooks_change_the_served_list() {
    let running = start().await;
    running.node.update(|contents| {
        contents
            .whitelist
            .retain(|host| host != "other-pgo.localhost")
    });
    let (_, body) = fetch(&running, ListKind::Whitelist).await;
    assert!(body.contains("<Volgnummer>2</Volgnummer>"));
    assert!(!body.contains("other-pgo.localhost"));

    running
        .node
        .set_fault(ListKind::Whitelist, Some(Fault::Volgnummer(1)));
    let (_, body) = fetch(&running, ListKind::Whitelist).await;
    assert!(body.contains("<Volgnummer>1</Volgnummer>"));

    running
        .node
        .set_fault(ListKind::Whitelist, Some(Fault::Invalid));
    let (status, body) = fetch(&running, ListKind::Whitelist).await;
    assert_eq!(status, 200);
    if have_xmllint() {
        assert!(validate(ListKind::Whitelist, &body).is_err());
    }

    running
        .node
        .set_fault(ListKind::Whitelist, Some(Fault::Unavailable));
    let (status, _) = fetch(&running, ListKind::Whitelist).await;
    assert_eq!(status, 503);

    running.node.set_fault(ListKind::Whitelist, None);
    let (status, body) = fetch(&running, ListKind::Whitelist).await;
    assert_eq!(status, 200);
    assert!(body.contains("<Volgnummer>2</Volgnummer>"));

    let response = running
        .client
        .get(format!("{}/MedMij_Other.xml", running.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}
