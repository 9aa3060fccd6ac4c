//! The synthetic GP record: practices, clinicians and the data of one patient at one practice.

use time::{Date, PrimitiveDateTime};

use crate::wrap::Responder;

/// A demo GP practice (zorgaanbieder) and its GP information system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// AORTA application id of the practice's GP system.
    pub app_id: String,
    /// URA number of the practice.
    pub ura: String,
    /// Practice name.
    pub name: String,
    /// City of the practice.
    pub city: String,
    /// UZI system number of the GP system's server certificate.
    pub uzi_system_number: String,
    /// The practice's GP.
    pub gp: Clinician,
}

impl Practice {
    pub(crate) fn responder(&self) -> Responder {
        Responder {
            uzi_system_number: Some(self.uzi_system_number.clone()),
            organization: Some((self.ura.clone(), self.name.clone())),
        }
    }
}

/// A care professional with an UZI card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinician {
    /// UZI number of the person.
    pub uzi: String,
    /// Display name.
    pub name: String,
    /// UZI role code, e.g. `01.015` Huisarts.
    pub role_code: String,
    /// Display name of the role code.
    pub role_display: String,
}

/// Administrative gender as HL7v3 codes it (`M`, `F`, `UN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// `M`.
    Male,
    /// `F`.
    Female,
}

impl Gender {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
        }
    }
}

/// Everything one practice has recorded for one patient.
#[derive(Debug, Clone, Default)]
pub struct ClinicalData {
    /// Episodes (overdrachtconcerns).
    pub episodes: Vec<Episode>,
    /// Consultations: the encounters and their SOEP journal lines.
    pub consultations: Vec<Consultation>,
    /// Laboratory results (NHG table 45 type L).
    pub lab_results: Vec<Measurement>,
    /// General measurements (NHG table 45 type D), e.g. blood pressure and weight.
    pub measurements: Vec<Measurement>,
    /// Medication agreements.
    pub medication: Vec<MedicationAgreement>,
    /// Medication intolerances.
    pub intolerances: Vec<Intolerance>,
    /// Alerts (G-Standaard contra-indications).
    pub alerts: Vec<Alert>,
    /// PDF/A letters that belong to no document set.
    pub letters: Vec<Letter>,
    /// Document sets: letters sent together, each set one DocumentManifest.
    pub document_sets: Vec<DocumentSet>,
}

impl ClinicalData {
    /// Counts every letter, loose or in a document set.
    pub fn letter_count(&self) -> usize {
        self.letters.len()
            + self
                .document_sets
                .iter()
                .map(|s| s.letters.len())
                .sum::<usize>()
    }
}

/// An episode with its ICPC-1-NL diagnosis.
#[derive(Debug, Clone)]
pub struct Episode {
    /// Local id (extension).
    pub id: String,
    /// Episode title as the GP wrote it.
    pub title: String,
    /// ICPC-1-NL code, e.g. `T90.02`.
    pub icpc: String,
    /// ICPC-1-NL display name.
    pub icpc_display: String,
    /// First day of the episode.
    pub start: Date,
    /// Last day of a closed episode; `None` while active.
    pub end: Option<Date>,
    /// Whether the GP marked the episode with attentiewaarde.
    pub attentiewaarde: bool,
}

/// A consultation: one encounter with its SOEP journal lines.
#[derive(Debug, Clone)]
pub struct Consultation {
    /// Local id (extension) of the encounter and the journal act.
    pub id: String,
    /// Start of the consultation (local time).
    pub start: PrimitiveDateTime,
    /// Length in minutes.
    pub minutes: i64,
    /// Contact type from NHG table 14, e.g. `03` consult.
    pub contact_code: String,
    /// Display name of the contact type.
    pub contact_display: String,
    /// Index of the episode in [`ClinicalData::episodes`], if the consultation belongs to one.
    pub episode: Option<usize>,
    /// The S (subjective) line.
    pub subjective: String,
    /// The O (objective) line.
    pub objective: String,
    /// The E (evaluation) line.
    pub evaluation: String,
    /// The P (plan) line.
    pub plan: String,
    /// ICPC-1-NL code and display name of the E line's diagnosis when the GP coded it apart from
    /// the episode (e.g. `L03` in an `L86.01` episode); `None` writes the episode's code.
    pub diagnosis: Option<(String, String)>,
}

/// A measured value.
#[derive(Debug, Clone)]
pub enum ResultValue {
    /// A physical quantity with a UCUM unit.
    Quantity {
        /// Decimal value as text, e.g. `7.2`.
        value: String,
        /// UCUM unit, e.g. `mmol/L`.
        unit: String,
    },
    /// A coded result from NHG table 45 result codes, e.g. `32` positief.
    Coded {
        /// Result code.
        code: String,
        /// Display name.
        display: String,
    },
    /// A free-text result, e.g. a remark on the pulse or a radiology report, written as `ST`.
    Text(String),
}

/// A lab result or general measurement coded in NHG table 45.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Local id (extension).
    pub id: String,
    /// NHG table 45 code.
    pub code: String,
    /// NHG table 45 display name.
    pub display: String,
    /// Date of the measurement.
    pub date: Date,
    /// The result.
    pub value: ResultValue,
    /// Reference range bounds, in the unit of the value.
    pub reference_range: Option<(Option<String>, Option<String>)>,
    /// Index of the episode it belongs to.
    pub episode: Option<usize>,
    /// Index of the consultation it was measured at.
    pub consultation: Option<usize>,
}

/// A medication agreement (MP 9.0.7) for a G-Standaard product.
#[derive(Debug, Clone)]
pub struct MedicationAgreement {
    /// Local id (extension).
    pub id: String,
    /// The product's G-Standaard codes (PRK, GPK and/or HPK), exactly those known: the first is
    /// written as `code`, the others as its `translation`s.
    pub product: Vec<GStandaardCode>,
    /// Start of the period of use.
    pub start: Date,
    /// End of the period of use; `None` for "tot nader order".
    pub end: Option<Date>,
    /// Number of units per day.
    pub times_per_day: u8,
    /// Index of the episode that is the reason for the agreement.
    pub episode: Option<usize>,
    /// Index of the consultation at which the agreement was made.
    pub consultation: Option<usize>,
}

/// A G-Standaard code system for medication products and substances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GStandaard {
    /// PRK, prescription code (2.16.840.1.113883.2.4.4.10).
    Prk,
    /// GPK, generic product code (2.16.840.1.113883.2.4.4.1).
    Gpk,
    /// HPK, trade product code (2.16.840.1.113883.2.4.4.7).
    Hpk,
    /// Thesaurus 122, groups for intolerances (2.16.840.1.113883.2.4.4.1.902.122).
    Thesaurus122,
}

impl GStandaard {
    /// Returns the OID of the code system.
    pub fn oid(self) -> &'static str {
        match self {
            GStandaard::Prk => "2.16.840.1.113883.2.4.4.10",
            GStandaard::Gpk => "2.16.840.1.113883.2.4.4.1",
            GStandaard::Hpk => "2.16.840.1.113883.2.4.4.7",
            GStandaard::Thesaurus122 => "2.16.840.1.113883.2.4.4.1.902.122",
        }
    }

    /// Returns the code system for an OID (with or without `urn:oid:`), if it is one of these.
    pub fn from_oid(oid: &str) -> Option<GStandaard> {
        let oid = oid.strip_prefix("urn:oid:").unwrap_or(oid);
        [
            GStandaard::Prk,
            GStandaard::Gpk,
            GStandaard::Hpk,
            GStandaard::Thesaurus122,
        ]
        .into_iter()
        .find(|system| system.oid() == oid)
    }

    /// Returns the code system name as the Ketenzorg examples write it.
    pub fn name(self) -> &'static str {
        match self {
            GStandaard::Prk => "G-Standaard PRK",
            GStandaard::Gpk => "G-Standaard GPK",
            GStandaard::Hpk => "G-Standaard HPK",
            GStandaard::Thesaurus122 => "G-Standaard Thesaurus 122",
        }
    }
}

/// A code in one of the G-Standaard code systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GStandaardCode {
    /// The code system.
    pub system: GStandaard,
    /// The code.
    pub code: String,
    /// Display name.
    pub display: String,
}

impl GStandaardCode {
    /// Builds a code.
    pub fn new(system: GStandaard, code: &str, display: &str) -> Self {
        Self {
            system,
            code: code.to_owned(),
            display: display.to_owned(),
        }
    }
}

/// A medication intolerance for a G-Standaard Thesaurus 122 group or a G-Standaard product.
#[derive(Debug, Clone)]
pub struct Intolerance {
    /// Local id (extension).
    pub id: String,
    /// The substance: usually a Thesaurus 122 group, sometimes a product code (e.g. HPK).
    pub substance: GStandaardCode,
    /// Date the intolerance was noted.
    pub start: Date,
    /// Date it no longer applies, if any.
    pub end: Option<Date>,
}

/// An alert coded in G-Standaard Thesaurus 40.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Local id (extension).
    pub id: String,
    /// Thesaurus 40 code.
    pub code: String,
    /// Thesaurus 40 display name.
    pub display: String,
}

/// A letter kept as PDF/A.
#[derive(Debug, Clone)]
pub struct Letter {
    /// Local id (extension) of the document.
    pub id: String,
    /// Date of the letter.
    pub date: Date,
    /// Title, e.g. "Ontslagbrief cardiologie".
    pub title: String,
    /// LOINC document type code.
    pub loinc: String,
    /// LOINC display name.
    pub loinc_display: String,
    /// Sending organisation.
    pub sender: String,
    /// Index of the episode the letter is about.
    pub episode: Option<usize>,
    /// Whether this is the current version of the document.
    pub status: LetterStatus,
    /// The PDF bytes.
    pub pdf: Vec<u8>,
}

/// Letters sent together as one set (an XDS submission set), written as a nested `organizer`.
#[derive(Debug, Clone)]
pub struct DocumentSet {
    /// The set's unique id as a URN (`urn:oid:...`), or a local id.
    pub id: String,
    /// Date the set was made.
    pub date: Date,
    /// Short description of the set.
    pub title: String,
    /// LOINC code of the set's type.
    pub loinc: String,
    /// LOINC display name.
    pub loinc_display: String,
    /// Whether this is the current version of the set.
    pub status: LetterStatus,
    /// The letters in the set.
    pub letters: Vec<Letter>,
}

/// The status of a letter, written as the act's `statusCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LetterStatus {
    /// The current version (`completed`, FHIR `current`).
    #[default]
    Current,
    /// Replaced by a newer version (`obsolete`, FHIR `superseded`).
    Superseded,
    /// Withdrawn because it was made in error (`nullified`, FHIR `entered-in-error`).
    EnteredInError,
}

impl LetterStatus {
    pub(crate) fn status_code(self) -> &'static str {
        match self {
            LetterStatus::Current => "completed",
            LetterStatus::Superseded => "obsolete",
            LetterStatus::EnteredInError => "nullified",
        }
    }
}
