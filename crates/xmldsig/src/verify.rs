//! Verification against one trusted certificate, restricted to the accepted profile.

use std::collections::{BTreeSet, HashMap};

use roxmltree::Node;

use crate::key::first_certificate_der;
use crate::{
    DSIG_NS, ENVELOPED, EXC_C14N, RSA_SHA256, SHA256, XmlSigError, element_ids, parse, unique_ids,
};

/// The outcome of a successful [`verify`]: the IDs of the elements the signatures cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    signed_ids: BTreeSet<String>,
}

impl Verified {
    /// Returns the ID values of all signed elements.
    pub fn signed_ids(&self) -> impl Iterator<Item = &str> {
        self.signed_ids.iter().map(String::as_str)
    }

    /// Returns whether `node` is a signed element.
    ///
    /// `node` must come from a parse of the same text that was verified. Because [`verify`] rejects
    /// duplicate IDs, an ID names exactly one element, so a node whose ID is signed is the node the
    /// signature covers and not a copy wrapped elsewhere in the document.
    pub fn covers(&self, node: Node<'_, '_>) -> bool {
        node.is_element() && self.covers_any_id(element_ids(node))
    }

    /// Returns whether one of these ID values (of one element, read with [`is_id_attribute`]
    /// from another parse of the same text) is signed.
    ///
    /// [`is_id_attribute`]: crate::is_id_attribute
    pub fn covers_any_id<'x>(&self, ids: impl IntoIterator<Item = &'x str>) -> bool {
        ids.into_iter().any(|id| self.signed_ids.contains(id))
    }
}

/// Verifies every `ds:Signature` in `xml` with the public key of the first certificate in
/// `trusted_cert_pem`.
///
/// Fails when the document has no signature, when an ID occurs twice, when any signature uses
/// another algorithm than exclusive C14N, RSA-SHA256 and SHA-256, references anything but `#id`
/// of an existing element, or does not verify with the trusted key. Keys and certificates in the
/// document's `ds:KeyInfo` are ignored.
pub fn verify(xml: &str, trusted_cert_pem: &str) -> Result<Verified, XmlSigError> {
    let doc = parse(xml)?;
    let ids = unique_ids(&doc)?;

    let signatures: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name((DSIG_NS, "Signature")))
        .collect();
    if signatures.is_empty() {
        return Err(XmlSigError::NotSigned);
    }
    let mut signed_ids = BTreeSet::new();
    for signature in &signatures {
        signed_ids.extend(check_profile(*signature, &ids)?);
    }

    let cert_der = first_certificate_der(trusted_cert_pem)?;
    let key = bergshamra::keys::loader::load_x509_cert_der(&cert_der)
        .map_err(|e| XmlSigError::Key(e.to_string()))?;
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    // Strict mode would reject a WS-Security header signature over the SOAP body; the position
    // check is left to the caller through `Verified::covers`.
    let context = bergshamra::DsigContext::new(keys).with_strict_verification(false);
    let results = bergshamra::verify_all(&context, xml).map_err(|e| match e {
        bergshamra::Error::XmlStructure(message) if message.starts_with("duplicate ID") => {
            XmlSigError::DuplicateId(message)
        }
        other => XmlSigError::Invalid(other.to_string()),
    })?;
    if results.len() != signatures.len() {
        return Err(XmlSigError::Invalid(format!(
            "{} signatures found but {} verified",
            signatures.len(),
            results.len()
        )));
    }
    for result in results {
        match result {
            bergshamra::VerifyResult::Invalid { reason } => {
                return Err(XmlSigError::Invalid(reason));
            }
            valid if !valid.all_reference_digests_verified() => {
                return Err(XmlSigError::Invalid(
                    "a reference digest was not computed".to_owned(),
                ));
            }
            _ => {}
        }
    }
    Ok(Verified { signed_ids })
}

/// Checks the algorithms and references of one signature and returns the referenced IDs.
fn check_profile<'a>(
    signature: Node<'a, '_>,
    ids: &HashMap<&str, Node<'_, '_>>,
) -> Result<Vec<String>, XmlSigError> {
    let signed_info = only_child(signature, "SignedInfo")?;
    expect_algorithm(only_child(signed_info, "CanonicalizationMethod")?, EXC_C14N)?;
    expect_algorithm(only_child(signed_info, "SignatureMethod")?, RSA_SHA256)?;

    let references: Vec<Node<'_, '_>> = signed_info
        .children()
        .filter(|n| n.has_tag_name((DSIG_NS, "Reference")))
        .collect();
    if references.is_empty() {
        return Err(XmlSigError::Profile(
            "SignedInfo has no Reference".to_owned(),
        ));
    }
    let mut referenced = Vec::with_capacity(references.len());
    for reference in references {
        let id = reference
            .attribute("URI")
            .and_then(|uri| uri.strip_prefix('#'))
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                XmlSigError::Profile("a Reference URI is not of the form #id".to_owned())
            })?;
        let target = ids
            .get(id)
            .ok_or_else(|| XmlSigError::Invalid(format!("no element has the signed ID {id:?}")))?;
        check_transforms(reference, signature, *target)?;
        expect_algorithm(only_child(reference, "DigestMethod")?, SHA256)?;
        referenced.push(id.to_owned());
    }
    Ok(referenced)
}

/// Allows only exclusive C14N and, for a signature inside the signed element, enveloped-signature.
fn check_transforms(
    reference: Node<'_, '_>,
    signature: Node<'_, '_>,
    target: Node<'_, '_>,
) -> Result<(), XmlSigError> {
    let Some(transforms) = reference
        .children()
        .find(|n| n.has_tag_name((DSIG_NS, "Transforms")))
    else {
        return Ok(());
    };
    for transform in transforms.children().filter(Node::is_element) {
        match transform.attribute("Algorithm") {
            Some(EXC_C14N) => {}
            Some(ENVELOPED) if signature.ancestors().any(|a| a == target) => {}
            other => {
                return Err(XmlSigError::Profile(format!(
                    "transform {other:?} is not accepted here"
                )));
            }
        }
    }
    Ok(())
}

/// Returns the single `ds:` child element called `name`.
fn only_child<'a, 'i>(parent: Node<'a, 'i>, name: &str) -> Result<Node<'a, 'i>, XmlSigError> {
    let mut matches = parent
        .children()
        .filter(|n| n.has_tag_name((DSIG_NS, name)));
    match (matches.next(), matches.next()) {
        (Some(node), None) => Ok(node),
        (None, _) => Err(XmlSigError::Profile(format!("{name} is missing"))),
        (Some(_), Some(_)) => Err(XmlSigError::Profile(format!("{name} occurs twice"))),
    }
}

fn expect_algorithm(node: Node<'_, '_>, expected: &str) -> Result<(), XmlSigError> {
    match node.attribute("Algorithm") {
        Some(algorithm) if algorithm == expected => Ok(()),
        other => Err(XmlSigError::Profile(format!(
            "{} Algorithm {other:?}, expected {expected}",
            node.tag_name().name()
        ))),
    }
}
