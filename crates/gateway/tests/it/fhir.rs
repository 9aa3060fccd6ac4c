//! The FHIR resource server over the real back channel: mutual TLS, a token from the full MedMij flow,
//! and the GP data from the LSP simulator.

use serde_json::Value;
use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{ADULT, DELINDE, Harness, PGO};

const REQUEST_ID: &str = "5b0c7a4e-3c1d-4e7b-9f0a-0d6c2e1f4a11";

/// Runs the whole flow for the adult test patient and returns the access token.
async fn access_token(harness: &Harness) -> String {
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
    session.token.access_token
}

/// GETs `path` under the gateway's back channel with the PGO's client certificate.
async fn get(
    harness: &Harness,
    path: &str,
    token: Option<&str>,
    accept: Option<&str>,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = harness
        .back_client(Some(PGO))
        .get(format!("{}{path}", harness.gateway.back_url))
        .header("MedMij-Request-ID", REQUEST_ID)
        .header("X-Correlation-ID", "1c0ffee0-0000-4000-8000-000000000002");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

const EPISODES: &str = "/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare";

#[tokio::test]
async fn episodes_over_mtls() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;

    let (status, headers, body) = get(&harness, EPISODES, Some(&token), None).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["medmij-request-id"], REQUEST_ID);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json")
    );
    assert!(!body.contains(ADULT), "the BSN leaked");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(bundle["type"], "searchset");
    let self_link = bundle["link"][0]["url"].as_str().unwrap();
    assert_eq!(self_link, format!("{}{EPISODES}", harness.gateway.back_url));
    let entries = bundle["entry"].as_array().unwrap();
    let matches = entries
        .iter()
        .filter(|e| e["search"]["mode"] == "match")
        .count();
    assert!(matches > 0, "{body}");
    assert_eq!(bundle["total"].as_u64().unwrap() as usize, matches);
    for entry in entries {
        assert!(entry["fullUrl"].as_str().unwrap().starts_with("https://"));
    }

    let (status, _, xml) = get(
        &harness,
        EPISODES,
        Some(&token),
        Some("application/fhir+xml"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(xml.contains("<Bundle xmlns=\"http://hl7.org/fhir\">"));
    harness.stop().await;
}

#[tokio::test]
async fn fhir_errors_over_mtls() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;

    let (status, headers, _) = get(&harness, EPISODES, None, None).await;
    assert_eq!(status, 401);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );

    let (status, headers, _) = get(
        &harness,
        "/fhir/huisartsenpraktijk-hetanker/49/EpisodeOfCare",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"insufficient_scope\"")
    );

    let (status, headers, _) = get(
        &harness,
        "/fhir/huisartsenpraktijk-delinde/51/DocumentReference/$",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_request\"")
    );

    let (status, _, body) = get(
        &harness,
        &format!("{EPISODES}?patient=1"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");

    let (status, _, body) = get(
        &harness,
        "/fhir/huisartsenpraktijk-delinde/49/Immunization",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(body.contains("not-supported"));

    let (status, _, body) = get(
        &harness,
        "/fhir/huisartsenpraktijk-delinde/49/metadata",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("CapabilityStatement"));
    harness.stop().await;
}

/// Every search of gegevensdienst 49 and 51 against the demo patient's data at De Linde.
const SEARCHES: [(&str, &str); 9] = [
    (
        "49/Patient?_include=Patient:general-practitioner",
        "Patient",
    ),
    ("49/EpisodeOfCare", "EpisodeOfCare"),
    (
        "49/MedicationRequest?periodofuse=ge2026-12-04&category=http://snomed.info/sct%7C16076005&_include=MedicationRequest:medication",
        "MedicationRequest",
    ),
    (
        "49/AllergyIntolerance?category=medication",
        "AllergyIntolerance",
    ),
    (
        "49/Observation?code=https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen%7C&_include=Observation:related-target&_include=Observation:specimen",
        "Observation",
    ),
    (
        "49/Composition?type=http://loinc.org%7C67781-5",
        "Composition",
    ),
    ("49/Encounter", "Encounter"),
    ("51/DocumentReference?status=current", "DocumentReference"),
    ("51/DocumentManifest?status=current", "DocumentManifest"),
];

#[tokio::test]
async fn every_search_over_mtls() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;

    let mut document_url = None;
    for (search, resource_type) in SEARCHES {
        let path = format!("/fhir/huisartsenpraktijk-delinde/{search}");
        let (status, _, body) = get(&harness, &path, Some(&token), None).await;
        assert_eq!(status, 200, "{search}: {body}");
        assert!(!body.contains(ADULT), "{search}: the BSN leaked");

        let bundle: Value = serde_json::from_str(&body).unwrap();
        let entries = bundle["entry"].as_array().unwrap();
        let matches: Vec<&Value> = entries
            .iter()
            .filter(|e| e["search"]["mode"] == "match")
            .map(|e| &e["resource"])
            .collect();
        assert!(!matches.is_empty(), "{search}: no matches");
        assert_eq!(
            bundle["total"].as_u64().unwrap() as usize,
            matches.len(),
            "{search}"
        );
        assert!(
            matches.iter().all(|r| r["resourceType"] == resource_type),
            "{search}"
        );

        if resource_type == "Composition" {
            for section in matches
                .iter()
                .flat_map(|c| c["section"].as_array().unwrap())
            {
                let code = section["code"]["coding"][0]["code"].as_str().unwrap();
                assert!(code == "E" || code == "P", "section {code} served");
            }
        }
        if resource_type == "DocumentReference" {
            document_url = matches[0]["content"][0]["attachment"]["url"]
                .as_str()
                .map(str::to_owned);
        }
    }

    let url = document_url.expect("a DocumentReference with an attachment URL");
    let path = url
        .strip_prefix(&harness.gateway.back_url)
        .unwrap()
        .to_owned();
    let (status, headers, body) = get(&harness, &path, Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(body.starts_with("%PDF"), "not a PDF");
    let (status, _, _) = get(&harness, &path, None, None).await;
    assert_eq!(status, 401);
    harness.stop().await;
}

#[tokio::test]
async fn bsns_in_queries_are_never_echoed() {
    let harness = Harness::start().await;
    let token = access_token(&harness).await;
    let other = crate::harness::ANKER_ONLY;
    let own_encoded: String = ADULT.chars().map(|c| format!("%{:02X}", c as u8)).collect();
    let documents = "/fhir/huisartsenpraktijk-delinde/51/DocumentReference";
    let observations = "/fhir/huisartsenpraktijk-delinde/49/Observation";
    let cases = [
        (format!("{EPISODES}?_format={other}"), 200),
        (format!("{EPISODES}?identifier=x%7C{other}"), 200),
        (
            format!("{observations}?code=http://loinc.org%7C{other}"),
            200,
        ),
        (
            format!("{observations}?code=http://fhir.nl/fhir/NamingSystem/bsn%7C{other}"),
            400,
        ),
        (
            format!("{observations}?code=http://loinc.org%7C{ADULT}"),
            400,
        ),
        (format!("{observations}?code=x%7C{own_encoded}"), 400),
        (format!("{observations}?date=ge{other}"), 400),
        (format!("{documents}?status={other}"), 400),
        (format!("{documents}?status={ADULT}"), 400),
    ];

    for (path, expected) in cases {
        let (status, _, body) = get(&harness, &path, Some(&token), None).await;

        assert_eq!(status.as_u16(), expected, "{path}: {body}");
        let self_link = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|bundle| bundle["link"][0]["url"].as_str().map(str::to_owned));
        if let Some(link) = self_link {
            assert!(!link.contains(other), "{path} echoed in {link}");
        }
    }
    harness.stop().await;
}
