//! The subcommands of `lspplus`, one module each.

pub mod aorta;
pub mod demo;
pub mod pgo;
pub mod qualify;
mod qualify_demo;
pub mod stack;
pub mod translate;
