//! The demo's simulators composed: PKI, LSP with GP systems, DigiD, stelselnode and PGO.

#![forbid(unsafe_code)]
