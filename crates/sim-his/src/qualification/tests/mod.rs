use std::path::PathBuf;

use hl7v3::Interaction;
use serde_json::Value;
use time::macros::date;
use time::{Date, Duration};

use super::*;
use crate::generate::LetterStatus;
use crate::source::AnswerSource;
use crate::test_support::query;

mod gpdata;

const TODAY: Date = date!(2026 - 12 - 04);
const BASE: &str = "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49";
const CEVAT: &str = "999911132";
const BALTUS: &str = "999910796";
const SCHULTE: &str = "999910784";

/// Returns the reference folder, or `None` (test skipped) when it is absent outside CI.
fn reference_dir() -> Option<PathBuf> {
    let dir = default_reference_dir();
    if fixtures_present(&dir) {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "TestScript fixtures are missing below {}; set LSPPLUS_REFERENCE_DIR",
        dir.display()
    );
    eprintln!(
        "skipped: TestScript fixtures are missing below {}",
        dir.display()
    );
    None
}

fn days_ago(days: i64) -> String {
    (TODAY - Duration::days(days)).to_string()
}

/// Builds the answers to `interactions` for `bsn`, translates each, and keeps what the OPEN rules
/// of `category` disclose, as the gateway does for one FHIR search.
fn search(
    data: &HisData,
    bsn: &str,
    interactions: &[Interaction],
    category: disclosure::Category,
) -> Vec<Value> {
    let ctx = translate::Context::new(BASE);
    let mut resources = Vec::new();
    for interaction in interactions {
        let answer = data.answer(*interaction, &query(DE_LINDE, bsn)).unwrap();
        let translation = translate::translate(&answer, &ctx).unwrap();
        assert!(
            translation.issues.is_empty(),
            "{interaction}: {:?}",
            translation.issues
        );
        for resource in &translation.resources {
            resources.push(serde_json::from_str::<Value>(&resource.to_json()).unwrap());
        }
    }
    let ctx = disclosure::Context {
        today: TODAY,
        patient_age: 62,
        online_access_start: Some(TODAY - Duration::days(3650)),
    };
    disclosure::select(category, resources, &ctx).unwrap()
}

fn of_type<'a>(resources: &'a [Value], resource_type: &str) -> Vec<&'a Value> {
    resources
        .iter()
        .filter(|r| r["resourceType"] == resource_type)
        .collect()
}

/// Returns the codes of a CodeableConcept element, or of every concept in a list of them.
fn codes(resource: &Value, element: &str) -> Vec<String> {
    let concepts = match &resource[element] {
        Value::Array(items) => items.iter().collect(),
        concept => vec![concept],
    };
    concepts
        .into_iter()
        .flat_map(|concept| concept["coding"].as_array().into_iter().flatten())
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect()
}

fn data() -> Option<HisData> {
    let dir = reference_dir()?;
    Some(demo_with_persons(&dir, TODAY).unwrap())
}

#[test]
fn persons_use_token_bsns() {
    let Some(dir) = reference_dir() else { return };
    let patients = persons(&dir, TODAY).unwrap();

    let summary: Vec<(String, String, Option<Date>)> = patients
        .iter()
        .map(|p| {
            (
                p.person.bsn.as_str().to_owned(),
                p.person.name.clone(),
                p.person.birth_date,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                CEVAT.to_owned(),
                "Jacqueline XXX_Cevat".to_owned(),
                Some(date!(1964 - 07 - 25))
            ),
            (
                BALTUS.to_owned(),
                "Ellen XXX_Baltus".to_owned(),
                Some(date!(1974 - 08 - 02))
            ),
            (
                SCHULTE.to_owned(),
                "Eva XXX_Schulte".to_owned(),
                Some(date!(1964 - 08 - 02))
            ),
        ]
    );
    for patient in &patients {
        assert_eq!(patient.person.practice_app_ids, [DE_LINDE]);
    }
    let demo_bsns: Vec<String> = generate::demo_patients(TODAY)
        .iter()
        .map(|p| p.person.bsn.as_str().to_owned())
        .collect();
    for patient in &patients {
        assert!(!demo_bsns.contains(&patient.person.bsn.as_str().to_owned()));
    }
}

#[test]
fn missing_reference_folder_fails() {
    let error = persons(Path::new("/nonexistent/reference"), TODAY).unwrap_err();
    assert!(matches!(error, QualificationError::Io { .. }), "{error}");
}

#[test]
fn demo_lists_qualification_persons() {
    let Some(data) = data() else { return };
    let names: Vec<String> = data.persons().into_iter().map(|p| p.name).collect();
    assert!(names.contains(&"Anna XXX_Testveld".to_owned()), "{names:?}");
    assert!(
        names.contains(&"Jacqueline XXX_Cevat".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"Eva XXX_Schulte".to_owned()), "{names:?}");
}

#[test]
fn documents_carry_fixture_pdfs() {
    let Some(dir) = reference_dir() else { return };
    let patients = persons(&dir, TODAY).unwrap();
    let letters = |bsn: &str| {
        patients
            .iter()
            .find(|p| p.person.bsn.as_str() == bsn)
            .map(|p| p.records[0].1.letters.clone())
            .unwrap()
    };

    let baltus = letters(BALTUS);
    let types: Vec<&str> = baltus.iter().map(|l| l.loinc.as_str()).collect();
    assert_eq!(types, ["68688-1", "34781-5"]);
    for letter in &baltus {
        assert!(letter.pdf.starts_with(b"%PDF-"), "{}", letter.title);
    }
    assert_eq!(baltus[1].date, TODAY - Duration::days(60));
    assert!(baltus.iter().all(|l| l.status == LetterStatus::Current));
    let schulte = patients
        .iter()
        .find(|p| p.person.bsn.as_str() == SCHULTE)
        .map(|p| p.records[0].1.clone())
        .unwrap();
    let loose: Vec<LetterStatus> = schulte.letters.iter().map(|l| l.status).collect();
    assert_eq!(loose, [LetterStatus::EnteredInError]);
    let sets: Vec<(&str, usize, LetterStatus)> = schulte
        .document_sets
        .iter()
        .map(|s| (s.loinc.as_str(), s.letters.len(), s.status))
        .collect();
    assert_eq!(
        sets,
        [
            ("18842-5", 1, LetterStatus::Current),
            ("73575-3", 2, LetterStatus::Current)
        ]
    );
    assert!(
        schulte.document_sets[0].letters[0]
            .pdf
            .starts_with(b"%PDF-")
    );

    let data = demo_with_persons(&dir, TODAY).unwrap();
    let answer = data
        .answer(Interaction::CorrespondenceQuery, &query(DE_LINDE, BALTUS))
        .unwrap();
    let doc = hl7v3::read::parse(&answer).unwrap();
    let messages = hl7v3::read::messages(&doc).unwrap();
    assert_eq!(messages[0].interaction_id, "QUCO_IN990003NL01");
    assert_eq!(messages[0].patient_bsns(), [BALTUS]);
    assert_eq!(answer.matches("mediaType=\"application/pdf\"").count(), 2);

    let answer = data
        .answer(Interaction::CorrespondenceQuery, &query(DE_LINDE, SCHULTE))
        .unwrap();
    let translation = translate::translate(&answer, &translate::Context::new(BASE)).unwrap();
    let statuses: Vec<(String, String)> = translation
        .resources
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.to_json()).unwrap())
        .filter(|r| r["resourceType"] == "DocumentReference")
        .map(|r| {
            (
                r["id"].to_string(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut statuses: Vec<&str> = statuses.iter().map(|(_, s)| s.as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        ["current", "entered-in-error", "superseded", "superseded"]
    );
    let manifests: Vec<Value> = translation
        .resources
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.to_json()).unwrap())
        .filter(|r| r["resourceType"] == "DocumentManifest")
        .collect();
    let set = manifests
        .iter()
        .find(|m| m["type"]["coding"][0]["code"] == "73575-3")
        .unwrap();
    assert_eq!(set["content"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        set["masterIdentifier"]["value"],
        "urn:oid:1.2.276.0.7230010.3.1.2.9857205428.8024.1526514975.440899"
    );
    assert_eq!(manifests.len(), 3, "two sets and one loose letter");
}
