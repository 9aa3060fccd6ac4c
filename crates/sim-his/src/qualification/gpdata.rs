//! Jacqueline XXX_Cevat, the GP data (gegevensdienst 49) qualification patient: the fixture
//! resources mapped back onto the synthetic record model, so that the generated Ketenzorg answers
//! translate to what the XIS-Server TestScripts expect.
//!
//! Mapping: EpisodeOfCare with the ICPC code of its Condition (and attentiewaarde when a Flag
//! points at it) to episodes; Encounter with its gp-JournalEntry S/O/E/P Observations to
//! consultations; gp-DiagnosticResult to general measurements and gp-LaboratoryResult to lab
//! results; MedicationRequest with its Medication to medication agreements; AllergyIntolerance to
//! an intolerance.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fhir::Element;
use time::{Date, PrimitiveDateTime, Time};

use super::fixtures::{Fixtures, at, coding_in, date_of, extension, first_coding, value};
use super::{QualificationError, TESTSCRIPTS, Tokens, patient, practice_with_gp};
use crate::generate::{
    ClinicalData, Consultation, Episode, GStandaard, GStandaardCode, Intolerance, Measurement,
    MedicationAgreement, Practice, ResultValue, SynthPatient,
};

/// The fixture Patient id of Jacqueline XXX_Cevat.
const PATIENT_ID: &str = "gpdata-patient-kwalificatie1";

const ICPC: &str = "http://hl7.org/fhir/sid/icpc-1-nl";
const JOURNAL_LINES: &str = "http://fhir.nl/fhir/NamingSystem/journaalregeltypen";
const EPISODE_CONTEXT: &str =
    "http://nictiz.nl/fhir/StructureDefinition/extension-context-nl-core-episodeofcare";
const PERIOD_OF_USE: &str = "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-PeriodOfUse";
const EPISODE_TITLE: &str = "http://nictiz.nl/fhir/StructureDefinition/EpisodeOfCare-Title";
const FLAG_DETAIL: &str = "http://hl7.org/fhir/StructureDefinition/flag-detail";

/// Returns the GP data fixture folders below the reference folder.
pub(super) fn fixture_dirs(reference_dir: &Path) -> [PathBuf; 2] {
    let base = reference_dir
        .join(TESTSCRIPTS)
        .join("GenPractData-2-0/output-Cert/_reference");
    [
        base.join("resources-generic"),
        base.join("resources-query-send"),
    ]
}

/// Builds Jacqueline XXX_Cevat with her record at `practice`.
pub(super) fn jacqueline(
    reference_dir: &Path,
    today: Date,
    tokens: &Tokens,
    practice: &Practice,
) -> Result<SynthPatient, QualificationError> {
    let fixtures = Fixtures::load(&fixture_dirs(reference_dir), today)?;
    let patient = fixtures
        .resolve(&format!("Patient/{PATIENT_ID}"))
        .ok_or_else(|| QualificationError::Missing {
            what: format!("Patient {PATIENT_ID}"),
        })?;
    let gp_name = fixtures
        .of_type("Practitioner")
        .next()
        .and_then(|p| value(p, &["name", "text"]));
    let practice = practice_with_gp(practice, gp_name);
    let data = Mapper::new(&fixtures).data();
    patient::synth_patient(
        patient,
        tokens.bsn(PATIENT_ID)?,
        "kwalificatie Huisartsgegevens (49)",
        practice,
        data,
    )
}

/// Maps the fixtures onto one [`ClinicalData`], resolving references to indexes.
struct Mapper<'a> {
    fixtures: &'a Fixtures,
    data: ClinicalData,
    /// Index in `data.episodes` by EpisodeOfCare reference (`EpisodeOfCare/<id>`).
    episodes: HashMap<String, usize>,
    /// Index in `data.consultations` by Encounter reference (`Encounter/<id>`).
    consultations: HashMap<String, usize>,
}

impl<'a> Mapper<'a> {
    fn new(fixtures: &'a Fixtures) -> Self {
        Self {
            fixtures,
            data: ClinicalData::default(),
            episodes: HashMap::new(),
            consultations: HashMap::new(),
        }
    }

    fn data(mut self) -> ClinicalData {
        self.map_episodes();
        self.map_consultations();
        self.map_results();
        self.map_medication();
        self.map_intolerances();
        self.data
    }

    fn map_episodes(&mut self) {
        let flagged: Vec<&str> = self
            .fixtures
            .of_type("Flag")
            .filter_map(|flag| extension(flag, FLAG_DETAIL))
            .filter_map(|detail| value(detail, &["valueReference", "reference"]))
            .collect();
        for episode in self.fixtures.of_type("EpisodeOfCare") {
            let id = episode.child_value("id").unwrap_or_default();
            let condition = at(episode, &["diagnosis", "condition", "reference"])
                .and_then(|r| r.value.as_deref())
                .and_then(|r| self.fixtures.resolve(r));
            let icpc = condition
                .and_then(|c| c.child("code"))
                .and_then(|code| coding_in(code, ICPC));
            let (Some((icpc, icpc_display)), Some(start)) = (icpc, period_date(episode, "start"))
            else {
                tracing::warn!(
                    episode = id,
                    "qualification episode without ICPC code or start skipped"
                );
                continue;
            };
            let reference = format!("EpisodeOfCare/{id}");
            let title = extension(episode, EPISODE_TITLE)
                .and_then(|e| e.child_value("valueString"))
                .unwrap_or(icpc_display);
            self.data.episodes.push(Episode {
                id: identifier(episode).unwrap_or(id).to_owned(),
                title: title.to_owned(),
                icpc: icpc.to_owned(),
                icpc_display: icpc_display.to_owned(),
                start,
                end: period_date(episode, "end"),
                attentiewaarde: flagged.contains(&reference.as_str()),
            });
            self.episodes
                .insert(reference, self.data.episodes.len() - 1);
        }
    }

    fn map_consultations(&mut self) {
        let mut encounters: Vec<&Element> = self.fixtures.of_type("Encounter").collect();
        encounters.sort_by_key(|e| value(e, &["period", "start"]).map(str::to_owned));
        for encounter in encounters {
            let id = encounter.child_value("id").unwrap_or_default();
            let Some(start) = value(encounter, &["period", "start"]).and_then(date_time_of) else {
                continue;
            };
            let reference = format!("Encounter/{id}");
            let (code, display) = encounter
                .child("type")
                .and_then(first_coding)
                .map(|(_, code, display)| (code, display))
                .unwrap_or(("03", "Consult"));
            let episode = value(encounter, &["episodeOfCare", "reference"])
                .and_then(|r| self.episodes.get(r).copied());
            let line = |kind: &str| self.journal_line(&reference, kind);
            let consultation = Consultation {
                id: identifier(encounter).unwrap_or(id).to_owned(),
                start,
                minutes: 10,
                contact_code: code.to_owned(),
                contact_display: display.to_owned(),
                episode,
                subjective: line("S"),
                objective: line("O"),
                evaluation: line("E"),
                plan: line("P"),
                diagnosis: self.evaluation_diagnosis(&reference, episode),
            };
            self.data.consultations.push(consultation);
            self.consultations
                .insert(reference, self.data.consultations.len() - 1);
        }
    }

    /// Returns the ICPC code of the E line of one encounter when it differs from the ICPC code
    /// of the consultation's episode (which the generator writes otherwise).
    fn evaluation_diagnosis(
        &self,
        encounter: &str,
        episode: Option<usize>,
    ) -> Option<(String, String)> {
        let (code, display) = self
            .journal_entries(encounter, "E")
            .filter_map(|o| o.child("component"))
            .filter_map(|c| c.child("valueCodeableConcept"))
            .find_map(|concept| coding_in(concept, ICPC))?;
        let episode_code = episode
            .and_then(|index| self.data.episodes.get(index))
            .map(|e| e.icpc.as_str());
        (episode_code != Some(code)).then(|| (code.to_owned(), display.to_owned()))
    }

    /// Returns the gp-JournalEntry Observations of this kind (S, O, E or P) of one encounter.
    fn journal_entries<'b>(
        &'b self,
        encounter: &'b str,
        kind: &'b str,
    ) -> impl Iterator<Item = &'a Element> + 'b {
        self.fixtures
            .of_type("Observation")
            .filter(move |o| value(o, &["context", "reference"]) == Some(encounter))
            .filter(move |o| {
                o.child("code")
                    .and_then(|c| coding_in(c, JOURNAL_LINES))
                    .is_some_and(|(code, _)| code == kind)
            })
    }

    /// Returns the text of the journal entries of this kind (S, O, E or P) of one encounter.
    fn journal_line(&self, encounter: &str, kind: &str) -> String {
        self.journal_entries(encounter, kind)
            .filter_map(|o| o.child_value("valueString"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn map_results(&mut self) {
        for observation in self.fixtures.of_type("Observation") {
            let profile = value(observation, &["meta", "profile"]).unwrap_or_default();
            let lab = profile.ends_with("/gp-LaboratoryResult");
            if !lab && !profile.ends_with("/gp-DiagnosticResult") {
                continue;
            }
            let id = observation.child_value("id").unwrap_or_default();
            let code = observation.child("code").and_then(first_coding);
            let date = observation
                .child_value("effectiveDateTime")
                .and_then(date_of);
            let result = result_value(observation);
            let (Some((_, code, display)), Some(date), Some(result)) = (code, date, result) else {
                tracing::debug!(
                    observation = id,
                    "qualification result not expressible, skipped"
                );
                continue;
            };
            let measurement = Measurement {
                id: identifier(observation).unwrap_or(id).to_owned(),
                code: code.to_owned(),
                display: display.to_owned(),
                date,
                value: result,
                reference_range: reference_range(observation),
                episode: self.episode_context(observation),
                consultation: value(observation, &["context", "reference"])
                    .and_then(|r| self.consultations.get(r).copied()),
            };
            if lab {
                self.data.lab_results.push(measurement);
            } else {
                self.data.measurements.push(measurement);
            }
        }
    }

    fn map_medication(&mut self) {
        for request in self.fixtures.of_type("MedicationRequest") {
            let id = request.child_value("id").unwrap_or_default();
            let product = value(request, &["medicationReference", "reference"])
                .and_then(|r| self.fixtures.resolve(r))
                .and_then(|m| m.child("code"));
            let period = extension(request, PERIOD_OF_USE).and_then(|e| e.child("valuePeriod"));
            let (Some(product), Some(start)) = (
                product,
                period
                    .and_then(|p| p.child_value("start"))
                    .and_then(date_of),
            ) else {
                tracing::warn!(
                    request = id,
                    "qualification medication without product or start skipped"
                );
                continue;
            };
            // Exactly the G-Standaard codes the product has, in the fixture's order.
            let codes: Vec<GStandaardCode> = product
                .children_named("coding")
                .filter_map(|coding| {
                    let system = GStandaard::from_oid(coding.child_value("system")?)?;
                    Some(GStandaardCode::new(
                        system,
                        coding.child_value("code")?,
                        coding.child_value("display").unwrap_or_default(),
                    ))
                })
                .collect();
            let times_per_day = value(
                request,
                &["dosageInstruction", "timing", "repeat", "frequency"],
            )
            .and_then(|f| f.parse().ok())
            .unwrap_or(1);
            self.data.medication.push(MedicationAgreement {
                id: identifier(request).unwrap_or(id).to_owned(),
                product: codes,
                start,
                end: period.and_then(|p| p.child_value("end")).and_then(date_of),
                times_per_day,
                episode: self.episode_context(request),
                consultation: value(request, &["context", "reference"])
                    .and_then(|r| self.consultations.get(r).copied()),
            });
        }
    }

    fn map_intolerances(&mut self) {
        for allergy in self.fixtures.of_type("AllergyIntolerance") {
            let id = allergy.child_value("id").unwrap_or_default();
            let code = allergy.child("code").and_then(first_coding);
            let start = allergy.child_value("onsetDateTime").and_then(date_of);
            let (Some((system, code, display)), Some(start)) = (code, start) else {
                continue;
            };
            let Some(system) = GStandaard::from_oid(system) else {
                tracing::warn!(
                    allergy = id,
                    "qualification intolerance without a G-Standaard code skipped"
                );
                continue;
            };
            self.data.intolerances.push(Intolerance {
                id: identifier(allergy).unwrap_or(id).to_owned(),
                substance: GStandaardCode::new(system, code, display),
                start,
                end: None,
            });
        }
    }

    fn episode_context(&self, resource: &Element) -> Option<usize> {
        extension(resource, EPISODE_CONTEXT)
            .and_then(|e| value(e, &["valueReference", "reference"]))
            .and_then(|r| self.episodes.get(r).copied())
    }
}

fn identifier(resource: &Element) -> Option<&str> {
    value(resource, &["identifier", "value"])
}

fn period_date(resource: &Element, bound: &str) -> Option<Date> {
    value(resource, &["period", bound]).and_then(date_of)
}

/// Reads a FHIR date or dateTime as local time; a bare date becomes 09:00.
fn date_time_of(text: &str) -> Option<PrimitiveDateTime> {
    let date = date_of(text)?;
    let hour = text.get(11..13).and_then(|h| h.parse().ok());
    let minute = text.get(14..16).and_then(|m| m.parse().ok());
    let time = match (hour, minute) {
        (Some(hour), Some(minute)) => Time::from_hms(hour, minute, 0).ok()?,
        _ => Time::from_hms(9, 0, 0).ok()?,
    };
    Some(PrimitiveDateTime::new(date, time))
}

fn result_value(observation: &Element) -> Option<ResultValue> {
    if let Some(quantity) = observation.child("valueQuantity") {
        return Some(ResultValue::Quantity {
            value: quantity.child_value("value")?.to_owned(),
            unit: quantity
                .child_value("code")
                .or_else(|| quantity.child_value("unit"))
                .unwrap_or("1")
                .to_owned(),
        });
    }
    if let Some(text) = observation.child_value("valueString") {
        return Some(ResultValue::Text(text.to_owned()));
    }
    let (_, code, display) = observation
        .child("valueCodeableConcept")
        .and_then(first_coding)?;
    Some(ResultValue::Coded {
        code: code.to_owned(),
        display: display.to_owned(),
    })
}

fn reference_range(observation: &Element) -> Option<(Option<String>, Option<String>)> {
    let range = observation.child("referenceRange")?;
    let bound = |name: &str| value(range, &[name, "value"]).map(str::to_owned);
    Some((bound("low"), bound("high")))
}
