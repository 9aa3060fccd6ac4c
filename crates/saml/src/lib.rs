//! SAML 2.0 artifact binding: service provider and identity provider messages.

#![forbid(unsafe_code)]
