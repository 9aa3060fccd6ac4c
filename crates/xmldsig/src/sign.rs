//! Signing: a `ds:Signature` template placed in the document, filled by `bergshamra`.

use crate::place::{Placement, insertion};
use crate::{ENVELOPED, EXC_C14N, RSA_SHA256, SHA256, SigningKey, XmlSigError, parse, unique_ids};

/// Signs the element whose ID attribute (`ID`, `Id`, `id`, `wsu:Id`, …) equals `reference_id` and
/// returns the document with a `ds:Signature` at `placement`.
///
/// The signature uses exclusive C14N, RSA-SHA256 and a SHA-256 digest, and carries the signing
/// certificate in `ds:KeyInfo/ds:X509Data`. The rest of the document is copied byte for byte.
pub fn sign(
    xml: &str,
    reference_id: &str,
    placement: Placement<'_>,
    key: &SigningKey,
) -> Result<String, XmlSigError> {
    sign_references(xml, &[reference_id], placement, key)
}

/// Signs several elements with one signature (for example the SOAP body and a WS-Security token),
/// one `ds:Reference` per ID in the given order. `placement` is relative to the first ID.
pub fn sign_references(
    xml: &str,
    reference_ids: &[&str],
    placement: Placement<'_>,
    key: &SigningKey,
) -> Result<String, XmlSigError> {
    let doc = parse(xml)?;
    let ids = unique_ids(&doc)?;
    let mut targets = Vec::with_capacity(reference_ids.len());
    for id in reference_ids {
        let target = ids
            .get(id)
            .copied()
            .ok_or_else(|| XmlSigError::IdNotFound((*id).to_owned()))?;
        targets.push((*id, target));
    }
    let (_, first) = targets
        .first()
        .copied()
        .ok_or_else(|| XmlSigError::IdNotFound(String::new()))?;
    let edit = insertion(xml, &doc, first, placement)?;

    // The signature is enveloped by a referenced element when that element contains the place
    // where the signature goes.
    let references: Vec<(&str, bool)> = targets
        .iter()
        .map(|(id, target)| (*id, edit.container.ancestors().any(|a| a == *target)))
        .collect();
    let template = signature_template(&references);
    let mut document = String::with_capacity(xml.len() + template.len() + 2048);
    document.push_str(&xml[..edit.offset]);
    document.push_str(&edit.prefix);
    document.push_str(&template);
    document.push_str(&edit.suffix);
    document.push_str(&xml[edit.offset + edit.replace_len..]);

    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key.to_bergshamra()?);
    let context = bergshamra::DsigContext::new_permissive(keys);
    bergshamra::sign(&context, &document).map_err(|e| XmlSigError::Sign(e.to_string()))
}

/// Builds an empty signature over the `(id, enveloped)` references for `bergshamra` to fill in.
fn signature_template(references: &[(&str, bool)]) -> String {
    let mut template = format!(
        concat!(
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#,
            r#"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"/>"#,
            r#"<ds:SignatureMethod Algorithm="{rsa}"/>"#
        ),
        c14n = EXC_C14N,
        rsa = RSA_SHA256,
    );
    for (id, enveloped) in references {
        let enveloped_transform = if *enveloped {
            format!(r#"<ds:Transform Algorithm="{ENVELOPED}"/>"#)
        } else {
            String::new()
        };
        template.push_str(&format!(
            concat!(
                r##"<ds:Reference URI="#{uri}"><ds:Transforms>{env}"##,
                r#"<ds:Transform Algorithm="{c14n}"/></ds:Transforms>"#,
                r#"<ds:DigestMethod Algorithm="{sha}"/><ds:DigestValue></ds:DigestValue>"#,
                r#"</ds:Reference>"#
            ),
            uri = escape_attribute(id),
            env = enveloped_transform,
            c14n = EXC_C14N,
            sha = SHA256,
        ));
    }
    template.push_str(concat!(
        r#"</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>"#,
        r#"<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#
    ));
    template
}

fn escape_attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}
