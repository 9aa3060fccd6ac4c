//! Integration tests of the tls crate over real TLS connections on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod handshake;
mod stall;
