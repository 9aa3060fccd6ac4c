//! Integration tests of the fhir crate: JSON and XML round trips of the reference Bundles.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod round_trip;
