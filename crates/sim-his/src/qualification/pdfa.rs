//! XXX_Baltus and XXX_Schulte, the PDF/A (gegevensdienst 51) qualification patients: their
//! DocumentReferences as letters, with the PDF bytes of the fixture Binary resources.
//!
//! Only documents whose PDF is a fixture Binary are served. That leaves out Baltus's document
//! that points at an unknown Binary id on purpose, and Schulte's current discharge summary, whose
//! PDF is only on an external web site.
//! The DocumentReference status is kept (`superseded` as `statusCode obsolete`,
//! `entered-in-error` as `nullified`), so Schulte's older documents are not served as current ones.
//! The fixture DocumentManifests that group several documents are not reproduced: the
//! correspondence answer has no grouping, and crates/translate makes one DocumentManifest per letter.

use std::path::{Path, PathBuf};

use base64::Engine;
use fhir::Element;
use time::Date;

use super::fixtures::{Fixtures, date_of, first_coding, value};
use super::{QualificationError, TESTSCRIPTS, Tokens, patient};
use crate::generate::{ClinicalData, Letter, LetterStatus, Practice, SynthPatient};

/// The fixture Patient ids of XXX_Baltus and XXX_Schulte.
const PATIENT_IDS: [&str; 2] = ["example-pdfa-kwalificatie1", "example-pdfa-kwalificatie2"];

/// Returns the PDF/A fixture folder below the reference folder.
pub(super) fn fixture_dir(reference_dir: &Path) -> PathBuf {
    reference_dir
        .join(TESTSCRIPTS)
        .join("PDFA-3-0/output-Cert/_reference/resources")
}

/// Builds XXX_Baltus and XXX_Schulte with their letters at `practice`.
pub(super) fn patients(
    reference_dir: &Path,
    today: Date,
    tokens: &Tokens,
    practice: &Practice,
) -> Result<Vec<SynthPatient>, QualificationError> {
    let fixtures = Fixtures::load(&[fixture_dir(reference_dir)], today)?;
    PATIENT_IDS
        .iter()
        .map(|id| {
            let patient = fixtures.resolve(&format!("Patient/{id}")).ok_or_else(|| {
                QualificationError::Missing {
                    what: format!("Patient {id}"),
                }
            })?;
            let data = ClinicalData {
                letters: letters(&fixtures, id)?,
                ..ClinicalData::default()
            };
            patient::synth_patient(
                patient,
                tokens.bsn(id)?,
                "kwalificatie Documenten (51)",
                practice.clone(),
                data,
            )
        })
        .collect()
}

/// Returns the letters of one patient: every DocumentReference about them whose attachment is a
/// fixture Binary.
fn letters(fixtures: &Fixtures, patient_id: &str) -> Result<Vec<Letter>, QualificationError> {
    let subject = format!("Patient/{patient_id}");
    let mut letters = Vec::new();
    for reference in fixtures
        .of_type("DocumentReference")
        .filter(|r| value(r, &["subject", "reference"]) == Some(subject.as_str()))
    {
        let id = reference.child_value("id").unwrap_or_default();
        let Some(binary) = value(reference, &["content", "attachment", "url"])
            .and_then(|url| fixtures.resolve(url))
        else {
            tracing::debug!(
                document = id,
                "qualification document without a fixture Binary skipped"
            );
            continue;
        };
        let pdf = binary
            .child_value("content")
            .and_then(|content| {
                base64::engine::general_purpose::STANDARD
                    .decode(content)
                    .ok()
            })
            .ok_or_else(|| QualificationError::Missing {
                what: format!("base64 PDF content in the Binary of DocumentReference {id}"),
            })?;
        match letter(reference, id, pdf) {
            Some(letter) => letters.push(letter),
            None => tracing::warn!(
                document = id,
                "qualification document without a date skipped"
            ),
        }
    }
    Ok(letters)
}

fn letter(reference: &Element, id: &str, pdf: Vec<u8>) -> Option<Letter> {
    let (_, code, display) = reference
        .child("type")
        .and_then(first_coding)
        .unwrap_or(("", "", ""));
    let date = reference
        .child_value("created")
        .or_else(|| reference.child_value("indexed"))
        .and_then(date_of)?;
    let title = reference
        .child_value("description")
        .or_else(|| value(reference, &["content", "attachment", "title"]))
        .unwrap_or(display);
    let sender = value(reference, &["custodian", "display"])
        .or_else(|| value(reference, &["author", "display"]))
        .unwrap_or_default();
    Some(Letter {
        id: value(reference, &["masterIdentifier", "value"])
            .unwrap_or(id)
            .to_owned(),
        date,
        title: title.to_owned(),
        loinc: code.to_owned(),
        loinc_display: display.to_owned(),
        sender: sender.to_owned(),
        episode: None,
        status: match reference.child_value("status") {
            Some("superseded") => LetterStatus::Superseded,
            Some("entered-in-error") => LetterStatus::EnteredInError,
            _ => LetterStatus::Current,
        },
        pdf,
    })
}
