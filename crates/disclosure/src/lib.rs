//! OPEN disclosure rules over translated FHIR resources.

#![forbid(unsafe_code)]
