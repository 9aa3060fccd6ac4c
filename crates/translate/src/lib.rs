//! Pure translation of Ketenzorg 3.0.2 answers to the MedMij FHIR STU3 profiles.

#![forbid(unsafe_code)]
