//! The gateway's one integration-test binary: real TLS, real simulators, in process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod attacks;
mod auth_extra;
mod browser;
mod egress;
mod faults;
mod fhir;
mod flow;
mod harness;
mod load;
mod qualify;
mod reference;
mod revoke;
