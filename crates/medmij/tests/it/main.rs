#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Integration tests of the medmij crate against the reference lists and XSDs.

mod authorize;
mod lists;
mod support;
