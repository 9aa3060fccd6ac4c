//! MedMij rules without I/O: lists, scope grammar, authorization codes and tokens, errors.

#![forbid(unsafe_code)]

pub mod lists;
