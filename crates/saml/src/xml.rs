//! Small XML helpers: escaping, SAML time values, message IDs and child lookup.

use roxmltree::Node;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::SamlError;

/// Largest SAML message accepted, in bytes.
pub(crate) const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// Escapes text for use in element content and double-quoted attributes.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Formats a time as SAML `xs:dateTime` in UTC with whole seconds, for example `2026-12-04T21:00:00Z`.
pub(crate) fn format_time(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// Parses an `xs:dateTime` with a time zone.
pub(crate) fn parse_time(value: &str, what: &str) -> Result<OffsetDateTime, SamlError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|e| SamlError::Malformed(format!("{what} {value:?} is not a valid time: {e}")))
}

/// Returns a fresh message ID: an underscore (IDs must not start with a digit) and 32 hex digits.
pub(crate) fn new_id() -> String {
    format!("_{}", uuid::Uuid::new_v4().simple())
}

/// Parses a message with the size cap; roxmltree rejects DTDs by default.
pub(crate) fn parse(xml: &str) -> Result<roxmltree::Document<'_>, SamlError> {
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(SamlError::Malformed(format!(
            "message of {} bytes exceeds the limit of {MAX_MESSAGE_BYTES}",
            xml.len()
        )));
    }
    roxmltree::Document::parse(xml).map_err(|e| SamlError::Malformed(e.to_string()))
}

/// Returns the only child element `{namespace}name`, failing when it is missing or repeated.
pub(crate) fn only_child<'a, 'i>(
    parent: Node<'a, 'i>,
    namespace: &str,
    name: &str,
) -> Result<Node<'a, 'i>, SamlError> {
    let mut found = children(parent, namespace, name);
    match (found.next(), found.next()) {
        (Some(node), None) => Ok(node),
        (None, _) => Err(SamlError::Malformed(format!(
            "{} has no {name}",
            parent.tag_name().name()
        ))),
        (Some(_), Some(_)) => Err(SamlError::Malformed(format!(
            "{} has more than one {name}",
            parent.tag_name().name()
        ))),
    }
}

/// Returns the optional single child element `{namespace}name`.
pub(crate) fn optional_child<'a, 'i>(
    parent: Node<'a, 'i>,
    namespace: &str,
    name: &str,
) -> Result<Option<Node<'a, 'i>>, SamlError> {
    let mut found = children(parent, namespace, name);
    match (found.next(), found.next()) {
        (node, None) => Ok(node),
        (_, Some(_)) => Err(SamlError::Malformed(format!(
            "{} has more than one {name}",
            parent.tag_name().name()
        ))),
    }
}

/// Returns the child elements `{namespace}name`.
pub(crate) fn children<'a, 'i>(
    parent: Node<'a, 'i>,
    namespace: &str,
    name: &str,
) -> impl Iterator<Item = Node<'a, 'i>> + use<'a, 'i> {
    let namespace = namespace.to_owned();
    let name = name.to_owned();
    parent
        .children()
        .filter(move |n| n.has_tag_name((namespace.as_str(), name.as_str())))
}

/// Returns a required attribute.
pub(crate) fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Result<&'a str, SamlError> {
    node.attribute(name).ok_or_else(|| {
        SamlError::Malformed(format!(
            "{} has no {name} attribute",
            node.tag_name().name()
        ))
    })
}

/// Returns the trimmed text of an element, failing when it is empty.
pub(crate) fn text<'a>(node: Node<'a, '_>) -> Result<&'a str, SamlError> {
    node.text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| SamlError::Malformed(format!("{} is empty", node.tag_name().name())))
}
