//! TLS for lspplus: rustls configurations, the accept loop with client certificates, the test PKI.

#![forbid(unsafe_code)]
