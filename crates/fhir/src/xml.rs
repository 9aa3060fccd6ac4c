//! FHIR XML serialization and parsing of element trees.

use roxmltree::{Document, Node, ParsingOptions};

use crate::arrays::{infer_kind, is_primitive_without_value};
use crate::element::{Element, Kind};
use crate::{FHIR_NS, FhirError};

/// Largest accepted FHIR XML document in nodes.
const MAX_NODES: u32 = 4_000_000;

/// Serializes a resource element as FHIR XML (with an XML declaration, indented).
pub fn to_xml(resource: &Element) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(resource, 0, true, &mut out);
    out
}

fn write_element(element: &Element, depth: usize, root: bool, out: &mut String) {
    indent(depth, out);
    out.push('<');
    out.push_str(&element.name);
    if root {
        out.push_str(" xmlns=\"");
        out.push_str(FHIR_NS);
        out.push('"');
    }
    write_attribute("id", element.element_id(), out);
    write_attribute("url", element.url(), out);
    write_attribute("value", element.value.as_deref(), out);
    if element.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for child in &element.children {
        if child.kind == Kind::Xhtml {
            indent(depth + 1, out);
            out.push_str(child.value.as_deref().unwrap_or_default());
            out.push('\n');
        } else {
            write_element(child, depth + 1, false, out);
        }
    }
    indent(depth, out);
    out.push_str("</");
    out.push_str(&element.name);
    out.push_str(">\n");
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_attribute(name: &str, value: Option<&str>, out: &mut String) {
    if let Some(value) = value {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_into(value, out);
        out.push('"');
    }
}

/// Escapes text for use in an XML attribute value.
pub fn escape_into(text: &str, out: &mut String) {
    escape_with(text, out, |byte| match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\n' => Some("&#10;"),
        b'\r' => Some("&#13;"),
        b'\t' => Some("&#9;"),
        _ => None,
    });
}

/// Escapes `&`, `<` and `>` only, for text inside an XHTML element (a narrative `div`), where
/// quotes and line ends may stay as they are.
pub fn escape_text_into(text: &str, out: &mut String) {
    escape_with(text, out, |byte| match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        _ => None,
    });
}

/// Appends `text` with the bytes that `entity` maps replaced. The escaped characters are ASCII,
/// so the text is copied in runs between them.
fn escape_with(text: &str, out: &mut String, entity: impl Fn(u8) -> Option<&'static str>) {
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        let Some(entity) = entity(byte) else {
            continue;
        };
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
}

/// Parses a FHIR XML resource (DTDs are rejected).
pub fn from_xml(text: &str) -> Result<Element, FhirError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options)?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(FHIR_NS) {
        return Err(FhirError::NotFhir(format!(
            "root element <{}> is not in the FHIR namespace",
            root.tag_name().name()
        )));
    }
    Ok(read_element(text, root))
}

fn read_element(text: &str, node: Node<'_, '_>) -> Element {
    let name = node.tag_name().name();
    if name == "div" && node.tag_name().namespace() == Some(crate::XHTML_NS) {
        return Element::xhtml(&text[node.range()]);
    }
    let mut element = Element::new(name.to_owned());
    element.set_element_id(node.attribute("id").map(Into::into));
    element.set_url(node.attribute("url").map(Into::into));
    let child_nodes: Vec<Node<'_, '_>> = node.children().filter(Node::is_element).collect();
    element.children = child_nodes.iter().map(|c| read_element(text, *c)).collect();
    if let Some(value) = node.attribute("value") {
        let siblings: Vec<Node<'_, '_>> = node
            .parent_element()
            .map(|p| p.children().filter(Node::is_element).collect())
            .unwrap_or_default();
        element.kind = infer_kind(&siblings, name, value);
        element.value = Some(value.into());
        element.primitive = true;
    } else {
        let only_extensions =
            !element.children.is_empty() && element.children.iter().all(|c| c.name == "extension");
        element.primitive = is_primitive_without_value(name, only_extensions);
    }
    element
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn xml_round_trip_keeps_structure() {
        let input = r#"<Patient xmlns="http://hl7.org/fhir"><id value="p1"/><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi &amp; bye</p></div></text><identifier><system value="http://fhir.nl/fhir/NamingSystem/bsn"/><value><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason"><valueCode value="masked"/></extension></value></identifier><name id="n1"><family value="A&quot;B"/></name></Patient>"#;
        let element = from_xml(input).unwrap();
        let again = from_xml(&to_xml(&element)).unwrap();
        assert_eq!(element, again);
        let value = element.child("identifier").unwrap().child("value").unwrap();
        assert!(value.primitive);
        assert_eq!(element.child("name").unwrap().element_id(), Some("n1"));
    }

    #[test]
    fn non_fhir_root_is_rejected() {
        assert!(matches!(from_xml("<Patient/>"), Err(FhirError::NotFhir(_))));
    }
}
