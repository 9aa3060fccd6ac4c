//! XML signatures (XMLDSig, exclusive C14N, RSA-SHA256) for SAML and WS-Security.
//!
//! [`sign`] and [`sign_references`] insert a `ds:Signature` over elements found by their ID
//! attribute, at a place the caller chooses. [`verify`] checks every signature in a document
//! against one trusted certificate and returns the IDs of the signed elements. The caller must then confirm with
//! [`Verified::covers`] that the element it reads is one of them: that check, together with the
//! rejection of duplicate IDs, is the defence against signature wrapping.
//!
//! Only one profile is accepted: exclusive C14N (without comments) for `SignedInfo`, RSA-SHA256,
//! SHA-256 digests, same-document references `#id`, and the transforms enveloped-signature and
//! exclusive C14N. The cryptography and canonicalization come from `bergshamra`.

#![forbid(unsafe_code)]

mod key;
mod place;
mod sign;
mod verify;

pub use key::SigningKey;
pub use place::Placement;
pub use sign::{sign, sign_references};
pub use verify::{Verified, verify};

/// Namespace of XML-DSig elements.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Algorithm URI of exclusive XML canonicalization without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Algorithm URI of RSA with SHA-256 (RFC 6931).
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// Algorithm URI of the SHA-256 digest.
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
/// Algorithm URI of the enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Largest document [`sign`] and [`verify`] accept, in bytes (SAML and SOAP messages are far smaller).
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// An error from signing or verification.
#[derive(Debug, thiserror::Error)]
pub enum XmlSigError {
    /// The document is not well-formed XML, contains a DTD or exceeds [`MAX_DOCUMENT_BYTES`].
    #[error("invalid XML: {0}")]
    Xml(String),
    /// A key or certificate PEM could not be read.
    #[error("invalid key or certificate: {0}")]
    Key(String),
    /// No element carries the ID given to [`sign`].
    #[error("no element has the ID {0:?}")]
    IdNotFound(String),
    /// Two elements carry the same ID value, which would let a reference point at either one.
    #[error("duplicate ID {0:?} in the document")]
    DuplicateId(String),
    /// The element where the caller wanted the signature is missing.
    #[error("cannot place the signature: {0}")]
    Placement(String),
    /// The document contains no `ds:Signature`.
    #[error("the document is not signed")]
    NotSigned,
    /// A signature uses an algorithm, transform or reference form outside the accepted profile.
    #[error("signature outside the accepted profile: {0}")]
    Profile(String),
    /// A signature or digest does not match, or the signing key is not the trusted one.
    #[error("invalid signature: {0}")]
    Invalid(String),
    /// The XML security library failed while signing.
    #[error("signing failed: {0}")]
    Sign(String),
}

/// Local names of the attributes treated as IDs, in any namespace (`wsu:Id` included), plus `xml:id`.
pub(crate) const ID_ATTRIBUTES: [&str; 4] = ["ID", "Id", "id", "AssertionID"];

/// Tells whether an attribute is one that `#id` references in a signature point to.
pub fn is_id_attribute(namespace: Option<&str>, name: &str) -> bool {
    ID_ATTRIBUTES.contains(&name)
        || (name == "id" && namespace == Some("http://www.w3.org/XML/1998/namespace"))
}

/// Returns the ID attribute values of one element.
pub(crate) fn element_ids<'a>(node: roxmltree::Node<'a, '_>) -> impl Iterator<Item = &'a str> {
    node.attributes()
        .filter(|a| is_id_attribute(a.namespace(), a.name()))
        .map(|a| a.value())
}

/// Parses a document with the limits both directions share: size cap, no DTD.
pub(crate) fn parse(xml: &str) -> Result<roxmltree::Document<'_>, XmlSigError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(XmlSigError::Xml(format!(
            "document of {} bytes exceeds the limit of {MAX_DOCUMENT_BYTES}",
            xml.len()
        )));
    }
    roxmltree::Document::parse(xml).map_err(|e| XmlSigError::Xml(e.to_string()))
}

/// Maps every ID value to its element and rejects a value that occurs twice.
pub(crate) fn unique_ids<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> Result<std::collections::HashMap<&'a str, roxmltree::Node<'a, 'i>>, XmlSigError> {
    let mut seen = std::collections::HashMap::new();
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        for id in element_ids(node) {
            if seen.insert(id, node).is_some() {
                return Err(XmlSigError::DuplicateId(id.to_owned()));
            }
        }
    }
    Ok(seen)
}
