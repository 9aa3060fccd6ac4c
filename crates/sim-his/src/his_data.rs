//! The data behind the simulated GP systems: answers loaded from a folder of real HL7v3 messages
//! (the `--his-data` mode) or generated for the demo persons, indexed by BSN and interaction.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::Bsn;
use hl7v3::Interaction;
use hl7v3::read::ReadError;
use time::Date;
use tracing::{debug, warn};

use crate::generate::{self, Practice, SynthPatient};
use crate::person::DemoPerson;
use crate::source::{AnswerSource, QueryContext};
use crate::stored::StoredAnswer;
use crate::wrap::{Responder, not_found};
use crate::xmlw::WriteError;

/// The birth date the simulator assumes for a loaded person whose files carry none (an adult).
const ASSUMED_BIRTH_DATE: Date = time::macros::date!(1970 - 01 - 01);
/// Errors while loading answer messages.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder or a file in it could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not a readable HL7v3 message.
    #[error("{path} is not a valid HL7v3 answer message: {source}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The reading error.
        source: ReadError,
    },
    /// The folder contains no response message with a patient BSN.
    #[error("{path} contains no HL7v3 answer messages with a patient BSN")]
    Empty {
        /// The folder.
        path: PathBuf,
    },
    /// Writing a generated answer failed (a bug).
    #[error("generating the demo answers failed: {0}")]
    Generate(#[from] WriteError),
}

/// Key of the answer index: practice application id (`None` for loaded files, which answer for
/// every application id), BSN and answer interaction.
type AnswerKey = (Option<String>, String, Interaction);

/// Answers indexed by practice, BSN and interaction, plus the persons behind them.
#[derive(Debug, Clone)]
pub struct HisData {
    answers: HashMap<AnswerKey, Vec<StoredAnswer>>,
    persons: Vec<DemoPerson>,
    /// Practices of generated data; empty for loaded files, which answer for every application id.
    practices: Vec<Practice>,
}

impl HisData {
    /// Loads every `*.xml` file in `dir`: bare interactions, `MCCI_IN200101` batches, SOAP
    /// envelopes and HTTP captures. Answers without a patient BSN (LSP error answers) are skipped.
    pub fn from_dir(dir: &Path) -> Result<HisData, LoadError> {
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LoadError::Io { path, source }
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io_error(dir))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("xml"))
            })
            .collect();
        files.sort();

        let mut data = HisData {
            answers: HashMap::new(),
            persons: Vec::new(),
            practices: Vec::new(),
        };
        for path in &files {
            let text = std::fs::read_to_string(path).map_err(io_error(path))?;
            let added = data
                .add_document(&text, None)
                .map_err(|source| LoadError::Malformed {
                    path: path.clone(),
                    source,
                })?;
            debug!(file = %path.display(), answers = added, "loaded HL7v3 answers");
        }
        if data.answers.is_empty() {
            return Err(LoadError::Empty {
                path: dir.to_path_buf(),
            });
        }
        data.assume_adult_birth_dates();
        Ok(data)
    }

    /// Gives every loaded person without a birth date an adult one, so the availability check can
    /// run. A real GP system records every birth date, but several Nictiz example files leave
    /// `birthTime` out, and the person's note says so.
    fn assume_adult_birth_dates(&mut self) {
        for person in &mut self.persons {
            if person.birth_date.is_none() {
                person.birth_date = Some(ASSUMED_BIRTH_DATE);
                person.note = "uit --his-data; geboortedatum ontbreekt, aangenomen: 1 januari 1970"
                    .to_owned();
            }
        }
    }

    /// Builds the demo data set of [`generate::demo_patients`] with dates relative to `today`.
    pub fn demo(today: Date) -> Result<HisData, LoadError> {
        Self::from_patients(generate::demo_patients(today))
    }

    /// Builds a data set from synthetic patients.
    pub fn from_patients(patients: Vec<SynthPatient>) -> Result<HisData, LoadError> {
        let mut data = HisData {
            answers: HashMap::new(),
            persons: patients.iter().map(|p| p.person.clone()).collect(),
            practices: generate::practices(),
        };
        for patient in &patients {
            for app_id in &patient.person.practice_app_ids {
                for interaction in generate::ANSWER_INTERACTIONS {
                    let context = generate::template_context(patient, app_id);
                    let Some(message) = patient.message(interaction, &context)? else {
                        continue;
                    };
                    data.add_document(&message, Some(app_id))
                        .map_err(|source| LoadError::Malformed {
                            path: PathBuf::from(format!("<generated {interaction} at {app_id}>")),
                            source,
                        })?;
                }
            }
        }
        Ok(data)
    }

    fn add_document(&mut self, text: &str, practice: Option<&str>) -> Result<usize, ReadError> {
        let doc = hl7v3::read::parse(text)?;
        let mut added = 0;
        for message in hl7v3::read::messages(&doc)? {
            let Some(answer) = StoredAnswer::from_message(text, &message) else {
                continue;
            };
            if practice.is_none() {
                self.note_person(&message);
            }
            for bsn in answer.bsns.clone() {
                let key = (practice.map(str::to_owned), bsn, answer.interaction);
                self.answers.entry(key).or_default().push(answer.clone());
                added += 1;
            }
        }
        Ok(added)
    }

    /// Adds the person in a loaded answer's `recordTarget` to the person list, once per BSN.
    fn note_person(&mut self, message: &hl7v3::read::Message<'_, '_>) {
        for subject in message.subjects() {
            let Some(patient_role) = hl7v3::xml::path(subject, &["recordTarget", "patientRole"])
            else {
                continue;
            };
            let Some(bsn) = hl7v3::xml::children(patient_role, "id")
                .find(|id| id.attribute("root") == Some(hl7v3::read::BSN_ROOT))
                .and_then(|id| id.attribute("extension"))
                .and_then(|digits| Bsn::parse(digits).ok())
            else {
                continue;
            };
            let patient = hl7v3::xml::child(patient_role, "patient");
            let birth_date = patient
                .and_then(|p| hl7v3::xml::path_attr(p, &["birthTime"], "value"))
                .and_then(crate::period::hl7_date);
            if let Some(known) = self.persons.iter_mut().find(|p| p.bsn == bsn) {
                // Another file of the same person may carry the birth date this one lacks.
                known.birth_date = known.birth_date.or(birth_date);
                continue;
            }
            let name = patient
                .and_then(|p| hl7v3::xml::child(p, "name"))
                .map(|name| {
                    hl7v3::xml::elements(name)
                        .map(hl7v3::xml::text)
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            self.persons.push(DemoPerson {
                bsn,
                name,
                birth_date,
                practice_app_ids: Vec::new(),
                note: "uit --his-data".to_owned(),
            });
        }
    }

    /// Returns the person with this BSN if the GP system with this application id has them on record.
    pub fn person(&self, practice_app_id: &str, bsn: &Bsn) -> Option<DemoPerson> {
        self.persons
            .iter()
            .find(|p| &p.bsn == bsn && p.known_at(practice_app_id))
            .cloned()
    }

    /// Returns every known person, in generation or file order.
    pub fn demo_persons(&self) -> &[DemoPerson] {
        &self.persons
    }

    fn responder(&self, app_id: &str) -> Option<Responder> {
        if self.practices.is_empty() {
            return Some(Responder::default());
        }
        self.practices
            .iter()
            .find(|p| p.app_id == app_id)
            .map(Practice::responder)
    }

    fn stored(&self, interaction: Interaction, query: &QueryContext) -> Option<&StoredAnswer> {
        let practice = (!self.practices.is_empty()).then(|| query.receiver_app_id.clone());
        let key = (practice, query.bsn.as_str().to_owned(), interaction);
        let answers = self.answers.get(&key)?;
        answers
            .iter()
            .find(|a| a.has_data())
            .or_else(|| answers.first())
    }
}

impl AnswerSource for HisData {
    fn answer(&self, interaction: Interaction, query: &QueryContext) -> Option<String> {
        let interaction = if interaction.is_query() {
            interaction.response()?
        } else {
            interaction
        };
        if interaction == Interaction::Batch {
            return None;
        }
        let responder = self.responder(&query.receiver_app_id)?;
        let result = match self.stored(interaction, query) {
            Some(stored) => stored.render(query),
            None => not_found(interaction, query, &responder),
        };
        match result {
            Ok(xml) => Some(xml),
            Err(error) => {
                warn!(%interaction, %error, "writing an answer failed");
                None
            }
        }
    }

    fn persons(&self) -> Vec<DemoPerson> {
        self.persons.clone()
    }
}

#[cfg(test)]
mod tests;
