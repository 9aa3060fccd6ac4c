//! Strict reading of element-only XML content in the order a schema sequence prescribes.

use roxmltree::{Document, Node, ParsingOptions};

use super::{ListError, ListKind, MAX_LIST_BYTES, kind_of_root};

/// Parses a list document with the size cap and without DTD support.
pub(crate) fn parse_document(xml: &str) -> Result<Document<'_>, ListError> {
    if xml.len() > MAX_LIST_BYTES {
        return Err(ListError::TooLarge {
            size: xml.len(),
            max: MAX_LIST_BYTES,
        });
    }
    // roxmltree accepts an empty DOCTYPE even with allow_dtd off; MedMij lists never carry one.
    if xml.contains("<!DOCTYPE") {
        return Err(ListError::DtdNotAllowed);
    }
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(xml, options).map_err(|error| match error {
        roxmltree::Error::DtdDetected => ListError::DtdNotAllowed,
        other => ListError::Xml(other.to_string()),
    })
}

/// Parses a document and checks that its root is the list of `expected` kind; returns the root.
pub(crate) fn list_root<'a, 'i>(
    document: &'a Document<'i>,
    expected: ListKind,
) -> Result<Node<'a, 'i>, ListError> {
    let root = document.root_element();
    let found = kind_of_root(
        root.tag_name().name(),
        root.tag_name().namespace().unwrap_or(""),
    )?;
    if found != expected {
        return Err(ListError::WrongKind { expected, found });
    }
    Ok(root)
}

/// A cursor over the element children of one element.
///
/// In strict mode every child element must be consumed in order, and non-whitespace text is an
/// error. In lenient mode elements that are not asked for are skipped.
pub(crate) struct Seq<'a, 'i> {
    path: String,
    namespace: &'a str,
    children: Vec<Node<'a, 'i>>,
    position: usize,
    strict: bool,
}

impl<'a, 'i> Seq<'a, 'i> {
    pub(crate) fn new(
        node: Node<'a, 'i>,
        path: String,
        namespace: &'a str,
        strict: bool,
    ) -> Result<Self, ListError> {
        if strict {
            check_attributes(node, &path)?;
        }
        let mut children = Vec::new();
        for child in node.children() {
            if child.is_element() {
                if strict {
                    check_attributes(child, &path)?;
                }
                children.push(child);
            } else if child.is_text() && strict {
                let text = child.text().unwrap_or("");
                if !text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                    return Err(ListError::UnexpectedText { path });
                }
            }
        }
        Ok(Self {
            path,
            namespace,
            children,
            position: 0,
            strict,
        })
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    fn is(&self, node: &Node<'a, 'i>, name: &str) -> bool {
        node.tag_name().name() == name && node.tag_name().namespace() == Some(self.namespace)
    }

    /// Takes the next child if it is `name`; in lenient mode skips other elements first.
    pub(crate) fn optional(&mut self, name: &'static str) -> Option<Node<'a, 'i>> {
        if self.strict {
            let next = self.children.get(self.position)?;
            if self.is(next, name) {
                self.position += 1;
                return Some(*next);
            }
            return None;
        }
        let offset = self.children[self.position..]
            .iter()
            .position(|child| self.is(child, name))?;
        self.position += offset + 1;
        Some(self.children[self.position - 1])
    }

    /// Takes the next child, which must be `name`.
    pub(crate) fn required(&mut self, name: &'static str) -> Result<Node<'a, 'i>, ListError> {
        match self.optional(name) {
            Some(node) => Ok(node),
            None => match self.children.get(self.position) {
                Some(other) if self.strict => Err(self.unexpected(other)),
                _ => Err(ListError::MissingElement {
                    path: self.path.clone(),
                    expected: name,
                }),
            },
        }
    }

    /// Takes all consecutive children named `name` (all remaining ones in lenient mode).
    pub(crate) fn many(&mut self, name: &'static str) -> Vec<Node<'a, 'i>> {
        let mut nodes = Vec::new();
        while let Some(node) = self.optional(name) {
            nodes.push(node);
        }
        nodes
    }

    /// Checks that no child is left over (strict mode only).
    pub(crate) fn finish(self) -> Result<(), ListError> {
        match self.children.get(self.position) {
            Some(other) if self.strict => Err(self.unexpected(other)),
            _ => Ok(()),
        }
    }

    fn unexpected(&self, node: &Node<'a, 'i>) -> ListError {
        let name = node.tag_name();
        let found = match name.namespace() {
            Some(namespace) if namespace != self.namespace => {
                format!("{{{namespace}}}{}", name.name())
            }
            _ => name.name().to_owned(),
        };
        ListError::UnexpectedElement {
            path: self.path.clone(),
            found,
        }
    }
}

/// Returns the text of a simple-typed element (all text children joined), rejecting child elements.
pub(crate) fn simple_text(node: Node<'_, '_>, path: &str) -> Result<String, ListError> {
    let mut text = String::new();
    for child in node.children() {
        if child.is_element() {
            return Err(ListError::UnexpectedElement {
                path: path.to_owned(),
                found: child.tag_name().name().to_owned(),
            });
        }
        if child.is_text() {
            text.push_str(child.text().unwrap_or(""));
        }
    }
    Ok(text)
}

/// Joins a parent path and a child name.
pub(crate) fn child_path(parent: &str, name: &str) -> String {
    format!("{parent}/{name}")
}

/// Joins a parent path and a repeated child name with its 1-based position.
pub(crate) fn indexed_path(parent: &str, name: &str, index: usize) -> String {
    format!("{parent}/{name}[{}]", index + 1)
}

/// Reads the `Tijdstempel` and `Volgnummer` elements that open every list.
pub(crate) fn header(seq: &mut Seq<'_, '_>) -> Result<(time::OffsetDateTime, u64), ListError> {
    let path = child_path(seq.path(), "Tijdstempel");
    let tijdstempel = super::values::parse_tijdstempel(
        &simple_text(seq.required("Tijdstempel")?, &path)?,
        &path,
    )?;
    let path = child_path(seq.path(), "Volgnummer");
    let volgnummer =
        super::values::parse_volgnummer(&simple_text(seq.required("Volgnummer")?, &path)?, &path)?;
    Ok((tijdstempel, volgnummer))
}

/// Records `value` in `seen`, failing when it occurred before (XSD `xs:unique`).
pub(crate) fn unique(
    seen: &mut std::collections::HashSet<String>,
    value: &str,
    path: &str,
) -> Result<(), ListError> {
    if !seen.insert(value.to_owned()) {
        return Err(ListError::Duplicate {
            path: path.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Namespace of the XML Schema instance attributes (`xsi:schemaLocation` and friends), the only
/// attributes the list schemas allow.
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Rejects attributes that the list schemas do not declare (they declare none).
fn check_attributes(node: Node<'_, '_>, path: &str) -> Result<(), ListError> {
    match node
        .attributes()
        .find(|attribute| attribute.namespace() != Some(XSI_NAMESPACE))
    {
        Some(attribute) => Err(ListError::UnexpectedAttribute {
            path: path.to_owned(),
            name: attribute.name().to_owned(),
        }),
        None => Ok(()),
    }
}
