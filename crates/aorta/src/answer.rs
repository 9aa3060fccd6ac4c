//! Checking an answer before anyone reads it: SOAP fault, acknowledged message id, patient, LSP codes.

use common::Bsn;
use hl7v3::{Ii, Interaction};

use crate::error::AortaError;

/// A verified answer: the complete SOAP response text, ready for `hl7v3::read::messages`.
#[derive(Clone, PartialEq, Eq)]
pub struct AnswerXml {
    /// The response text as received.
    pub xml: String,
    /// Number of interactions with data (`OK`) in the answer.
    pub ok_messages: usize,
    /// LSP codes of error members that came along with usable answers (e.g. `AUTERR_SWV_FALSE`
    /// for data the LSP did not release), in document order.
    pub issues: Vec<String>,
}

impl std::fmt::Debug for AnswerXml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerXml")
            .field("bytes", &self.xml.len())
            .field("ok_messages", &self.ok_messages)
            .field("issues", &self.issues)
            .finish()
    }
}

/// How one answer interaction ended.
enum Outcome {
    Ok,
    NotFound,
    Error(String),
}

/// Checks `xml` as the answer to the query with `message_id` for `bsn`.
///
/// Every interaction in it must acknowledge `message_id` and mention no other patient; otherwise
/// the whole answer is rejected. When at least one interaction has data, the answer is returned
/// with the codes of the failed ones; otherwise the first LSP error wins, then `NotFound`.
pub fn check_answer(
    xml: String,
    interaction: Interaction,
    message_id: &Ii,
    bsn: &Bsn,
) -> Result<AnswerXml, AortaError> {
    let doc = hl7v3::read::parse(&xml).map_err(|e| AortaError::Malformed(e.to_string()))?;
    if let Some(fault) = crate::soap::fault(&doc) {
        return Err(AortaError::SoapFault {
            code: fault.code,
            reason: fault.reason,
        });
    }
    let messages = hl7v3::read::messages(&doc).map_err(|e| AortaError::Malformed(e.to_string()))?;
    let expected = interaction.response().map(Interaction::as_str);
    // In an LSP batch the batch header acknowledges the query, while its members acknowledge the
    // ids of the queries the LSP forwarded to each GP system on its own behalf.
    let batch_acknowledged = batch_target(&doc).map(|target| target == *message_id);
    if batch_acknowledged == Some(false) {
        return Err(AortaError::WrongMessage);
    }

    let mut outcomes = Vec::with_capacity(messages.len());
    for message in &messages {
        let known = Some(message.interaction_id.as_str()) == expected
            || message.interaction_id == "MCCI_IN000002";
        if !known {
            return Err(AortaError::Malformed(format!(
                "unexpected interaction {} in the response to {interaction}",
                message.interaction_id
            )));
        }
        let acknowledged = message
            .acknowledgement
            .as_ref()
            .and_then(|ack| ack.target_message_id.as_ref());
        if batch_acknowledged.is_none() && acknowledged != Some(message_id) {
            return Err(AortaError::WrongMessage);
        }
        if message
            .patient_bsns()
            .iter()
            .any(|found| found != bsn.as_str())
        {
            return Err(AortaError::WrongPatient);
        }
        let outcome = if message.is_error() {
            let code = message
                .detected_issues
                .first()
                .cloned()
                .or_else(|| {
                    message
                        .acknowledgement
                        .as_ref()
                        .and_then(|ack| ack.details.first().map(|d| d.code.clone()))
                })
                .unwrap_or_else(|| "AE".to_owned());
            Outcome::Error(code)
        } else if message.query_response_code.as_deref() == Some("NF") {
            Outcome::NotFound
        } else {
            Outcome::Ok
        };
        outcomes.push(outcome);
    }
    drop(messages);

    let ok_messages = outcomes.iter().filter(|o| matches!(o, Outcome::Ok)).count();
    let issues: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Error(code) => Some(code.clone()),
            _ => None,
        })
        .collect();
    if ok_messages > 0 {
        return Ok(AnswerXml {
            xml,
            ok_messages,
            issues,
        });
    }
    if let Some(code) = issues.first() {
        return Err(AortaError::from_lsp_code(code));
    }
    Err(AortaError::NotFound)
}

/// Returns `acknowledgement/targetTransmission/id` of the `MCCI_IN200101` batch, if the document
/// holds a batch; a batch without it yields an empty id, which matches no query.
fn batch_target(doc: &hl7v3::dom::Document<'_>) -> Option<Ii> {
    let batch = doc
        .descendants()
        .find(|n| n.has_tag_name((hl7v3::xml::HL7_NS, "MCCI_IN200101")))?;
    let target = hl7v3::xml::path(batch, &["acknowledgement", "targetTransmission", "id"])
        .map(Ii::from_node)
        .unwrap_or_default();
    Some(target)
}

#[cfg(test)]
mod tests;
