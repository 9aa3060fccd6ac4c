//! DigiD simulator: a SAML 2.0 identity provider with artifact binding and a page to pick a test person.

#![forbid(unsafe_code)]
