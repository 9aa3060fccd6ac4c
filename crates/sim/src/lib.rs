//! Simulators: LSP with GP system, DigiD, MedMij stelselnode and a demo PGO.

#![forbid(unsafe_code)]
