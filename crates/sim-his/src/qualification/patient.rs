//! A fixture Patient as a synthetic patient: name, gender, birth date and address.

use common::Bsn;
use fhir::Element;

use super::QualificationError;
use super::fixtures::{date_of, value};
use crate::generate::{ClinicalData, Gender, Practice, SynthPatient};
use crate::person::DemoPerson;

/// Builds the synthetic patient for a fixture Patient, known at `practice` with `data`.
pub(super) fn synth_patient(
    patient: &Element,
    bsn: Bsn,
    note: &str,
    practice: Practice,
    data: ClinicalData,
) -> Result<SynthPatient, QualificationError> {
    let id = patient.child_value("id").unwrap_or_default();
    let missing = |what: &str| QualificationError::Missing {
        what: format!("{what} of Patient {id}"),
    };
    let name = patient.child("name").ok_or_else(|| missing("name"))?;
    let family = name
        .child_value("family")
        .ok_or_else(|| missing("family name"))?
        .to_owned();
    let given = name.child_value("given").unwrap_or_default().to_owned();
    let birth_date = patient
        .child_value("birthDate")
        .and_then(date_of)
        .ok_or_else(|| missing("birth date"))?;
    let gender = match patient.child_value("gender") {
        Some("male") => Gender::Male,
        _ => Gender::Female,
    };
    let address = patient.child("address");
    let address_part = |name: &str| {
        address
            .and_then(|a| value(a, &[name]))
            .unwrap_or_default()
            .to_owned()
    };
    let display_name = [given.as_str(), family.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");

    Ok(SynthPatient {
        person: DemoPerson {
            bsn,
            name: display_name,
            birth_date: Some(birth_date),
            practice_app_ids: vec![practice.app_id.clone()],
            note: note.to_owned(),
        },
        given,
        family,
        gender,
        birth_date,
        street: address_part("line"),
        postal_code: address_part("postalCode"),
        city: address_part("city"),
        records: vec![(practice, data)],
    })
}
