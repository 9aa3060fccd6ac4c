//! LSP transport: SOAP 1.1 envelope, WS-Security, mutual TLS client, resilience per HIS.

#![forbid(unsafe_code)]
