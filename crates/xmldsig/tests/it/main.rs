#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Signing and verification round trips, attacks, and the xmlsec1 cross-check.

mod attacks;
mod keys;
mod roundtrip;
mod xmlsec1;
