//! Integration tests of the translate crate: golden comparison with the Nictiz reference output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod golden;
