//! Tests of the record variants the demo data does not use but the qualification patients need:
//! text results, products with other G-Standaard codes, HPK-coded intolerances, an E line with its
//! own diagnosis and superseded letters, each written and translated.

use hl7v3::Interaction;
use serde_json::Value;
use time::macros::date;

use super::*;
use crate::test_support::query;

const FULL_RECORD: &str = "999991103";

/// Returns the demo patient with data in every category, with `change` applied to their record
/// at De Linde.
fn patient_with(change: impl FnOnce(&mut ClinicalData)) -> SynthPatient {
    let mut patient = demo_patients(date!(2026 - 12 - 04))
        .into_iter()
        .find(|p| p.person.bsn.as_str() == FULL_RECORD)
        .unwrap();
    let (_, data) = patient
        .records
        .iter_mut()
        .find(|(practice, _)| practice.app_id == DE_LINDE)
        .unwrap();
    change(data);
    patient
}

fn answer(patient: &SynthPatient, interaction: Interaction) -> String {
    patient
        .answer(interaction, &query(DE_LINDE, FULL_RECORD))
        .unwrap()
}

fn translated(answer: &str, resource_type: &str) -> Vec<Value> {
    let ctx = translate::Context::new(
        "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49",
    );
    let translation = translate::translate(answer, &ctx).unwrap();
    assert!(translation.issues.is_empty(), "{:?}", translation.issues);
    translation
        .resources
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.to_json()).unwrap())
        .filter(|r| r["resourceType"] == resource_type)
        .collect()
}

#[test]
fn text_result_written_as_st() {
    let patient = patient_with(|data| {
        data.lab_results[0].value = ResultValue::Text("Zie toelichting".to_owned());
    });

    let xml = answer(&patient, Interaction::LabQuery);

    assert!(xml.contains(r#"<value xsi:type="ST">Zie toelichting</value>"#));
    let observations = translated(&xml, "Observation");
    let texts: Vec<&Value> = observations
        .iter()
        .map(|o| &o["valueString"])
        .filter(|v| v.is_string())
        .collect();
    assert_eq!(texts, [&Value::from("Zie toelichting")]);
}

#[test]
fn product_keeps_exactly_its_codes() {
    let patient = patient_with(|data| {
        data.medication[0].product = vec![GStandaardCode::new(
            GStandaard::Hpk,
            "768901",
            "PARACETAMOL TEVA TABLET 500MG",
        )];
        data.medication[0].consultation = Some(0);
        for agreement in &mut data.medication[1..] {
            agreement.product.retain(|c| c.system == GStandaard::Gpk);
        }
    });

    let xml = answer(&patient, Interaction::MedicationAgreementsQuery);

    assert_eq!(xml.matches(GStandaard::Hpk.oid()).count(), 1);
    assert!(
        !xml.contains(GStandaard::Prk.oid()),
        "PRK codes were removed"
    );
    let medications = translated(&xml, "Medication");
    let teva = medications
        .iter()
        .find(|m| m["code"]["text"] == "PARACETAMOL TEVA TABLET 500MG")
        .unwrap();
    let codings = teva["code"]["coding"].as_array().unwrap();
    assert_eq!(codings.len(), 1);
    assert_eq!(codings[0]["system"], "urn:oid:2.16.840.1.113883.2.4.4.7");
    for medication in &medications {
        assert_eq!(medication["code"]["coding"].as_array().unwrap().len(), 1);
    }
    let requests = translated(&xml, "MedicationRequest");
    let with_context = requests.iter().filter(|r| !r["context"].is_null()).count();
    assert_eq!(with_context, 1);
}

#[test]
fn intolerance_keeps_hpk_code_system() {
    let patient = patient_with(|data| {
        data.intolerances[0].substance = GStandaardCode::new(
            GStandaard::Hpk,
            "1112821",
            "PREDNISOLON CAPSULE 65MG FNA MR",
        );
    });

    let xml = answer(&patient, Interaction::IntolerancesQuery);

    let allergies = translated(&xml, "AllergyIntolerance");
    let systems: Vec<&Value> = allergies
        .iter()
        .map(|a| &a["code"]["coding"][0]["system"])
        .collect();
    assert!(systems.contains(&&Value::from("urn:oid:2.16.840.1.113883.2.4.4.7")));
    assert!(systems.contains(&&Value::from("urn:oid:2.16.840.1.113883.2.4.4.1.902.122")));
}

#[test]
fn evaluation_uses_own_diagnosis() {
    let mut episode_code = String::new();
    let patient = patient_with(|data| {
        let consultation = data
            .consultations
            .iter_mut()
            .find(|c| c.episode.is_some() && !c.evaluation.is_empty())
            .unwrap();
        consultation.diagnosis = Some(("L03".to_owned(), "Lage-rugpijn".to_owned()));
        episode_code = data.episodes[consultation.episode.unwrap()].icpc.clone();
    });
    let without = patient_with(|_| {});

    let xml = answer(&patient, Interaction::JournalQuery);
    let before = answer(&without, Interaction::JournalQuery);

    let own_code = r#"code="L03""#;
    assert_eq!(
        xml.matches(own_code).count(),
        before.matches(own_code).count() + 1
    );
    let episode_code = format!(r#"code="{episode_code}""#);
    assert_eq!(
        xml.matches(&episode_code).count() + 1,
        before.matches(&episode_code).count()
    );
}

#[test]
fn superseded_letter_is_not_current() {
    let patient = patient_with(|data| {
        data.letters[0].status = LetterStatus::Superseded;
    });

    let xml = answer(&patient, Interaction::CorrespondenceQuery);

    assert!(xml.contains(r#"<statusCode code="obsolete"/>"#));
    let statuses: Vec<Value> = translated(&xml, "DocumentReference")
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses[0], "superseded");
    assert!(statuses[1..].iter().all(|s| s == "current"), "{statuses:?}");
}
