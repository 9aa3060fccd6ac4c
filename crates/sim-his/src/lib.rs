//! Simulator of the LSP with GP systems: SOAP 1.1 over mutual TLS answering Ketenzorg queries, and the synthetic data generator.

#![forbid(unsafe_code)]
