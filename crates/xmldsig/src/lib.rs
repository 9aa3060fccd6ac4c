//! XML signatures (XMLDSig, exclusive C14N, RSA-SHA256) for SAML and WS-Security.

#![forbid(unsafe_code)]
