//! SOAP 1.1 envelopes around ArtifactResolve and ArtifactResponse.

use roxmltree::Node;

use crate::xml::only_child;
use crate::{SOAP_NS, SamlError};

/// Wraps a message element in a SOAP 1.1 envelope without header.
pub(crate) fn envelope(body_xml: &str) -> String {
    format!(
        r#"<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>{body_xml}</soap:Body></soap:Envelope>"#
    )
}

/// Returns the single element in the SOAP body, or the document element when it is not an envelope.
pub(crate) fn body_element<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> Result<Node<'a, 'i>, SamlError> {
    let root = doc.root_element();
    if !root.has_tag_name((SOAP_NS, "Envelope")) {
        return Ok(root);
    }
    let body = only_child(root, SOAP_NS, "Body")?;
    let mut elements = body.children().filter(Node::is_element);
    match (elements.next(), elements.next()) {
        (Some(element), None) => Ok(element),
        _ => Err(SamlError::Malformed(
            "the SOAP body must contain exactly one element".to_owned(),
        )),
    }
}
