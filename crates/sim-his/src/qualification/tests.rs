use std::path::PathBuf;

use hl7v3::Interaction;
use serde_json::Value;
use time::macros::date;
use time::{Date, Duration};

use super::*;
use crate::generate::LetterStatus;
use crate::source::AnswerSource;
use crate::test_support::query;

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
fn patient_search_has_one_patient() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::EpisodesQuery],
        disclosure::Category::Patient,
    );

    let patients = of_type(&found, "Patient");
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["birthDate"], "1964-07-25");
    assert_eq!(patients[0]["name"][0]["family"], "XXX_Cevat");
}

#[test]
fn seven_episodes_with_type_and_diagnosis() {
    let Some(data) = data() else { return };
    // The Patient rule passes every resource, so this is the translation before the episode rule.
    let found = search(
        &data,
        CEVAT,
        &[Interaction::EpisodesQuery],
        disclosure::Category::Patient,
    );

    let episodes = of_type(&found, "EpisodeOfCare");
    assert_eq!(episodes.len(), 7);
    for episode in &episodes {
        assert!(!episode["type"].is_null(), "{episode}");
        assert!(!episode["diagnosis"].is_null(), "{episode}");
    }
    let text = serde_json::to_string(&of_type(&found, "Condition")).unwrap();
    for icpc in ["D02", "K70", "K78", "L86.01", "R21.01", "R96", "S74.01"] {
        assert!(text.contains(&format!("\"{icpc}\"")), "{icpc} missing");
    }
    let closed = episodes.iter().find(|e| e["status"] == "finished").unwrap();
    assert_eq!(closed["period"]["start"], days_ago(100));
    assert_eq!(closed["period"]["end"], days_ago(95));

    let answer = data
        .answer(Interaction::EpisodesQuery, &query(DE_LINDE, CEVAT))
        .unwrap();
    let attentiewaarden = answer
        .matches("2.16.840.1.113883.2.4.3.11.60.66.10.214")
        .count();
    assert_eq!(attentiewaarden, 3, "the Flags on D02, K78 and R96");
}

#[test]
fn three_current_medication_requests() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::MedicationAgreementsQuery],
        disclosure::Category::Medication,
    );

    let requests = of_type(&found, "MedicationRequest");
    assert_eq!(requests.len(), 3);
    let text = serde_json::to_string(&requests).unwrap();
    assert!(text.contains("IBUPROFEN 400MG TABLET"));
    assert!(text.contains(&days_ago(120)));
    assert!(!text.contains("PANTOPRAZOL"), "ended agreement disclosed");
    for request in &requests {
        assert!(!request["context"].is_null(), "{request}");
    }
}

/// Returns the (system, code) pairs of the Medication whose name contains `name`.
fn product_codes(medications: &[&Value], name: &str) -> Vec<(String, String)> {
    let medication = medications
        .iter()
        .find(|m| {
            m["code"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains(name)
        })
        .unwrap_or_else(|| panic!("no Medication {name}"));
    medication["code"]["coding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["system"].as_str().unwrap().to_owned(),
                c["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn medication_products_keep_exactly_their_codes() {
    let Some(data) = data() else { return };
    // The Patient rule passes every resource: all six agreements with their Medications.
    let found = search(
        &data,
        CEVAT,
        &[Interaction::MedicationAgreementsQuery],
        disclosure::Category::Patient,
    );

    let requests = of_type(&found, "MedicationRequest");
    assert_eq!(requests.len(), 6);
    for request in &requests {
        assert!(!request["context"].is_null(), "{request}");
    }
    let medications = of_type(&found, "Medication");
    let oid = |suffix: &str| format!("urn:oid:2.16.840.1.113883.2.4.4.{suffix}");
    let pair = |suffix: &str, code: &str| (oid(suffix), code.to_owned());
    assert_eq!(
        product_codes(&medications, "IBUPROFEN"),
        [pair("10", "27278"), pair("1", "51004")]
    );
    assert_eq!(
        product_codes(&medications, "KETOCONAZOL"),
        [pair("10", "80349")]
    );
    assert_eq!(product_codes(&medications, "CODEINE"), [pair("1", "43990")]);
    assert_eq!(product_codes(&medications, "TEVA"), [pair("7", "768901")]);
}

#[test]
fn one_allergy_intolerance() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::IntolerancesQuery],
        disclosure::Category::Intolerances,
    );
    let allergies = of_type(&found, "AllergyIntolerance");
    assert_eq!(allergies.len(), 1);
    let coding = &allergies[0]["code"]["coding"][0];
    assert_eq!(coding["system"], "urn:oid:2.16.840.1.113883.2.4.4.7");
    assert_eq!(coding["code"], "1112821");
    assert_eq!(coding["display"], "PREDNISOLON CAPSULE 65MG FNA MR");
}

#[test]
fn lab_and_diagnostic_observations() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::LabQuery, Interaction::MeasurementsQuery],
        disclosure::Category::Results,
    );

    let observations = of_type(&found, "Observation");
    assert_eq!(observations.len(), 18);
    let text_values = observations
        .iter()
        .filter(|o| o["valueString"].is_string())
        .count();
    assert_eq!(text_values, 2, "the pulse remark and the CT report");
    for observation in &observations {
        assert!(!observation["context"].is_null(), "{observation}");
    }
    let glucose = observations
        .iter()
        .find(|o| codes(o, "code").contains(&"3208".to_owned()))
        .unwrap();
    assert!(
        glucose["effectiveDateTime"]
            .as_str()
            .unwrap()
            .starts_with(&days_ago(80))
    );
}

#[test]
fn eighteen_compositions_without_s_or_o() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::JournalQuery, Interaction::EncountersQuery],
        disclosure::Category::Journal,
    );

    let compositions = of_type(&found, "Composition");
    assert_eq!(compositions.len(), 18);
    for composition in &compositions {
        assert!(!composition["type"].is_null(), "{composition}");
        assert!(!composition["title"].is_null(), "{composition}");
        for section in composition["section"].as_array().into_iter().flatten() {
            let code = codes(section, "code");
            assert!(
                !code.contains(&"S".to_owned()) && !code.contains(&"O".to_owned()),
                "{section}"
            );
        }
    }
    let dates: Vec<&str> = compositions
        .iter()
        .filter_map(|c| c["date"].as_str())
        .collect();
    assert!(
        dates.iter().any(|d| d.starts_with(&days_ago(400))),
        "{dates:?}"
    );
}

#[test]
fn journal_keeps_the_consultations_own_diagnosis() {
    let Some(data) = data() else { return };
    let answer = data
        .answer(Interaction::JournalQuery, &query(DE_LINDE, CEVAT))
        .unwrap();
    // Contacts 04, 05 and 14 code L03 on the E line inside the L86.01 episode.
    assert_eq!(answer.matches("code=\"L03\"").count(), 3);
    // The other twelve E lines carry their episode's code (L86.01 in contacts 15 to 17).
    assert_eq!(answer.matches("code=\"L86.01\"").count(), 3);
    let evaluations = answer
        .matches("2.16.840.1.113883.2.4.3.11.60.66.10.213")
        .count();
    assert_eq!(evaluations, 15);
}

#[test]
fn eighteen_encounters_with_class_and_type() {
    let Some(data) = data() else { return };
    let found = search(
        &data,
        CEVAT,
        &[Interaction::EncountersQuery],
        disclosure::Category::Encounters,
    );

    let encounters = of_type(&found, "Encounter");
    assert_eq!(encounters.len(), 18);
    for encounter in &encounters {
        assert!(!encounter["class"].is_null(), "{encounter}");
        assert!(
            codes(encounter, "type").contains(&"03".to_owned()),
            "{encounter}"
        );
    }
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
    let statuses: Vec<LetterStatus> = letters(SCHULTE).iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [LetterStatus::Superseded, LetterStatus::Superseded]
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
    assert_eq!(statuses.len(), 2);
    assert!(
        statuses.iter().all(|(_, s)| s == "superseded"),
        "{statuses:?}"
    );
}
