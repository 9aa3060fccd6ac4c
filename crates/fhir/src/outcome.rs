//! OperationOutcome resources for errors and warnings (e.g. LSP error codes).

use crate::element::{Element, Resource};

/// The severity of an OperationOutcome issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueSeverity {
    /// The operation failed.
    Fatal,
    /// The operation failed for this part.
    Error,
    /// The operation succeeded with a problem worth reporting.
    Warning,
    /// Purely informational.
    Information,
}

impl IssueSeverity {
    /// Returns the FHIR code, e.g. `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fatal => "fatal",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "information",
        }
    }
}

/// One OperationOutcome issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationOutcomeIssue {
    /// The issue severity.
    pub severity: IssueSeverity,
    /// The FHIR issue type code (`http://hl7.org/fhir/issue-type`), e.g. `not-found`, `suppressed`.
    pub code: String,
    /// A coding for the details: (system, code, display).
    pub details_coding: Option<(String, String, String)>,
    /// A human-readable description for the details.
    pub details_text: Option<String>,
    /// Extra diagnostic text.
    pub diagnostics: Option<String>,
}

impl OperationOutcomeIssue {
    /// Creates an issue with a severity and issue type code.
    pub fn new(severity: IssueSeverity, code: &str) -> Self {
        Self {
            severity,
            code: code.to_owned(),
            details_coding: None,
            details_text: None,
            diagnostics: None,
        }
    }

    fn to_element(&self) -> Element {
        let details = (self.details_coding.is_some() || self.details_text.is_some()).then(|| {
            let coding = self.details_coding.as_ref().map(|(system, code, display)| {
                Element::new("coding")
                    .with(Element::primitive("system", system.clone()))
                    .with(Element::primitive("code", code.clone()))
                    .with_opt(
                        (!display.is_empty())
                            .then(|| Element::primitive("display", display.clone())),
                    )
            });
            Element::new("details").with_opt(coding).with_opt(
                self.details_text
                    .clone()
                    .map(|text| Element::primitive("text", text)),
            )
        });
        Element::new("issue")
            .with(Element::primitive("severity", self.severity.as_str()))
            .with(Element::primitive("code", self.code.clone()))
            .with_opt(details)
            .with_opt(
                self.diagnostics
                    .clone()
                    .map(|text| Element::primitive("diagnostics", text)),
            )
    }
}

/// An OperationOutcome with its issues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationOutcome {
    /// The issues in order.
    pub issues: Vec<OperationOutcomeIssue>,
}

impl OperationOutcome {
    /// Creates an OperationOutcome from issues.
    pub fn new(issues: Vec<OperationOutcomeIssue>) -> Self {
        Self { issues }
    }

    /// Builds the resource, with an optional id.
    pub fn to_resource(&self, id: Option<&str>) -> Resource {
        let element = Element::new("OperationOutcome")
            .with_opt(id.map(|id| Element::primitive("id", id)))
            .with_all(self.issues.iter().map(OperationOutcomeIssue::to_element));
        Resource::from_element(element)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn outcome_json_has_issue_array() {
        let mut issue = OperationOutcomeIssue::new(IssueSeverity::Error, "suppressed");
        issue.details_coding = Some((
            "urn:oid:2.16.840.1.113883.2.4.6.6.1.1000".into(),
            "AUTERR_SWV_FALSE".into(),
            String::new(),
        ));
        let json = OperationOutcome::new(vec![issue])
            .to_resource(None)
            .to_json();
        assert_eq!(
            json,
            r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"suppressed","details":{"coding":[{"system":"urn:oid:2.16.840.1.113883.2.4.6.6.1.1000","code":"AUTERR_SWV_FALSE"}]}}]}"#
        );
    }
}
