//! The GP data (gegevensdienst 49) searches of Jacqueline XXX_Cevat, translated and disclosed.

use hl7v3::Interaction;
use serde_json::Value;

use super::{CEVAT, codes, data, days_ago, of_type, search};
use crate::generate::DE_LINDE;
use crate::source::AnswerSource;
use crate::test_support::query;

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
