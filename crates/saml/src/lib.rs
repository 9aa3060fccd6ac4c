//! SAML 2.0 Web Browser SSO with the HTTP-Redirect and HTTP-Artifact bindings, as DigiD uses it.
//!
//! The service provider side ([`sp::ServiceProvider`]) builds the signed AuthnRequest redirect and
//! the signed ArtifactResolve, and checks the ArtifactResponse down to the BSN. The identity
//! provider side ([`idp::IdentityProvider`], [`artifact::ArtifactStore`]) contains the pure
//! functions the DigiD simulator serves. Only [`http::resolve`] does I/O.

#![forbid(unsafe_code)]

pub mod artifact;
pub mod http;
mod identity;
pub mod idp;
mod level;
mod redirect;
mod response;
mod soap;
pub mod sp;
mod xml;

pub use identity::SigningIdentity;
pub use level::{AssuranceLevel, AuthnContextClasses};
pub use response::Assertion;

/// Namespace of SAML 2.0 assertions.
pub const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// Namespace of SAML 2.0 protocol messages.
pub const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// Namespace of SOAP 1.1 envelopes.
pub const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Top-level status code of success.
pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// Top-level status code for a failure at the identity provider.
pub const STATUS_RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";
/// Second-level status code for a failed or cancelled login.
pub const STATUS_AUTHN_FAILED: &str = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
/// Sector prefix of a BSN in DigiD's NameID (`s00000000:<bsn>`).
pub const BSN_SECTOR_PREFIX: &str = "s00000000:";

/// Why a SAML message was rejected or could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SamlError {
    /// The XML is malformed or misses a required element or attribute.
    #[error("malformed SAML message: {0}")]
    Malformed(String),
    /// The XML signature is missing, invalid, or does not cover the element that was read.
    #[error("SAML signature rejected: {0}")]
    Signature(String),
    /// The query-string signature of a redirect is missing or invalid.
    #[error("redirect signature rejected: {0}")]
    RedirectSignature(String),
    /// A key or certificate could not be read.
    #[error("invalid key or certificate: {0}")]
    Key(String),
    /// The message is addressed to another audience, recipient or destination.
    #[error("SAML message for another party: {0}")]
    WrongParty(String),
    /// The issuer is not the expected identity provider or a known service provider.
    #[error("unknown issuer {0:?}")]
    UnknownIssuer(String),
    /// `InResponseTo` does not name the request this side sent.
    #[error("InResponseTo {found:?} does not match the request {expected:?}")]
    WrongInResponseTo {
        /// The request ID that was sent.
        expected: String,
        /// The value in the message.
        found: String,
    },
    /// The message or assertion is not yet valid or has expired at the given time.
    #[error("SAML message outside its validity window: {0}")]
    Expired(String),
    /// The person cancelled the login or authentication failed (status `AuthnFailed`).
    #[error("login cancelled or failed at the identity provider: {0}")]
    AuthnFailed(String),
    /// Any other non-success status.
    #[error("SAML status {code} ({message})")]
    Status {
        /// Top-level and optional second-level status code, joined by a space.
        code: String,
        /// The `StatusMessage`, or empty.
        message: String,
    },
    /// The authentication context is weaker than the configured assurance level.
    #[error("assurance level too low: {0}")]
    LevelTooLow(String),
    /// The NameID is not a DigiD BSN.
    #[error("NameID is not a BSN: {0}")]
    NameId(String),
    /// The artifact is malformed, unknown, already resolved or expired.
    #[error("artifact rejected: {0}")]
    Artifact(String),
    /// The HTTP exchange with the identity provider failed.
    #[error("artifact resolution over HTTP failed: {0}")]
    Http(String),
}

impl From<xmldsig::XmlSigError> for SamlError {
    fn from(error: xmldsig::XmlSigError) -> Self {
        match error {
            xmldsig::XmlSigError::Xml(message) => Self::Malformed(message),
            other => Self::Signature(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
