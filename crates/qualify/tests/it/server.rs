//! A small FHIR server on loopback that returns the reference EpisodeOfCare fixtures as a
//! searchset Bundle, in JSON or XML as asked.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// How the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// All seven EpisodeOfCare fixtures.
    Correct,
    /// One episode left out.
    MissingEpisode,
    /// The Bundle leaks the patient's BSN in an included Patient.
    LeaksBsn,
}

/// A running server.
pub struct TestServer {
    /// The FHIR base URL.
    pub base: String,
    /// The CA certificate (PEM) of the server certificate.
    pub ca_pem: String,
    /// Request headers received, in order.
    pub requests: Arc<Mutex<Vec<HeaderMap>>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _pki_dir: tempfile::TempDir,
}

#[derive(Clone)]
struct AppState {
    behaviour: Behaviour,
    base: String,
    requests: Arc<Mutex<Vec<HeaderMap>>>,
}

pub fn testscripts_dir() -> PathBuf {
    match std::env::var_os("LSPPLUS_REFERENCE_DIR") {
        Some(dir) => PathBuf::from(dir).join("fhir/testscripts"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/fhir/testscripts"),
    }
}

/// The seven EpisodeOfCare fixtures of the GP data qualification, dates filled in.
fn episodes() -> Vec<Value> {
    let dir =
        testscripts_dir().join("GenPractData-2-0/output-Cert/_reference/resources-query-send");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("medmij-gpdata-episodeofcare-")
        })
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        7,
        "expected 7 EpisodeOfCare fixtures in {}",
        dir.display()
    );
    let today = time::macros::date!(2026 - 12 - 04);
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let text = qualify::vars::substitute(&text, today, &mut |_| Ok(None)).unwrap();
            let resource = fhir::Resource::from_xml(&text).unwrap();
            serde_json::from_str(&resource.to_json()).unwrap()
        })
        .collect()
}

fn bundle(state: &AppState) -> Value {
    let mut resources = episodes();
    if state.behaviour == Behaviour::MissingEpisode {
        resources.pop();
    }
    let total = resources.len();
    let mut entries: Vec<Value> = resources
        .into_iter()
        .map(|resource| {
            let id = resource["id"].as_str().unwrap().to_owned();
            json!({
                "fullUrl": format!("{}/EpisodeOfCare/{id}", state.base),
                "resource": resource,
                "search": {"mode": "match"}
            })
        })
        .collect();
    if state.behaviour == Behaviour::LeaksBsn {
        entries.push(json!({
            "fullUrl": format!("{}/Patient/p1", state.base),
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "meta": {"profile": ["http://fhir.nl/fhir/StructureDefinition/nl-core-patient"]},
                "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999911132"}]
            },
            "search": {"mode": "include"}
        }));
    }
    json!({
        "resourceType": "Bundle",
        "id": "searchset-1",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": format!("{}/EpisodeOfCare", state.base)}],
        "entry": entries
    })
}

async fn episode_search(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    state.requests.lock().unwrap().push(headers);
    let bundle = bundle(&state);
    if accept.contains("xml") {
        let xml = fhir::Resource::from_json(&bundle.to_string())
            .unwrap()
            .to_xml();
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/fhir+xml;charset=utf-8")],
            xml,
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/fhir+json;charset=utf-8")],
        bundle.to_string(),
    )
        .into_response()
}

/// Starts the server on an ephemeral loopback port.
pub async fn start(behaviour: Behaviour) -> TestServer {
    let pki_dir = tempfile::tempdir().unwrap();
    let pki = tls::pki::TestPki::load_or_generate(pki_dir.path()).unwrap();
    let identity = pki.issue_server("localhost").unwrap();
    let config = tls::server_config(&identity, tls::ClientAuth::None).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("https://localhost:{port}/fhir");
    let requests = Arc::new(Mutex::new(Vec::new()));
    let state = AppState {
        behaviour,
        base: base.clone(),
        requests: requests.clone(),
    };
    let router = axum::Router::new()
        .route("/fhir/EpisodeOfCare", get(episode_search))
        .with_state(state);
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(tls::serve(listener, config, router, async move {
        let _ = stop.await;
    }));
    TestServer {
        base,
        ca_pem: pki.ca_pem().to_owned(),
        requests,
        _shutdown: shutdown,
        _pki_dir: pki_dir,
    }
}
