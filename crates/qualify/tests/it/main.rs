//! Integration tests of the qualify crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
