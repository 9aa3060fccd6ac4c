//! Writing a [`QueryMessage`] as XML with quick-xml.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use time::format_description::FormatItem;
use time::macros::format_description;

use super::{
    APP_ID_ROOT, ATTENTION_KEYWORD_SYSTEM, CONTEXT_CODE_SYSTEM, INTERACTION_ROOT, QueryError,
    QueryMessage, TRIGGER_EVENT_ROOT, URA_ROOT, UZI_SYSTEM_ROOT,
};
use crate::read::BSN_ROOT;
use crate::xml::{HL7_NS, XSI_NS};

const TS_SECONDS: &[FormatItem<'_>] =
    format_description!("[year][month][day][hour][minute][second]");
const TS_DATE: &[FormatItem<'_>] = format_description!("[year][month][day]");

/// A thin element writer over quick-xml; text and attribute values are escaped by quick-xml.
struct Out {
    writer: Writer<Vec<u8>>,
}

impl Out {
    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), QueryError> {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.writer.write_event(Event::Start(start))?;
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), QueryError> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), QueryError> {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.writer.write_event(Event::Empty(start))?;
        Ok(())
    }

    fn leaf(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Result<(), QueryError> {
        self.start(name, attributes)?;
        self.writer.write_event(Event::Text(BytesText::new(text)))?;
        self.end(name)
    }

    fn ii(&mut self, name: &str, root: &str, extension: &str) -> Result<(), QueryError> {
        self.empty(name, &[("root", root), ("extension", extension)])
    }

    fn device(&mut self, name: &str, app_id: &str) -> Result<(), QueryError> {
        self.start(name, &[])?;
        self.start(
            "device",
            &[("classCode", "DEV"), ("determinerCode", "INSTANCE")],
        )?;
        self.ii("id", APP_ID_ROOT, app_id)?;
        self.end("device")?;
        self.end(name)
    }

    /// Writes the gateway's organisation (URA and name), shared by author and overseer.
    fn organization(&mut self, query: &QueryMessage) -> Result<(), QueryError> {
        self.start(
            "Organization",
            &[("classCode", "ORG"), ("determinerCode", "INSTANCE")],
        )?;
        self.ii("id", URA_ROOT, &query.author.ura)?;
        self.leaf("name", &[], &query.author.org_name)?;
        self.end("Organization")
    }
}

/// Checks that an id value is non-empty and made of characters that occur in numbers and OIDs.
fn check(field: &'static str, value: &str) -> Result<(), QueryError> {
    let valid = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if valid {
        Ok(())
    } else {
        Err(QueryError::InvalidField {
            field,
            value: value.to_owned(),
        })
    }
}

pub(super) fn query_xml(query: &QueryMessage) -> Result<String, QueryError> {
    if !query.interaction.is_query() {
        return Err(QueryError::NotAQuery(query.interaction));
    }
    check("sender application id", &query.sender_app_id)?;
    check("receiver application id", &query.receiver_app_id)?;
    check("UZI system number", &query.author.uzi_system_number)?;
    check("URA", &query.author.ura)?;
    check("context code", &query.context_code)?;

    let mut out = Out {
        writer: Writer::new_with_indent(Vec::new(), b' ', 2),
    };
    let root = query.interaction.as_str();
    let created = query
        .created
        .format(TS_SECONDS)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let message_extension = query.message_id.extension.as_deref().unwrap_or_default();

    out.start(root, &[("xmlns", HL7_NS), ("xmlns:xsi", XSI_NS)])?;
    out.ii("id", &query.message_id.root, message_extension)?;
    out.empty("creationTime", &[("value", &created)])?;
    out.empty("versionCode", &[("code", "NICTIZEd2005-Okt")])?;
    out.ii("interactionId", INTERACTION_ROOT, root)?;
    out.ii("profileId", "2.16.840.1.113883.2.4.3.11.1", "810")?;
    out.empty("processingCode", &[("code", "P")])?;
    out.empty("processingModeCode", &[("code", "T")])?;
    out.empty("acceptAckCode", &[("code", "NE")])?;

    // Every Ketenzorg query is marked "AttentionLineMetContextCode" in the AORTA interaction
    // table, and none "AttentionLineMetBsn", so the wrapper carries the context code only.
    out.start("attentionLine", &[])?;
    out.leaf(
        "keyWordText",
        &[
            ("code", "CONTEXT"),
            ("codeSystem", ATTENTION_KEYWORD_SYSTEM),
        ],
        "ContextCode",
    )?;
    out.empty(
        "value",
        &[
            ("xsi:type", "CV"),
            ("code", &query.context_code),
            ("codeSystem", CONTEXT_CODE_SYSTEM),
        ],
    )?;
    out.end("attentionLine")?;

    out.device("receiver", &query.receiver_app_id)?;
    out.device("sender", &query.sender_app_id)?;

    out.start("ControlActProcess", &[("moodCode", "EVN")])?;
    out.empty(
        "code",
        &[
            ("code", &query.trigger_event()),
            ("codeSystem", TRIGGER_EVENT_ROOT),
        ],
    )?;
    out.start("effectiveTime", &[])?;
    out.empty("low", &[("value", &created)])?;
    out.end("effectiveTime")?;

    out.start("authorOrPerformer", &[("typeCode", "AUT")])?;
    out.start("participant", &[])?;
    out.start("AssignedDevice", &[])?;
    out.ii("id", UZI_SYSTEM_ROOT, &query.author.uzi_system_number)?;
    out.ii("id", APP_ID_ROOT, &query.sender_app_id)?;
    out.organization(query)?;
    out.end("AssignedDevice")?;
    out.end("participant")?;
    out.end("authorOrPerformer")?;

    // A patient-initiated query has no responsible professional. As the VZVZ transformation
    // server does for MedMij, the author system is repeated as overseer, because that server treats an overseer as required.
    out.start("overseer", &[("typeCode", "RESP")])?;
    out.start("assignedEntity", &[])?;
    out.ii("id", UZI_SYSTEM_ROOT, &query.author.uzi_system_number)?;
    out.organization(query)?;
    out.end("assignedEntity")?;
    out.end("overseer")?;

    write_query_by_parameter(&mut out, query)?;
    out.end("ControlActProcess")?;
    out.end(root)?;

    String::from_utf8(out.writer.into_inner())
        .map_err(|e| std::io::Error::other(e.to_string()).into())
}

fn write_query_by_parameter(out: &mut Out, query: &QueryMessage) -> Result<(), QueryError> {
    out.start("queryByParameter", &[])?;
    out.ii(
        "queryId",
        &query.query_id.root,
        query.query_id.extension.as_deref().unwrap_or_default(),
    )?;
    out.empty("statusCode", &[("code", "executing")])?;
    out.empty("responseModalityCode", &[("code", "B")])?;
    out.empty("responsePriorityCode", &[("code", "I")])?;

    out.start("patientID", &[])?;
    out.ii("value", BSN_ROOT, query.bsn.as_str())?;
    out.leaf("semanticsText", &[], "Patient.id")?;
    out.end("patientID")?;

    if let Some((low, high)) = query.period {
        // NOTE: the parameter name for a date range in the Ketenzorg queries is not published;
        // `effectiveTime` with an IVL_TS value follows the generic HL7v3 query conventions.
        let low = low
            .format(TS_DATE)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        out.start("effectiveTime", &[])?;
        out.start("value", &[])?;
        out.empty("low", &[("value", &low), ("inclusive", "true")])?;
        if let Some(high) = high {
            let high = high
                .format(TS_DATE)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            out.empty("high", &[("value", &high), ("inclusive", "true")])?;
        }
        out.end("value")?;
        out.leaf("semanticsText", &[], "effectiveTime")?;
        out.end("effectiveTime")?;
    }
    out.end("queryByParameter")
}
