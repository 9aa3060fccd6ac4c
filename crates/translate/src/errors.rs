//! LSP and application errors in answers (detected issues, `AE` acknowledgements) as
//! OperationOutcome issues.

use fhir::{IssueSeverity, OperationOutcomeIssue};
use hl7v3::read::Message;

/// Returns the FHIR issue type for an LSP error code, following VZVZ's HTTP status mapping
/// (e.g. `AUTERR_SWV_FALSE` 403 suppressed, `RTUDEST` 404).
pub fn issue_type(code: &str) -> (&'static str, IssueSeverity) {
    match code {
        "AUTERR_SWV_FALSE" => ("suppressed", IssueSeverity::Warning),
        "AUTERR_MEDISCH" => ("forbidden", IssueSeverity::Error),
        "RTUDEST" | "KEY204" | "AUTERR_CONFRCV" => ("not-found", IssueSeverity::Error),
        "RTEDEST" | "QABRTITI" => ("timeout", IssueSeverity::Error),
        "NOSTORE" => ("transient", IssueSeverity::Error),
        "SYN105" => ("invalid", IssueSeverity::Error),
        _ => ("exception", IssueSeverity::Error),
    }
}

/// Returns one issue per detected issue and per acknowledgement detail of an error answer.
pub fn issues(message: &Message<'_, '_>) -> Vec<OperationOutcomeIssue> {
    let mut out: Vec<OperationOutcomeIssue> = message
        .detected_issue_details
        .iter()
        .map(|issue| {
            let system = issue.code_system.as_deref().map_or_else(
                || "urn:oid:2.16.840.1.113883.2.4.6.6.1.1000".to_owned(),
                |oid| format!("urn:oid:{oid}"),
            );
            build(&issue.code, system, &issue.display)
        })
        .collect();
    let rejected = message
        .acknowledgement
        .as_ref()
        .filter(|ack| ack.type_code == "AE" || ack.type_code == "AR");
    for detail in rejected.iter().flat_map(|ack| ack.details.iter()) {
        out.push(build(
            &detail.code,
            "urn:oid:2.16.840.1.113883.5.1100".to_owned(),
            &detail.text,
        ));
    }
    if out.is_empty() && rejected.is_some() {
        out.push(build(
            "AE",
            "http://hl7.org/fhir/v3/AcknowledgementType".to_owned(),
            "application error",
        ));
    }
    out
}

fn build(code: &str, system: String, text: &str) -> OperationOutcomeIssue {
    let (issue_code, severity) = issue_type(code);
    let mut issue = OperationOutcomeIssue::new(severity, issue_code);
    issue.details_coding = Some((system, code.to_owned(), String::new()));
    issue.details_text =
        (!text.trim().is_empty()).then(|| text.split_whitespace().collect::<Vec<_>>().join(" "));
    issue
}
