//! The lspplus DVZA gateway and its command-line tool.

#![forbid(unsafe_code)]
