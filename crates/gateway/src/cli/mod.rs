//! The subcommands of `lspplus`, one module each.

pub mod aorta;
pub mod demo;
pub mod pgo;
pub mod qualify;
pub mod translate;
