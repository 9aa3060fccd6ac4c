//! The synthetic demo data: fictitious persons (BSNs that pass the 11-test, family names starting
//! with "XXX_Test"), their GP records at the demo practices, and Ketenzorg 3.0.2 answer messages
//! shaped like the Nictiz examples, with every date relative to the day of generation.

mod builder;
mod correspondence;
mod episodes;
mod journal;
mod medication;
mod model;
mod organizer;
mod other_records;
pub(crate) mod pdf;
mod persons;
mod records;
mod results;
mod warnings;

use hl7v3::{Ii, Interaction};
use time::{Date, OffsetDateTime};

pub use model::{
    Alert, ClinicalData, Clinician, Consultation, DocumentSet, Episode, GStandaard, GStandaardCode,
    Gender, Intolerance, Letter, LetterStatus, Measurement, MedicationAgreement, Practice,
    ResultValue,
};
pub use persons::{DE_LINDE, HET_ANKER, demo_patients, practices};

use crate::person::DemoPerson;
use crate::source::QueryContext;
use crate::wrap::{default_namespaces, not_found, wrap, write_author, write_query_ack};
use crate::xmlw::{WriteError, XmlWriter};
use organizer::Record;

/// Every answer interaction the simulated GP systems produce.
pub const ANSWER_INTERACTIONS: [Interaction; 9] = [
    Interaction::Episodes,
    Interaction::Journal,
    Interaction::Encounters,
    Interaction::Lab,
    Interaction::Measurements,
    Interaction::Intolerances,
    Interaction::Alerts,
    Interaction::MedicationAgreements,
    Interaction::Correspondence,
];

/// The synthetic data set: every demo patient with their records.
pub type Patients = Vec<SynthPatient>;

/// A fictitious patient with records at one or more demo practices.
#[derive(Debug, Clone)]
pub struct SynthPatient {
    /// The person as printed and as the availability check sees them.
    pub person: DemoPerson,
    /// Given name.
    pub given: String,
    /// Family name (starts with "XXX_Test").
    pub family: String,
    /// Administrative gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Date,
    /// Street address line, for `recordTarget/patientRole/addr`.
    pub street: String,
    /// Postal code and city.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// The records, one per practice.
    pub records: Vec<(Practice, ClinicalData)>,
}

impl SynthPatient {
    /// Returns this patient's record at the practice with this application id.
    pub fn record(&self, practice_app_id: &str) -> Option<&(Practice, ClinicalData)> {
        self.records
            .iter()
            .find(|(practice, _)| practice.app_id == practice_app_id)
    }

    /// Builds the answer to `query` (addressed to `query.receiver_app_id`), or `None` when that
    /// practice has no data of this kind for the patient or does not know them.
    pub fn message(
        &self,
        interaction: Interaction,
        query: &QueryContext,
    ) -> Result<Option<String>, WriteError> {
        let Some((practice, data)) = self.record(&query.receiver_app_id) else {
            return Ok(None);
        };
        let record = Record {
            patient: self,
            practice,
            data,
        };
        let Some((payload, count)) = record.payload(interaction)? else {
            return Ok(None);
        };

        let mut w = XmlWriter::new();
        w.element("ControlActProcess", &[("moodCode", "EVN")], |w| {
            write_author(w, &query.receiver_app_id, &practice.responder());
            w.raw(&payload);
            write_query_ack(w, query.query_id.as_ref(), "OK", count);
        });
        let control_act = w.finish()?;
        wrap(interaction, query, &default_namespaces(), &control_act).map(Some)
    }

    /// Builds the answer to `query`: the data, or an `NF` answer when there is none. `interaction`
    /// may be the query or the answer interaction; returns `None` for other interactions.
    pub fn answer(&self, interaction: Interaction, query: &QueryContext) -> Option<String> {
        let interaction = if interaction.is_query() {
            interaction.response()?
        } else {
            interaction
        };
        if !ANSWER_INTERACTIONS.contains(&interaction) {
            return None;
        }
        let result = match self.message(interaction, query) {
            Ok(Some(xml)) => Ok(xml),
            Ok(None) => {
                let responder = self
                    .record(&query.receiver_app_id)
                    .map(|(p, _)| p.responder());
                not_found(interaction, query, &responder.unwrap_or_default())
            }
            Err(error) => Err(error),
        };
        result.ok()
    }
}

/// A query context used to generate the stored demo answers, which get the real query's ids
/// when they are served.
pub(crate) fn template_context(patient: &SynthPatient, practice_app_id: &str) -> QueryContext {
    QueryContext {
        message_id: Ii::new("2.16.840.1.113883.2.4.6.6.1.1", Some("template")),
        query_id: Some(Ii::new("2.16.840.1.113883.2.4.6.6.1.2", Some("template"))),
        sender_app_id: "1".to_owned(),
        receiver_app_id: practice_app_id.to_owned(),
        bsn: patient.person.bsn.clone(),
        now: OffsetDateTime::UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod variant_tests;
