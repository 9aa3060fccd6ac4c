//! Router tests with in-memory ports and real Ketenzorg answers from the reference directory: the whole
//! path from bearer token to searchset Bundle, and the error answers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode, header};
use common::{Bsn, FixedClock};
use futures::future::BoxFuture;
use hl7v3::Interaction;
use serde_json::Value;
use time::macros::{date, datetime};
use tower::ServiceExt;

use super::*;
use crate::admin::Metrics;

const TOKEN: &str = "token-delinde-49";
const TOKEN_51: &str = "token-delinde-51";
const BSN: &str = "900154858";
const BASE: &str = "https://lspplus.localhost:8441/fhir";

fn reference_dir() -> PathBuf {
    std::env::var_os("LSPPLUS_REFERENCE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
        PathBuf::from,
    )
}

struct MemTokens(HashMap<String, TokenGrant>);

impl TokenLookup for MemTokens {
    fn access_token<'a>(
        &'a self,
        hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenGrant>, PortError>> {
        Box::pin(async move { Ok(self.0.get(hash).cloned()) })
    }
}

#[derive(Default)]
struct MemAudit(Mutex<Vec<AuditEvent>>);

impl AuditLog for MemAudit {
    fn record(&self, event: AuditEvent) -> BoxFuture<'_, Result<(), PortError>> {
        self.0.lock().unwrap().push(event);
        Box::pin(async { Ok(()) })
    }
}

struct OnePractice;

impl PracticeDirectory for OnePractice {
    fn practice<'a>(&'a self, naam: &'a str) -> BoxFuture<'a, Result<Option<Practice>, PortError>> {
        let found = auth::same_naam(naam, "huisartsenpraktijk-delinde@medmij").then(|| Practice {
            naam: "huisartsenpraktijk-delinde@medmij".into(),
            his: HisTarget {
                app_id: "4001".into(),
                name: "Huisartsenpraktijk De Linde".into(),
            },
            gegevensdiensten: vec!["49".into(), "51".into()],
            online_access_start: Some(date!(2015 - 01 - 01)),
        });
        Box::pin(async move { Ok(found) })
    }
}

/// Answers each interaction with a fixed result; unlisted interactions answer NF.
struct ScriptedLsp(HashMap<Interaction, Result<String, LspError>>);

impl Lsp for ScriptedLsp {
    fn query<'a>(
        &'a self,
        _his: &'a HisTarget,
        interaction: Interaction,
        bsn: &'a Bsn,
        _period: Option<(time::Date, Option<time::Date>)>,
        _correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<String, LspError>> {
        assert_eq!(bsn.as_str(), BSN, "the query must use the token's patient");
        let answer = self
            .0
            .get(&interaction)
            .cloned()
            .unwrap_or(Err(LspError::NotFound));
        Box::pin(async move { answer })
    }
}

struct Fixture {
    router: axum::Router,
    audit: Arc<MemAudit>,
    metrics: Arc<Metrics>,
}

fn fixture(answers: Vec<(Interaction, Result<String, LspError>)>) -> Fixture {
    let grant = |diensten: &[&str]| TokenGrant {
        bsn: Bsn::parse(BSN).unwrap(),
        zorgaanbieder: "huisartsenpraktijk-delinde@medmij".into(),
        gegevensdiensten: diensten.iter().map(|d| (*d).to_owned()).collect(),
        client_id: "pgo.localhost".into(),
        expires_at: datetime!(2026-12-04 12:15 UTC),
    };
    let tokens = MemTokens(HashMap::from([
        (hash_token(TOKEN), grant(&["49"])),
        (hash_token(TOKEN_51), grant(&["51"])),
    ]));
    let audit = Arc::new(MemAudit::default());
    let metrics = Arc::new(Metrics::new());
    let deps = FhirDeps {
        base_url: BASE.into(),
        tokens: Arc::new(tokens),
        audit: audit.clone(),
        practices: Arc::new(OnePractice),
        lsp: Arc::new(ScriptedLsp(answers.into_iter().collect())),
        clock: Arc::new(FixedClock::new(datetime!(2026-12-04 12:00 UTC))),
        metrics: metrics.clone(),
    };
    Fixture {
        router: router(deps),
        audit,
        metrics,
    }
}

fn episodes_answer() -> String {
    let path = reference_dir().join("hl7v3/ketenzorg-3.0.2/hl7v3_instance/episodes_bundle_01.xml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

async fn get(
    fixture: &Fixture,
    uri: &str,
    token: Option<&str>,
    accept: Option<&str>,
) -> (Response<Body>, String) {
    let mut request = Request::get(uri)
        .header("MedMij-Request-ID", "4d7e7a4c-0f6e-4c2b-9a53-3f0c6f2f2d11")
        .header("X-Correlation-ID", "c0ffee00-0000-4000-8000-000000000001");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    // The back channel's TLS layer puts the PGO's client certificate into every request.
    let request = request.extension(tls::PeerCertificate {
        der: Vec::new(),
        dns_names: vec!["pgo.localhost".to_owned()],
        subject: "CN=pgo.localhost".to_owned(),
    });
    let response = fixture
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 10 << 20).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (Response::from_parts(parts, Body::empty()), text)
}

fn www_authenticate(response: &Response<Body>) -> String {
    response.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned()
}

const EPISODES: &str = "/huisartsenpraktijk-delinde/49/EpisodeOfCare";

#[tokio::test]
async fn episodes_searchset_json() {
    let fixture = fixture(vec![(Interaction::EpisodesQuery, Ok(episodes_answer()))]);

    let (response, body) = get(&fixture, EPISODES, Some(TOKEN), None).await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json")
    );
    assert_eq!(
        response.headers()["medmij-request-id"],
        "4d7e7a4c-0f6e-4c2b-9a53-3f0c6f2f2d11"
    );
    assert!(!body.contains(BSN), "the BSN leaked: {body}");

    let bundle: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    let self_link = bundle["link"][0]["url"].as_str().unwrap();
    assert_eq!(self_link, format!("{BASE}{EPISODES}"));
    let entries = bundle["entry"].as_array().unwrap();
    let matches: Vec<&Value> = entries
        .iter()
        .filter(|e| e["search"]["mode"] == "match")
        .collect();
    assert!(!matches.is_empty());
    assert_eq!(bundle["total"].as_u64().unwrap() as usize, matches.len());
    for entry in entries {
        let full_url = entry["fullUrl"].as_str().unwrap();
        assert!(
            full_url.starts_with(&format!("{BASE}/huisartsenpraktijk-delinde/49/")),
            "{full_url}"
        );
        assert!(
            full_url.ends_with(entry["resource"]["id"].as_str().unwrap()),
            "{full_url}"
        );
    }
    for entry in &matches {
        assert_eq!(entry["resource"]["resourceType"], "EpisodeOfCare");
        assert_eq!(entry["resource"]["status"], "active");
    }
    assert!(
        entries
            .iter()
            .all(|e| e["resource"]["resourceType"] != "Flag")
    );
    // The LSP's AUTERR_SWV_FALSE answer inside the batch is reported, the XIS answers are still served.
    let outcome = entries
        .iter()
        .find(|e| e["search"]["mode"] == "outcome")
        .unwrap();
    assert_eq!(
        outcome["resource"]["issue"][0]["details"]["coding"][0]["code"],
        "AUTERR_SWV_FALSE"
    );

    let audit = fixture.audit.0.lock().unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].status, 200);
    assert_eq!(audit[0].client_id, "pgo.localhost");
    assert_eq!(audit[0].action, "EpisodeOfCare?");
    assert_eq!(audit[0].bsn.as_str(), BSN);
    let resources = entries
        .iter()
        .filter(|e| e["search"]["mode"] != "outcome")
        .count();
    assert_eq!(audit[0].resource_count, resources);
    assert!(
        fixture
            .metrics
            .encode()
            .contains("search=\"49/EpisodeOfCare\",status=\"200\"} 1")
    );
}

#[tokio::test]
async fn episodes_xml_by_accept_and_format() {
    let fixture = fixture(vec![(Interaction::EpisodesQuery, Ok(episodes_answer()))]);

    let (by_accept, body) = get(
        &fixture,
        EPISODES,
        Some(TOKEN),
        Some("application/fhir+xml"),
    )
    .await;
    assert_eq!(by_accept.status(), StatusCode::OK);
    assert!(
        by_accept.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+xml")
    );
    assert!(
        body.contains("<Bundle xmlns=\"http://hl7.org/fhir\">"),
        "{body}"
    );
    assert!(body.contains("<type value=\"searchset\"/>"));

    let (by_format, body) = get(
        &fixture,
        &format!("{EPISODES}?_format=xml"),
        Some(TOKEN),
        Some("application/fhir+json"),
    )
    .await;
    assert_eq!(by_format.status(), StatusCode::OK);
    assert!(body.contains("<Bundle xmlns=\"http://hl7.org/fhir\">"));
}

#[tokio::test]
async fn missing_and_unknown_token_401() {
    let fixture = fixture(vec![]);

    let (missing, body) = get(&fixture, EPISODES, None, None).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(www_authenticate(&missing).contains("error=\"invalid_token\""));
    assert!(www_authenticate(&missing).contains("error_description=\""));
    let outcome: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");

    let (unknown, _) = get(&fixture, EPISODES, Some("not-a-token"), None).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(fixture.audit.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn outside_scope_403() {
    let fixture = fixture(vec![]);

    let (other_practice, _) = get(
        &fixture,
        "/huisartsenpraktijk-hetanker/49/EpisodeOfCare",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(other_practice.status(), StatusCode::FORBIDDEN);
    assert!(www_authenticate(&other_practice).contains("error=\"insufficient_scope\""));

    let (other_dienst, _) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/51/DocumentReference",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(other_dienst.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_syntax_and_patient_parameter_400() {
    let fixture = fixture(vec![]);

    let (dollar, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/51/DocumentReference/$",
        Some(TOKEN_51),
        None,
    )
    .await;
    assert_eq!(dollar.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(www_authenticate(&dollar).contains("error=\"invalid_request\""));

    let (patient, _) = get(
        &fixture,
        &format!("{EPISODES}?patient=Patient/1"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(patient.status(), StatusCode::BAD_REQUEST);
    let (subject, _) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/Observation?subject:Patient.identifier=x",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(subject.status(), StatusCode::BAD_REQUEST);

    let (version, _) = get(
        &fixture,
        EPISODES,
        Some(TOKEN),
        Some("application/fhir+json; fhirVersion=4.0"),
    )
    .await;
    assert_eq!(version.status(), StatusCode::BAD_REQUEST);
    assert!(www_authenticate(&version).contains("Requested FHIR version not supported"));
}

#[tokio::test]
async fn type_not_offered_404() {
    let fixture = fixture(vec![]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/Immunization",
        Some(TOKEN),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let outcome: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["issue"][0]["code"], "not-supported");
}

#[tokio::test]
async fn lsp_errors_mapped() {
    let nostore = fixture(vec![(
        Interaction::EpisodesQuery,
        Err(LspError::Code("NOSTORE".into())),
    )]);
    let (response, _) = get(&nostore, EPISODES, Some(TOKEN), None).await;
    assert_eq!(response.status().as_u16(), 507);
    assert!(
        nostore
            .metrics
            .encode()
            .contains("lspplus_lsp_errors_total{code=\"NOSTORE\"} 1")
    );

    let timeout = fixture(vec![(Interaction::EpisodesQuery, Err(LspError::Timeout))]);
    let (response, _) = get(&timeout, EPISODES, Some(TOKEN), None).await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(timeout.audit.0.lock().unwrap()[0].status, 504);
}

#[tokio::test]
async fn no_data_is_empty_searchset() {
    let fixture = fixture(vec![]);

    let (response, body) = get(&fixture, EPISODES, Some(TOKEN), None).await;

    assert_eq!(response.status(), StatusCode::OK);
    let bundle: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(bundle["total"], 0);
}

#[tokio::test]
async fn partial_answer_served_with_outcome() {
    let fixture = fixture(vec![(
        Interaction::MeasurementsQuery,
        Err(LspError::Timeout),
    )]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/Observation",
        Some(TOKEN),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(bundle["total"], 0);
    assert_eq!(bundle["entry"][0]["search"]["mode"], "outcome");
    assert_eq!(
        bundle["entry"][0]["resource"]["issue"][0]["code"],
        "timeout"
    );
}

#[tokio::test]
async fn metadata_without_token() {
    let fixture = fixture(vec![]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/metadata",
        None,
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let statement: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "3.0.2");
    assert_eq!(
        statement["rest"][0]["resource"].as_array().unwrap().len(),
        7
    );
}

fn reference_answer(name: &str) -> String {
    let path = reference_dir()
        .join("hl7v3/ketenzorg-3.0.2/hl7v3_instance")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn matches_of<'a>(bundle: &'a Value, resource_type: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == "match")
        .map(|e| &e["resource"])
        .inspect(|r| assert_eq!(r["resourceType"], resource_type))
        .collect()
}

#[tokio::test]
async fn compositions_only_e_and_p() {
    let fixture = fixture(vec![
        (
            Interaction::JournalQuery,
            Ok(reference_answer("contactverslag_REPC_IN990101NL_01.xml")),
        ),
        (
            Interaction::EncountersQuery,
            Ok(reference_answer("contactmomenten_PRPA_IN900350NL_01.xml")),
        ),
    ]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/Composition?type=http://loinc.org%7C67781-5",
        Some(TOKEN),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    let compositions = matches_of(&bundle, "Composition");
    assert!(!compositions.is_empty(), "{body}");
    assert_eq!(
        bundle["total"].as_u64().unwrap() as usize,
        compositions.len()
    );
    for composition in compositions {
        for section in composition["section"].as_array().unwrap() {
            let code = section["code"]["coding"][0]["code"].as_str().unwrap();
            assert!(code == "E" || code == "P", "section {code} served");
        }
    }
    assert!(!body.contains("\"code\":\"S\""), "an S line was served");
    assert!(!body.contains("\"code\":\"O\""), "an O line was served");
}

#[tokio::test]
async fn medication_current_only() {
    let fixture = fixture(vec![(
        Interaction::MedicationAgreementsQuery,
        Ok(reference_answer(
            "medicatieafspraken_QUMA_IN991203NL02_01.xml",
        )),
    )]);

    let uri = "/huisartsenpraktijk-delinde/49/MedicationRequest?periodofuse=ge2026-12-04&category=http://snomed.info/sct%7C16076005&_include=MedicationRequest:medication";
    let (response, body) = get(&fixture, uri, Some(TOKEN), None).await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    // The reference answer holds one open-ended agreement (since 2017-06-12).
    assert_eq!(bundle["total"], 1);
    let medications = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Medication");
    assert!(medications.count() >= 1, "the Medication is included");
    for agreement in matches_of(&bundle, "MedicationRequest") {
        assert!(
            disclosure::medication_current_on(agreement, date!(2026 - 12 - 04)),
            "{agreement}"
        );
    }
}

#[tokio::test]
async fn old_results_outside_window() {
    let fixture = fixture(vec![(
        Interaction::LabQuery,
        Ok(reference_answer("labbepalingen_POLB_IN364001NL03_01.xml")),
    )]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/49/Observation",
        Some(TOKEN),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    // The reference lab results are years old, so the 14-month window leaves none.
    assert_eq!(bundle["total"], 0);
    for observation in matches_of(&bundle, "Observation") {
        let date = observation["effectiveDateTime"]
            .as_str()
            .and_then(disclosure::fhir_date)
            .unwrap();
        assert!(
            date >= date!(2025 - 10 - 04),
            "{date} is older than 14 months"
        );
    }
}

#[tokio::test]
async fn invalid_utf8_path_is_bad_request() {
    let fixture = fixture(vec![]);

    let (response, body) = get(
        &fixture,
        "/huisartsenpraktijk-delinde/51/Binary/%ff%fe",
        Some(TOKEN_51),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let outcome: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
}
