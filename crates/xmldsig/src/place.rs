//! The position of a new `ds:Signature` element and the text edit that inserts it.

use roxmltree::Node;

use crate::XmlSigError;

/// The place of the new `ds:Signature` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// The first child of the signed element (an enveloped signature).
    FirstChild,
    /// Directly after the first child element of the signed element with this name (an enveloped
    /// signature; SAML requires it right after `saml:Issuer`).
    AfterChild {
        /// Namespace URI of the child.
        namespace: &'a str,
        /// Local name of the child.
        local_name: &'a str,
    },
    /// The last child of the first element in the document with this name, for example
    /// `wsse:Security` in a SOAP header. The signature is enveloped when that element lies inside
    /// the signed element, otherwise detached.
    LastChildOf {
        /// Namespace URI of the container.
        namespace: &'a str,
        /// Local name of the container.
        local_name: &'a str,
    },
}

/// A text edit that inserts the signature: the byte offset, the text before and after it.
pub(crate) struct Insertion<'a, 'i> {
    pub offset: usize,
    /// Replaces `replace_len` bytes at `offset`; non-zero only when a self-closing tag is opened.
    pub replace_len: usize,
    pub prefix: String,
    pub suffix: String,
    /// The element that becomes the parent of the signature.
    pub container: Node<'a, 'i>,
}

/// Computes the insertion point for `placement` relative to the signed element `target`.
pub(crate) fn insertion<'a, 'i>(
    source: &str,
    doc: &'a roxmltree::Document<'i>,
    target: Node<'a, 'i>,
    placement: Placement<'_>,
) -> Result<Insertion<'a, 'i>, XmlSigError> {
    match placement {
        Placement::FirstChild => Ok(into_start(source, target)),
        Placement::AfterChild {
            namespace,
            local_name,
        } => {
            let child = target
                .children()
                .find(|c| c.is_element() && c.has_tag_name((namespace, local_name)))
                .ok_or_else(|| {
                    XmlSigError::Placement(format!(
                        "the signed element has no child {{{namespace}}}{local_name}"
                    ))
                })?;
            Ok(Insertion {
                offset: child.range().end,
                replace_len: 0,
                prefix: String::new(),
                suffix: String::new(),
                container: target,
            })
        }
        Placement::LastChildOf {
            namespace,
            local_name,
        } => {
            let container = doc
                .descendants()
                .find(|c| c.is_element() && c.has_tag_name((namespace, local_name)))
                .ok_or_else(|| {
                    XmlSigError::Placement(format!(
                        "the document has no element {{{namespace}}}{local_name}"
                    ))
                })?;
            Ok(into_end(source, container))
        }
    }
}

/// Returns the byte offset of the `>` that closes the start tag beginning at `start`.
fn start_tag_end(source: &str, start: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (i, b) in source.as_bytes()[start..].iter().enumerate() {
        match (quote, *b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return start + i,
            _ => {}
        }
    }
    source.len()
}

/// Returns the qualified name of an element as written in the source.
fn written_name(source: &str, node: Node<'_, '_>) -> String {
    let rest = &source[node.range().start + 1..];
    rest.chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect()
}

/// Inserts right after the start tag, opening a self-closing tag if needed.
fn into_start<'a, 'i>(source: &str, node: Node<'a, 'i>) -> Insertion<'a, 'i> {
    let close = start_tag_end(source, node.range().start);
    if source.as_bytes().get(close.wrapping_sub(1)) == Some(&b'/') {
        return open_empty(source, node, close);
    }
    Insertion {
        offset: close + 1,
        replace_len: 0,
        prefix: String::new(),
        suffix: String::new(),
        container: node,
    }
}

/// Inserts right before the end tag, opening a self-closing tag if needed.
fn into_end<'a, 'i>(source: &str, node: Node<'a, 'i>) -> Insertion<'a, 'i> {
    let close = start_tag_end(source, node.range().start);
    if source.as_bytes().get(close.wrapping_sub(1)) == Some(&b'/') {
        return open_empty(source, node, close);
    }
    let range = node.range();
    let end_tag = source[range.clone()]
        .rfind("</")
        .map_or(range.end, |i| range.start + i);
    Insertion {
        offset: end_tag,
        replace_len: 0,
        prefix: String::new(),
        suffix: String::new(),
        container: node,
    }
}

/// Turns `<a .../>` into `<a ...>SIGNATURE</a>`: replaces the `/>` at `close - 1`.
fn open_empty<'a, 'i>(source: &str, node: Node<'a, 'i>, close: usize) -> Insertion<'a, 'i> {
    Insertion {
        offset: close - 1,
        replace_len: 2,
        prefix: ">".to_owned(),
        suffix: format!("</{}>", written_name(source, node)),
        container: node,
    }
}
