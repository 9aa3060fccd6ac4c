//! MedMij rules without I/O: lists, scope grammar, authorization codes and tokens, errors.

#![forbid(unsafe_code)]

pub mod authorize;
pub mod error;
pub mod lifecycle;
pub mod lists;
pub mod scope;
pub mod secret;
pub mod token;
