//! Integration tests of the qualify crate: qualification scripts against a FHIR server on
//! loopback (real TLS with a test PKI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod episodes;
mod server;
