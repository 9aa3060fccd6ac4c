//! The SOAP server's outgoing texts: answer envelope, SOAP fault, and LSP error answers.

use hl7v3::query::ReceivedQuery;
use hl7v3::read::BSN_ROOT;
use time::OffsetDateTime;

use crate::soap_check::SOAP_NS;
use crate::xmlw::{WriteError, XmlWriter, ts_second};

/// Code system of LSP error codes in `justifiedDetectedIssue/code`.
const LSP_ERROR_SYSTEM: &str = "2.16.840.1.113883.2.4.6.6.1.1000";
const APP_ID_ROOT: &str = "2.16.840.1.113883.2.4.6.6";

/// Wraps an answer interaction element in a SOAP 1.1 envelope.
pub(crate) fn envelope(answer_xml: &str) -> String {
    let trimmed = answer_xml.trim_start();
    let body = match trimmed
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
    {
        Some((_, after)) => after.trim_start(),
        None => trimmed,
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"{SOAP_NS}\">\
         <soap:Body>\n{body}\n</soap:Body></soap:Envelope>\n"
    )
}

/// Writes a SOAP 1.1 fault envelope; `code` is `Client` or `Server`.
pub(crate) fn fault(code: &str, reason: &str) -> Result<String, WriteError> {
    let mut w = XmlWriter::new();
    w.element("soap:Envelope", &[("xmlns:soap", SOAP_NS)], |w| {
        w.element("soap:Body", &[], |w| {
            w.element("soap:Fault", &[], |w| {
                w.leaf("faultcode", &[], &format!("soap:{code}"));
                w.leaf("faultstring", &[], reason);
            });
        });
    });
    w.finish()
}

/// Writes the answer interaction with which the LSP reports `code` (e.g. `RTEDEST`) for `query`:
/// acknowledgement `AE`, the code as detected issue and `queryResponseCode` `AE`.
pub(crate) fn lsp_error(
    query: &ReceivedQuery,
    code: &str,
    now: OffsetDateTime,
) -> Result<String, WriteError> {
    let interaction = query.interaction.response().unwrap_or(query.interaction);
    let mut w = XmlWriter::new();
    w.element(
        interaction.as_str(),
        &[("xmlns", hl7v3::xml::HL7_NS)],
        |w| {
            w.ii(
                "id",
                "2.16.840.1.113883.2.4.6.6.1.1",
                &uuid::Uuid::new_v4().to_string(),
            );
            w.empty("creationTime", &[("value", &ts_second(now))]);
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
            w.element("acknowledgement", &[("typeCode", "AE")], |w| {
                w.element("targetMessage", &[], |w| {
                    let extension = query.message_id.extension.as_deref().unwrap_or_default();
                    w.ii("id", &query.message_id.root, extension);
                });
            });
            w.element("receiver", &[], |w| {
                w.element("device", &[], |w| {
                    w.ii("id", APP_ID_ROOT, &query.sender_app_id)
                });
            });
            w.element("sender", &[], |w| {
                w.element("device", &[], |w| w.ii("id", APP_ID_ROOT, "1"));
            });
            w.element("ControlActProcess", &[("moodCode", "EVN")], |w| {
                w.element("reasonOf", &[], |w| {
                    w.element("justifiedDetectedIssue", &[], |w| {
                        w.empty(
                            "code",
                            &[
                                ("code", code),
                                ("codeSystem", LSP_ERROR_SYSTEM),
                                ("displayName", "Simulated LSP error"),
                            ],
                        );
                    });
                });
                w.element("queryAck", &[], |w| {
                    if let Some(query_id) = &query.query_id {
                        let extension = query_id.extension.as_deref().unwrap_or_default();
                        w.ii("queryId", &query_id.root, extension);
                    }
                    w.empty("queryResponseCode", &[("code", "AE")]);
                    w.empty("resultTotalQuantity", &[("value", "0")]);
                    w.empty("resultCurrentQuantity", &[("value", "0")]);
                    w.empty("resultRemainingQuantity", &[("value", "0")]);
                });
            });
        },
    );
    w.finish()
}

/// Replaces every patient id of `bsn` in an answer with another valid BSN.
pub(crate) fn swap_patient(answer_xml: &str, bsn: &str) -> String {
    let other = if bsn == "999911120" {
        "111222333"
    } else {
        "999911120"
    };
    answer_xml
        .replace(
            &format!("root=\"{BSN_ROOT}\" extension=\"{bsn}\""),
            &format!("root=\"{BSN_ROOT}\" extension=\"{other}\""),
        )
        .replace(
            &format!("extension=\"{bsn}\" root=\"{BSN_ROOT}\""),
            &format!("extension=\"{other}\" root=\"{BSN_ROOT}\""),
        )
}
