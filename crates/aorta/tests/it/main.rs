//! Integration tests of the AORTA client against the simulated LSP over real mutual TLS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults;
mod harness;
mod server_checks;
