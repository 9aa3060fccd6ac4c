//! Reading a received query (the HIS simulator's side): ids, addresses, patient and period.

use crate::dom::Node;
use common::Bsn;
use time::Date;
use time::macros::format_description;

use super::APP_ID_ROOT;
use crate::read::BSN_ROOT;
use crate::xml::{HL7_NS, child, path};
use crate::{Ii, Interaction};

/// The facts of a query that the answering side needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedQuery {
    /// The query interaction.
    pub interaction: Interaction,
    /// Transmission wrapper `id`.
    pub message_id: Ii,
    /// `queryByParameter/queryId`.
    pub query_id: Option<Ii>,
    /// `sender/device/id` extension (AORTA application id).
    pub sender_app_id: String,
    /// `receiver/device/id` extension (AORTA application id).
    pub receiver_app_id: String,
    /// `ControlActProcess/code/@code`, the trigger event.
    pub trigger_event: Option<String>,
    /// The patient from `queryByParameter/patientID/value`.
    pub bsn: Bsn,
    /// The date range from `queryByParameter/effectiveTime/value`.
    pub period: Option<(Date, Option<Date>)>,
}

/// Why an element is not a query lspplus understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseQueryError {
    /// The element is not in the HL7v3 namespace or not a known query interaction.
    #[error("<{0}> is not a known query interaction")]
    UnknownInteraction(String),
    /// `interactionId/@extension` differs from the element name.
    #[error("interactionId {found:?} does not match the element <{element}>")]
    InteractionMismatch {
        /// The element name.
        element: String,
        /// The `interactionId` extension found.
        found: String,
    },
    /// A required element or attribute is missing.
    #[error("query has no {0}")]
    Missing(&'static str),
    /// The patient id is not a valid BSN under the BSN root.
    #[error("query patient id is not a valid BSN")]
    InvalidBsn,
    /// A date in the period is not `YYYYMMDD`.
    #[error("query period has an invalid date {0:?}")]
    InvalidDate(String),
}

fn ii_at(node: Node<'_, '_>, steps: &[&str]) -> Option<Ii> {
    path(node, steps).map(Ii::from_node)
}

fn app_id(node: Node<'_, '_>, party: &str) -> Option<String> {
    let device = path(node, &[party, "device"])?;
    device
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "id")
        .find(|id| id.attribute("root") == Some(APP_ID_ROOT))
        .and_then(|id| id.attribute("extension"))
        .map(str::to_owned)
}

fn date(value: &str) -> Result<Date, ParseQueryError> {
    let day = value.get(..8).unwrap_or(value);
    Date::parse(day, format_description!("[year][month][day]"))
        .map_err(|_| ParseQueryError::InvalidDate(value.to_owned()))
}

/// Reads the query facts from an interaction element (the child of the SOAP body).
pub fn parse_query(node: Node<'_, '_>) -> Result<ReceivedQuery, ParseQueryError> {
    let name = node.tag_name().name().to_owned();
    let interaction = Interaction::from_id(&name)
        .filter(|i| i.is_query() && node.tag_name().namespace() == Some(HL7_NS))
        .ok_or_else(|| ParseQueryError::UnknownInteraction(name.clone()))?;
    let declared = path(node, &["interactionId"])
        .and_then(|n| n.attribute("extension"))
        .ok_or(ParseQueryError::Missing("interactionId"))?;
    if declared != name {
        return Err(ParseQueryError::InteractionMismatch {
            element: name,
            found: declared.to_owned(),
        });
    }
    let message_id = child(node, "id")
        .map(Ii::from_node)
        .filter(|id| !id.root.is_empty())
        .ok_or(ParseQueryError::Missing("id"))?;
    let sender_app_id =
        app_id(node, "sender").ok_or(ParseQueryError::Missing("sender/device/id"))?;
    let receiver_app_id =
        app_id(node, "receiver").ok_or(ParseQueryError::Missing("receiver/device/id"))?;
    let control_act =
        child(node, "ControlActProcess").ok_or(ParseQueryError::Missing("ControlActProcess"))?;
    let trigger_event = path(control_act, &["code"])
        .and_then(|n| n.attribute("code"))
        .map(str::to_owned);
    let parameters = child(control_act, "queryByParameter")
        .ok_or(ParseQueryError::Missing("queryByParameter"))?;
    let query_id = ii_at(parameters, &["queryId"]);
    let patient = ii_at(parameters, &["patientID", "value"])
        .ok_or(ParseQueryError::Missing("patientID/value"))?;
    if patient.root != BSN_ROOT {
        return Err(ParseQueryError::InvalidBsn);
    }
    let bsn = patient
        .extension
        .as_deref()
        .and_then(|digits| Bsn::parse(digits).ok())
        .ok_or(ParseQueryError::InvalidBsn)?;
    let period = match path(parameters, &["effectiveTime", "value"]) {
        None => None,
        Some(value) => {
            let low = path_value(value, "low")
                .ok_or(ParseQueryError::Missing("effectiveTime/value/low"))?;
            let high = path_value(value, "high").map(|h| date(&h)).transpose()?;
            Some((date(&low)?, high))
        }
    };
    Ok(ReceivedQuery {
        interaction,
        message_id,
        query_id,
        sender_app_id,
        receiver_app_id,
        trigger_event,
        bsn,
        period,
    })
}

fn path_value(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|n| n.attribute("value"))
        .map(str::to_owned)
}
