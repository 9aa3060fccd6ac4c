//! Building AORTA HL7v3 query messages, and reading them back on the answering side.
//!
//! A query is the interaction element with the AORTA transmission wrapper (`MCCI_MT000100`), the
//! query ControlAct wrapper (`QUQI_MT021001_OPT_OV`) and a `queryByParameter` with the patient's
//! BSN and an optional date range. The fixed wrapper values (`versionCode`, `profileId`, processing
//! codes) are those every AORTA message uses.

use common::Bsn;
use time::{Date, OffsetDateTime};

use crate::{Ii, Interaction};

mod parse;
mod write;

pub use parse::{ParseQueryError, ReceivedQuery, parse_query};

/// OID root of AORTA application ids (`device/id`).
pub const APP_ID_ROOT: &str = "2.16.840.1.113883.2.4.6.6";
/// OID root of UZI system numbers.
pub const UZI_SYSTEM_ROOT: &str = "2.16.528.1.1007.3.2";
/// OID root of URA numbers (UZI-register abonneenummer of the organisation).
pub const URA_ROOT: &str = "2.16.528.1.1007.3.3";
/// OID of the HL7v3 interaction id table.
pub const INTERACTION_ROOT: &str = "2.16.840.1.113883.1.6";
/// OID of the HL7v3 trigger event table.
pub const TRIGGER_EVENT_ROOT: &str = "2.16.840.1.113883.1.18";
/// OID of the AORTA attention-line keyword codes (`PATID`, `CONTEXT`).
pub const ATTENTION_KEYWORD_SYSTEM: &str = "2.16.840.1.113883.2.4.15.1";
/// OID of the AORTA context codes used in the `CONTEXT` attention line.
pub const CONTEXT_CODE_SYSTEM: &str = "2.16.840.1.113883.2.4.3.111.15.1";
/// The context code sent when none is configured.
///
/// NOTE: which AORTA context code the LSP expects for MedMij GP data is not published; `BGZ` is
/// the code seen in the public AORTA-on-FHIR consent token example. Configure the real value.
pub const DEFAULT_CONTEXT_CODE: &str = "BGZ";

/// The system that sends the query (the gateway), as author of the ControlAct wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryAuthor {
    /// UZI system number of the gateway (extension under [`UZI_SYSTEM_ROOT`]).
    pub uzi_system_number: String,
    /// URA of the organisation operating the gateway (extension under [`URA_ROOT`]).
    pub ura: String,
    /// Name of that organisation.
    pub org_name: String,
}

/// One query message to a GP system.
#[derive(Debug, Clone)]
pub struct QueryMessage {
    /// The query interaction, for example [`Interaction::EpisodesQuery`].
    pub interaction: Interaction,
    /// Transmission wrapper id; the answer's `acknowledgement/targetMessage/id` must equal it.
    pub message_id: Ii,
    /// `queryByParameter/queryId`, echoed in the answer's `queryAck`.
    pub query_id: Ii,
    /// Time written as `creationTime` (and ControlAct `effectiveTime`).
    pub created: OffsetDateTime,
    /// AORTA application id of the gateway (`sender/device/id`).
    pub sender_app_id: String,
    /// AORTA application id of the GP system (`receiver/device/id`).
    pub receiver_app_id: String,
    /// The gateway as author and, for lack of a professional, as overseer.
    pub author: QueryAuthor,
    /// AORTA context code for the `CONTEXT` attention line.
    pub context_code: String,
    /// The patient.
    pub bsn: Bsn,
    /// Optional date range: start date and optional end date (inclusive), as `effectiveTime`.
    pub period: Option<(Date, Option<Date>)>,
}

/// Why a query could not be built or written.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The interaction is an answer (or the batch), not a query lspplus sends.
    #[error("{0} is not a query interaction")]
    NotAQuery(Interaction),
    /// An identifier is empty or contains characters that cannot appear in an OID or number.
    #[error("invalid {field}: {value:?}")]
    InvalidField {
        /// Which field.
        field: &'static str,
        /// The rejected value.
        value: String,
    },
    /// The XML writer failed (only on a bug, because it writes into memory).
    #[error("writing the query failed: {0}")]
    Write(#[from] std::io::Error),
}

impl QueryMessage {
    /// Creates a query with fresh message and query ids based on the author's URA
    /// (`2.16.528.1.1007.3.3.<URA>.1` and `.2`, UUID extensions) and the default context code.
    pub fn new(
        interaction: Interaction,
        bsn: Bsn,
        author: QueryAuthor,
        sender_app_id: &str,
        receiver_app_id: &str,
        created: OffsetDateTime,
    ) -> Self {
        let (message_id, query_id) = fresh_ids(&author.ura);
        Self {
            interaction,
            message_id,
            query_id,
            created,
            sender_app_id: sender_app_id.to_owned(),
            receiver_app_id: receiver_app_id.to_owned(),
            author,
            context_code: DEFAULT_CONTEXT_CODE.to_owned(),
            bsn,
            period: None,
        }
    }

    /// Writes the interaction element (no XML declaration, no SOAP envelope).
    pub fn to_xml(&self) -> Result<String, QueryError> {
        write::query_xml(self)
    }

    /// Returns the trigger event code of the ControlAct wrapper, e.g. `REPC_TE990110NL`.
    pub fn trigger_event(&self) -> String {
        trigger_event(self.interaction)
    }
}

/// Returns fresh message and query ids under roots derived from the URA.
pub fn fresh_ids(ura: &str) -> (Ii, Ii) {
    let arc = oid_arc(ura);
    let message = Ii::new(
        format!("{URA_ROOT}.{arc}.1"),
        Some(&uuid::Uuid::new_v4().to_string()),
    );
    let query = Ii::new(
        format!("{URA_ROOT}.{arc}.2"),
        Some(&uuid::Uuid::new_v4().to_string()),
    );
    (message, query)
}

/// Turns a number such as a URA (`00009999`) into an OID arc (`9999`): arcs have no leading zeros.
fn oid_arc(number: &str) -> &str {
    let trimmed = number.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

/// Returns the trigger event code of a query interaction, as the AORTA interaction table lists it.
pub fn trigger_event(interaction: Interaction) -> String {
    match interaction {
        Interaction::EncountersQuery => "PRPA_TE900300UV02".to_owned(),
        other => other.as_str().replacen("_IN", "_TE", 1),
    }
}

#[cfg(test)]
mod tests;
