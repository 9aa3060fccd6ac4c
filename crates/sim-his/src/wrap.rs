//! Transmission wrappers around answer payloads: a fresh message id, the acknowledged query and the
//! swapped sender and receiver, plus the `NF` answer for a patient the GP system does not know.

use hl7v3::{Ii, Interaction};

use crate::source::QueryContext;
use crate::xmlw::{WriteError, XmlWriter, ts_second};

/// The HL7v3 namespace, the default namespace of every interaction.
pub(crate) const HL7_NS: &str = "urn:hl7-org:v3";
/// The XML Schema instance namespace, for `xsi:type`.
pub(crate) const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Root of AORTA application ids.
pub(crate) const APP_ID_ROOT: &str = "2.16.840.1.113883.2.4.6.6";

/// A namespace declaration to repeat on the new interaction element: prefix (`None` = default) and URI.
pub(crate) type Namespace = (Option<String>, String);

/// Writes `interaction` with a new transmission wrapper around `control_act` (a complete
/// `ControlActProcess` element), declaring `namespaces` on the interaction element.
pub(crate) fn wrap(
    interaction: Interaction,
    query: &QueryContext,
    namespaces: &[Namespace],
    control_act: &str,
) -> Result<String, WriteError> {
    let declarations: Vec<(String, &str)> = namespaces
        .iter()
        .map(|(prefix, uri)| match prefix {
            Some(prefix) => (format!("xmlns:{prefix}"), uri.as_str()),
            None => ("xmlns".to_owned(), uri.as_str()),
        })
        .collect();
    let attributes: Vec<(&str, &str)> = declarations
        .iter()
        .map(|(name, uri)| (name.as_str(), *uri))
        .collect();

    let mut w = XmlWriter::new();
    w.element(interaction.as_str(), &attributes, |w| {
        write_header(w, interaction, query);
        w.raw(control_act);
    });
    w.finish()
}

/// The namespaces that generated answers declare.
pub(crate) fn default_namespaces() -> Vec<Namespace> {
    vec![
        (None, HL7_NS.to_owned()),
        (Some("xsi".to_owned()), XSI_NS.to_owned()),
        (Some("hl7nl".to_owned()), "urn:hl7-nl:v3".to_owned()),
    ]
}

fn write_header(w: &mut XmlWriter, interaction: Interaction, query: &QueryContext) {
    let message_root = format!("{APP_ID_ROOT}.{}.1", query.receiver_app_id);
    w.ii("id", &message_root, &uuid::Uuid::new_v4().to_string());
    w.empty("creationTime", &[("value", &ts_second(query.now))]);
    w.empty("versionCode", &[("code", "NICTIZEd2005-Okt")]);
    w.ii(
        "interactionId",
        "2.16.840.1.113883.1.6",
        interaction.as_str(),
    );
    w.ii("profileId", "2.16.840.1.113883.2.4.3.11.1", "810");
    w.empty("processingCode", &[("code", "P")]);
    w.empty("processingModeCode", &[("code", "T")]);
    w.empty("acceptAckCode", &[("code", "NE")]);
    w.element("acknowledgement", &[("typeCode", "AA")], |w| {
        w.element("targetMessage", &[], |w| {
            write_ii(w, "id", &query.message_id)
        });
    });
    w.element("receiver", &[], |w| device(w, &query.sender_app_id));
    w.element("sender", &[], |w| device(w, &query.receiver_app_id));
}

fn device(w: &mut XmlWriter, app_id: &str) {
    w.element(
        "device",
        &[("classCode", "DEV"), ("determinerCode", "INSTANCE")],
        |w| {
            w.ii("id", APP_ID_ROOT, app_id);
        },
    );
}

/// Writes an II element, leaving out an absent extension.
pub(crate) fn write_ii(w: &mut XmlWriter, name: &str, id: &Ii) {
    match &id.extension {
        Some(extension) => w.ii(name, &id.root, extension),
        None => w.empty(name, &[("root", &id.root)]),
    }
}

/// The organisation that answers for an application id, as written in `AssignedDevice`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Responder {
    /// UZI system number of the GP system, if known.
    pub uzi_system_number: Option<String>,
    /// URA number and name of the practice, if known.
    pub organization: Option<(String, String)>,
}

/// Writes the ControlAct `authorOrPerformer` of an answer sent by `app_id`.
pub(crate) fn write_author(w: &mut XmlWriter, app_id: &str, responder: &Responder) {
    w.element("authorOrPerformer", &[("typeCode", "AUT")], |w| {
        w.element("participant", &[], |w| {
            w.element("AssignedDevice", &[], |w| {
                if let Some(uzi) = &responder.uzi_system_number {
                    w.ii("id", "2.16.528.1.1007.3.2", uzi);
                }
                w.ii("id", APP_ID_ROOT, app_id);
                if let Some((ura, name)) = &responder.organization {
                    w.element("Organization", &[], |w| {
                        w.ii("id", "2.16.528.1.1007.3.3", ura);
                        w.leaf("name", &[], name);
                    });
                }
            });
        });
    });
}

/// Writes a `queryAck` with this response code and result count.
pub(crate) fn write_query_ack(
    w: &mut XmlWriter,
    query_id: Option<&Ii>,
    response_code: &str,
    total: usize,
) {
    let total = total.to_string();
    w.element("queryAck", &[], |w| {
        if let Some(query_id) = query_id {
            write_ii(w, "queryId", query_id);
        }
        w.empty("queryResponseCode", &[("code", response_code)]);
        w.empty("resultTotalQuantity", &[("value", &total)]);
        w.empty("resultCurrentQuantity", &[("value", &total)]);
        w.empty("resultRemainingQuantity", &[("value", "0")]);
    });
}

/// Builds the complete `NF` answer: the GP system has no data of this kind for the patient, or
/// does not know the patient at all.
pub(crate) fn not_found(
    interaction: Interaction,
    query: &QueryContext,
    responder: &Responder,
) -> Result<String, WriteError> {
    let mut w = XmlWriter::new();
    w.element("ControlActProcess", &[("moodCode", "EVN")], |w| {
        write_author(w, &query.receiver_app_id, responder);
        write_query_ack(w, query.query_id.as_ref(), "NF", 0);
    });
    let control_act = w.finish()?;
    wrap(interaction, query, &default_namespaces(), &control_act)
}
