//! Deterministic resource ids derived from HL7v3 instance identifiers.

use hl7v3::dom::Node;
use hl7v3::xml::children;

/// Namespace for the name-based (v5) UUIDs of ids that do not fit FHIR's id syntax.
const ID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6c73_7070_6c75_7300_8000_0000_0000_0001);

/// Returns `<root>-<extension>` when that is a valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`), otherwise a
/// v5 UUID of both parts, so the same identifier always yields the same id.
pub fn from_ii(root: &str, extension: Option<&str>) -> String {
    let length = root.len() + extension.map_or(0, |extension| extension.len() + 1);
    let valid = (1..=64).contains(&length) && is_id_text(root) && extension.is_none_or(is_id_text);
    if valid {
        match extension {
            Some(extension) => [root, "-", extension].concat(),
            None => root.to_owned(),
        }
    } else {
        uuid::Uuid::new_v5(
            &ID_NAMESPACE,
            format!("{root}|{}", extension.unwrap_or_default()).as_bytes(),
        )
        .to_string()
    }
}

/// Checks that every byte is allowed in a FHIR id (`[A-Za-z0-9\-\.]`).
fn is_id_text(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Returns the id for the first `id` child of an HL7v3 act, or `None` when it has none.
pub fn of_node(node: Node<'_, '_>) -> Option<String> {
    children(node, "id")
        .find(|id| id.attribute("root").is_some())
        .map(|id| {
            from_ii(
                id.attribute("root").unwrap_or_default(),
                id.attribute("extension"),
            )
        })
}

/// Returns a v5 UUID id for any text, for resources without an HL7v3 identifier.
pub fn from_text(text: &str) -> String {
    uuid::Uuid::new_v5(&ID_NAMESPACE, text.as_bytes()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_identifier_becomes_readable_id() {
        assert_eq!(
            from_ii("2.16.528.1.1007.3.3", Some("00002727")),
            "2.16.528.1.1007.3.3-00002727"
        );
    }

    #[test]
    fn long_or_odd_identifier_becomes_stable_uuid() {
        let first = from_ii(
            "2.16.840.1.113883.2.4.6.6.90000258.1",
            Some("XIS-20190304-1353-32ec5b92-4dbd-44cf"),
        );
        let second = from_ii(
            "2.16.840.1.113883.2.4.6.6.90000258.1",
            Some("XIS-20190304-1353-32ec5b92-4dbd-44cf"),
        );
        assert_eq!(first, second);
        assert_eq!(first.len(), 36);
        assert_ne!(from_ii("1.2", Some("a b")), from_ii("1.2", Some("a_b")));
    }
}
