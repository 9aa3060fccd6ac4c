//! Answer messages kept for re-wrapping: the `ControlActProcess` text of a real or generated
//! answer, split where the `queryId` goes, with the namespaces it needs.

use hl7v3::Interaction;
use hl7v3::dom::Node;
use hl7v3::read::Message;

use crate::source::QueryContext;
use crate::wrap::{Namespace, wrap, write_ii};
use crate::xmlw::{WriteError, XmlWriter};

/// One stored answer interaction.
#[derive(Debug, Clone)]
pub(crate) struct StoredAnswer {
    /// The answer interaction.
    pub interaction: Interaction,
    /// Namespaces in scope at the `ControlActProcess` element.
    namespaces: Vec<Namespace>,
    /// `ControlActProcess` text before the `queryId` element (all of it when there is none).
    before_query_id: String,
    /// `ControlActProcess` text after the `queryId` element; `None` when there is no `queryId`.
    after_query_id: Option<String>,
    /// `queryAck/queryResponseCode`, e.g. `OK`.
    pub response_code: Option<String>,
    /// Whether the acknowledgement is `AA` (or absent) and no issue is reported.
    pub is_error: bool,
    /// The patients in the payload.
    pub bsns: Vec<String>,
}

impl StoredAnswer {
    /// Extracts an answer from a read message; `None` for queries, unknown interactions and
    /// messages without a `ControlActProcess`.
    pub(crate) fn from_message(source: &str, message: &Message<'_, '_>) -> Option<StoredAnswer> {
        let interaction = message.interaction().filter(|i| !i.is_query())?;
        let control_act = hl7v3::xml::child(message.node(), "ControlActProcess")?;
        let range = control_act.range();
        let text = source.get(range.clone())?;

        let query_id = hl7v3::xml::path(control_act, &["queryAck", "queryId"]);
        let (before_query_id, after_query_id) = match query_id {
            Some(node) => {
                let start = node.range().start - range.start;
                let end = node.range().end - range.start;
                (
                    text.get(..start)?.to_owned(),
                    Some(text.get(end..)?.to_owned()),
                )
            }
            None => (text.to_owned(), None),
        };

        Some(StoredAnswer {
            interaction,
            namespaces: namespaces_in_scope(control_act),
            before_query_id,
            after_query_id,
            response_code: message.query_response_code.clone(),
            is_error: message.is_error(),
            bsns: message.patient_bsns(),
        })
    }

    /// Tells whether the answer carries data (`OK` without errors).
    pub(crate) fn has_data(&self) -> bool {
        !self.is_error && self.response_code.as_deref() == Some("OK")
    }

    /// Writes the answer to `query`: a new transmission wrapper, and the query's `queryId`.
    pub(crate) fn render(&self, query: &QueryContext) -> Result<String, WriteError> {
        let mut control_act = self.before_query_id.clone();
        if let Some(after) = &self.after_query_id {
            match &query.query_id {
                Some(query_id) => {
                    let mut w = XmlWriter::new();
                    write_ii(&mut w, "queryId", query_id);
                    control_act.push_str(&w.finish()?);
                }
                None => control_act.push_str(r#"<queryId nullFlavor="NI"/>"#),
            }
            control_act.push_str(after);
        }
        wrap(self.interaction, query, &self.namespaces, &control_act)
    }
}

fn namespaces_in_scope(node: Node<'_, '_>) -> Vec<Namespace> {
    node.namespaces()
        .into_iter()
        .filter(|ns| ns.name() != Some("xml"))
        .map(|ns| (ns.name().map(str::to_owned), ns.uri().to_owned()))
        .collect()
}
