//! FHIR STU3 resources for the MedMij GP data profiles, with JSON and XML serialization.
//!
//! Resources are ordered element trees ([`Element`]) so that the output keeps the profile's
//! element order and round-trips through both FHIR formats.

#![forbid(unsafe_code)]

mod arrays;
pub mod bundle;
pub mod compare;
mod element;
pub mod json;
pub mod outcome;
pub mod xml;

pub use bundle::BundleBuilder;
pub use compare::{Comparison, Difference, compare, compare_resources};
pub use element::{Element, Kind, Resource};
pub use outcome::{IssueSeverity, OperationOutcome, OperationOutcomeIssue};

/// The FHIR namespace used by the XML format.
pub const FHIR_NS: &str = "http://hl7.org/fhir";

/// The XHTML namespace of narrative `div` elements.
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Errors while parsing FHIR JSON or XML.
#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    /// The XML text is not well-formed.
    #[error("invalid FHIR XML: {0}")]
    Xml(#[from] roxmltree::Error),
    /// The JSON text is not well-formed.
    #[error("invalid FHIR JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The document is well-formed but not a FHIR resource.
    #[error("not a FHIR resource: {0}")]
    NotFhir(String),
}
