#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The DigiD simulator over real TLS: login page, redirect, artifact resolution over mutual TLS.

mod flow;
mod setup;
