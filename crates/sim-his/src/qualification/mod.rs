//! The MedMij qualification patients as synthetic GP records, built at run time from the Nictiz
//! TestScript fixtures in the reference folder, with the scripts' date variables resolved.
//!
//! | BSN | name | gegevensdienst | fixtures |
//! |---|---|---|---|
//! | 999911132 | Jacqueline XXX_Cevat | 49 (GP data) | `GenPractData-2-0/output-Cert/_reference` |
//! | 999910796 | Ellen XXX_Baltus | 51 (PDF/A) | `PDFA-3-0/output-Cert/_reference/resources` |
//! | 999910784 | Eva XXX_Schulte | 51 (PDF/A) | same |
//!
//! The BSNs are the test BSNs that `Configuration/QualificationTokens.json` assigns to these
//! patients (read from that file, and checked with the 11-test). Every person is known at the GP
//! system of De Linde (application id 4001).

mod fixtures;
mod gpdata;
mod patient;
mod pdfa;

use std::path::{Path, PathBuf};

use common::Bsn;
use time::Date;

use crate::generate::{self, DE_LINDE, Practice, SynthPatient};
use crate::his_data::{HisData, LoadError};

/// Errors while building the qualification patients.
#[derive(Debug, thiserror::Error)]
pub enum QualificationError {
    /// A fixture folder or file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A fixture file is not a FHIR XML resource.
    #[error("{path} is not a FHIR XML resource: {source}")]
    Fhir {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: fhir::FhirError,
    },
    /// A fixture file uses a TestScript variable that is not a date.
    #[error("{path} uses the unsupported TestScript variable ${{{variable}}}")]
    Variable {
        /// The file.
        path: PathBuf,
        /// The variable text between `${` and `}`.
        variable: String,
    },
    /// `QualificationTokens.json` is unreadable or lacks a patient.
    #[error("{path} has no valid test BSN for the patient {resource_id}")]
    Token {
        /// The token file.
        path: PathBuf,
        /// The fixture Patient id looked up.
        resource_id: String,
    },
    /// A resource the mapping needs is missing from the fixtures.
    #[error("the fixtures contain no {what}")]
    Missing {
        /// The missing resource, e.g. "Patient gpdata-patient-kwalificatie1".
        what: String,
    },
    /// Writing the generated answers failed.
    #[error(transparent)]
    Answers(#[from] LoadError),
}

/// The folder of the Nictiz TestScripts below the reference folder.
const TESTSCRIPTS: &str = "fhir/testscripts";

/// Returns the reference folder: `LSPPLUS_REFERENCE_DIR`, or `../shared/reference` next to the
/// workspace this crate was built in.
pub fn default_reference_dir() -> PathBuf {
    std::env::var_os("LSPPLUS_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        })
}

/// Tells whether `reference_dir` contains the TestScript fixtures that [`persons`] reads.
pub fn fixtures_present(reference_dir: &Path) -> bool {
    gpdata::fixture_dirs(reference_dir)
        .iter()
        .all(|d| d.is_dir())
        && pdfa::fixture_dir(reference_dir).is_dir()
}

/// Builds the qualification patients from the fixtures in `reference_dir`, with every
/// `${DATE, T, D, n}` resolved against `today`: Jacqueline XXX_Cevat with the GP data of
/// gegevensdienst 49, then XXX_Baltus and XXX_Schulte with the PDF/A documents of gegevensdienst 51.
pub fn persons(reference_dir: &Path, today: Date) -> Result<Vec<SynthPatient>, QualificationError> {
    let tokens = Tokens::read(reference_dir)?;
    let practice = generate::practices()
        .into_iter()
        .find(|p| p.app_id == DE_LINDE)
        .ok_or_else(|| QualificationError::Missing {
            what: format!("demo practice {DE_LINDE}"),
        })?;

    let mut patients = vec![gpdata::jacqueline(
        reference_dir,
        today,
        &tokens,
        &practice,
    )?];
    patients.extend(pdfa::patients(reference_dir, today, &tokens, &practice)?);
    Ok(patients)
}

/// Builds the demo data set of [`HisData::demo`] plus the qualification patients.
pub fn demo_with_persons(reference_dir: &Path, today: Date) -> Result<HisData, QualificationError> {
    let mut patients = generate::demo_patients(today);
    patients.extend(persons(reference_dir, today)?);
    Ok(HisData::from_patients(patients)?)
}

/// The test BSNs of `Configuration/QualificationTokens.json`, by fixture Patient id.
pub(crate) struct Tokens {
    path: PathBuf,
    entries: Vec<serde_json::Value>,
}

impl Tokens {
    fn read(reference_dir: &Path) -> Result<Tokens, QualificationError> {
        let path = reference_dir
            .join(TESTSCRIPTS)
            .join("Configuration/QualificationTokens.json");
        let text = std::fs::read_to_string(&path).map_err(|source| QualificationError::Io {
            path: path.clone(),
            source,
        })?;
        let entries = serde_json::from_str(&text).unwrap_or_default();
        Ok(Tokens { path, entries })
    }

    /// Returns the BSN of the fixture Patient with this id.
    pub(crate) fn bsn(&self, resource_id: &str) -> Result<Bsn, QualificationError> {
        self.entries
            .iter()
            .find(|e| e["resourceId"].as_str() == Some(resource_id))
            .and_then(|e| e["bsn"].as_str())
            .and_then(|digits| Bsn::parse(digits).ok())
            .ok_or_else(|| QualificationError::Token {
                path: self.path.clone(),
                resource_id: resource_id.to_owned(),
            })
    }
}

/// The practice as the fixtures describe it: De Linde's ids with the fixture GP's name.
fn practice_with_gp(practice: &Practice, gp_name: Option<&str>) -> Practice {
    let mut practice = practice.clone();
    if let Some(name) = gp_name {
        practice.gp.name = name.to_owned();
    }
    practice
}

#[cfg(test)]
mod tests;
