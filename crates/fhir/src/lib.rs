//! FHIR STU3 resources for the MedMij GP data profiles, with JSON and XML serialization.

#![forbid(unsafe_code)]
