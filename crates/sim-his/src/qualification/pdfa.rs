//! XXX_Baltus and XXX_Schulte, the PDF/A (gegevensdienst 51) qualification patients: their
//! DocumentReferences as letters and their DocumentManifests as document sets, with the PDF bytes of
//! the fixture Binary resources.
//!
//! A document whose attachment names a Binary that the fixtures lack is left out: Baltus has one on
//! purpose, to test the read of an unknown Binary. A document whose PDF is only on an external web
//! site (Schulte's discharge summaries) gets a generated stand-in PDF, because the simulator reaches
//! no other host. The DocumentReference status is kept (`superseded` as `statusCode obsolete`,
//! `entered-in-error` as `nullified`), so Schulte's older documents are not served as current ones.
//! A fixture DocumentManifest becomes a document set with the patient's own documents it lists; one
//! that lists only another patient's documents is left out.

use std::path::{Path, PathBuf};

use base64::Engine;
use fhir::Element;
use time::Date;

use super::fixtures::{Fixtures, date_of, first_coding, value};
use super::{QualificationError, TESTSCRIPTS, Tokens, patient};
use crate::generate::pdf;
use crate::generate::{ClinicalData, DocumentSet, Letter, LetterStatus, Practice, SynthPatient};

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
            let (letters, document_sets) = documents(&fixtures, id)?;
            let data = ClinicalData {
                letters,
                document_sets,
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

/// Returns the loose letters and the document sets of one patient.
fn documents(
    fixtures: &Fixtures,
    patient_id: &str,
) -> Result<(Vec<Letter>, Vec<DocumentSet>), QualificationError> {
    let subject = format!("Patient/{patient_id}");
    let about_patient =
        |r: &&Element| value(r, &["subject", "reference"]) == Some(subject.as_str());
    let mut letters: Vec<(String, Letter)> = Vec::new();
    for reference in fixtures.of_type("DocumentReference").filter(about_patient) {
        let id = reference.child_value("id").unwrap_or_default();
        if let Some(letter) = letter_of(fixtures, reference, id)? {
            letters.push((format!("DocumentReference/{id}"), letter));
        }
    }

    let mut sets = Vec::new();
    for manifest in fixtures.of_type("DocumentManifest").filter(about_patient) {
        let listed: Vec<&str> = manifest
            .children_named("content")
            .filter_map(|c| value(c, &["pReference", "reference"]))
            .collect();
        let (members, rest): (Vec<_>, Vec<_>) = letters
            .into_iter()
            .partition(|(reference, _)| listed.contains(&reference.as_str()));
        letters = rest;
        let members: Vec<Letter> = members.into_iter().map(|(_, letter)| letter).collect();
        match document_set(manifest, members) {
            Some(set) => sets.push(set),
            None => tracing::debug!(
                manifest = manifest.child_value("id").unwrap_or_default(),
                "qualification manifest without documents of this patient skipped"
            ),
        }
    }
    Ok((
        letters.into_iter().map(|(_, letter)| letter).collect(),
        sets,
    ))
}

/// Builds the letter of one DocumentReference, or `None` when its PDF is an unknown Binary or it
/// has no date.
fn letter_of(
    fixtures: &Fixtures,
    reference: &Element,
    id: &str,
) -> Result<Option<Letter>, QualificationError> {
    let url = value(reference, &["content", "attachment", "url"]).unwrap_or_default();
    let pdf = if url.starts_with("https://") || url.starts_with("http://") {
        stand_in_pdf(reference, url)
    } else {
        let Some(binary) = fixtures.resolve(url) else {
            tracing::debug!(
                document = id,
                "qualification document without a fixture Binary skipped"
            );
            return Ok(None);
        };
        binary
            .child_value("content")
            .and_then(|content| {
                base64::engine::general_purpose::STANDARD
                    .decode(content)
                    .ok()
            })
            .ok_or_else(|| QualificationError::Missing {
                what: format!("base64 PDF content in the Binary of DocumentReference {id}"),
            })?
    };
    let letter = letter(reference, id, pdf);
    if letter.is_none() {
        tracing::warn!(
            document = id,
            "qualification document without a date skipped"
        );
    }
    Ok(letter)
}

/// Builds a one-page replacement PDF for a document whose original is on an external site.
fn stand_in_pdf(reference: &Element, url: &str) -> Vec<u8> {
    let title = reference.child_value("description").unwrap_or("Document");
    pdf::one_page(&[
        title,
        "TESTDOCUMENT - fictieve gegevens",
        "Vervangende PDF: het origineel staat op een externe website:",
        url,
    ])
}

/// Builds the document set of a fixture DocumentManifest, or `None` when it has no letters.
fn document_set(manifest: &Element, letters: Vec<Letter>) -> Option<DocumentSet> {
    if letters.is_empty() {
        return None;
    }
    let (_, code, display) = manifest
        .child("type")
        .and_then(first_coding)
        .unwrap_or(("", "", ""));
    let date = manifest.child_value("created").and_then(date_of)?;
    let id = manifest.child_value("id").unwrap_or_default();
    Some(DocumentSet {
        id: value(manifest, &["masterIdentifier", "value"])
            .unwrap_or(id)
            .to_owned(),
        date,
        title: manifest
            .child_value("description")
            .unwrap_or(display)
            .to_owned(),
        loinc: code.to_owned(),
        loinc_display: display.to_owned(),
        status: status_of(manifest),
        letters,
    })
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
        status: status_of(reference),
        pdf,
    })
}

/// Maps a FHIR document status to the letter status.
fn status_of(resource: &Element) -> LetterStatus {
    match resource.child_value("status") {
        Some("superseded") => LetterStatus::Superseded,
        Some("entered-in-error") => LetterStatus::EnteredInError,
        _ => LetterStatus::Current,
    }
}
