//! Small navigation helpers over the message tree, matching HL7v3 elements by local name.

use crate::dom::{Node, same};

/// The HL7v3 namespace `urn:hl7-org:v3`.
pub const HL7_NS: &str = "urn:hl7-org:v3";

/// The XML Schema instance namespace (for `xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Returns the first child element with this local name.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && same(n.tag_name().name(), name))
}

/// Returns every child element with this local name, in document order.
pub fn children<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |n| n.is_element() && same(n.tag_name().name(), name))
}

/// Returns every child element, in document order.
pub fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(Node::is_element)
}

/// Follows a path of child element names, taking the first match at every step.
pub fn path<'a, 'i>(node: Node<'a, 'i>, steps: &[&str]) -> Option<Node<'a, 'i>> {
    steps
        .iter()
        .try_fold(node, |current, step| child(current, step))
}

/// Returns an attribute of the element at `steps` below `node`.
pub fn path_attr<'a>(node: Node<'a, '_>, steps: &[&str], attribute: &str) -> Option<&'a str> {
    path(node, steps).and_then(|n| n.attribute(attribute))
}

/// Returns the concatenated text of an element (all descendant text nodes), trimmed.
pub fn text(node: Node<'_, '_>) -> String {
    let mut texts = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text());
    let Some(first) = texts.next() else {
        return String::new();
    };
    // Most elements have one text, which needs no joining before the trim.
    let Some(second) = texts.next() else {
        return first.trim().to_owned();
    };
    let mut joined = [first, second].concat();
    joined.extend(texts);
    joined.trim().to_owned()
}

/// Returns the `xsi:type` of an element, without a namespace prefix.
pub fn xsi_type<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute((XSI_NS, "type"))
        .map(|value| value.rsplit(':').next().unwrap_or(value))
}

/// Tells whether an element carries a `templateId` child with this root.
pub fn has_template(node: Node<'_, '_>, template_root: &str) -> bool {
    children(node, "templateId")
        .any(|t| t.attribute("root").is_some_and(|r| same(r, template_root)))
}

/// Parses the date part of an HL7v3 TS value (`YYYYMMDD`, any time and zone after it ignored).
pub fn ts_date(value: &str) -> Option<time::Date> {
    let year = value.get(0..4)?.parse().ok()?;
    let month: u8 = value.get(4..6)?.parse().ok()?;
    let day = value.get(6..8)?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::ts_date;

    #[test]
    fn ts_date_reads_date_part() {
        assert_eq!(
            ts_date("19720315"),
            time::Date::from_calendar_date(1972, time::Month::March, 15).ok()
        );
        assert_eq!(
            ts_date("20261204093000+0100"),
            time::Date::from_calendar_date(2026, time::Month::December, 4).ok()
        );
    }

    #[test]
    fn ts_date_rejects_partial_or_invalid() {
        assert_eq!(ts_date("1972"), None);
        assert_eq!(ts_date("19721332"), None);
        assert_eq!(ts_date("1972AB15"), None);
    }
}
