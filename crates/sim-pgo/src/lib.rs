//! Demo PGO: a web page and a command-line client that run the MedMij flow against a DVZA.

#![forbid(unsafe_code)]
