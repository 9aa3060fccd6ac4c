//! Shared domain primitives of lspplus: the injected clock and the BSN.

#![forbid(unsafe_code)]

mod bsn;
mod clock;

pub use bsn::{Bsn, BsnError};
pub use clock::{Clock, FixedClock, SystemClock};
