//! Navigation over a [`Document`]: nodes, names, attributes and the usual axes.
//!
//! The method names follow roxmltree's, so that readers written against it move over unchanged.

use std::ops::Range;

use super::{AttrData, DECODED, Document, LAST_CHILD, NodeData, NodeId, TEXT, same};

/// An element or text node of a [`Document`].
#[derive(Clone, Copy)]
pub struct Node<'a, 'i> {
    doc: &'a Document<'i>,
    id: u32,
    data: &'a NodeData,
}

impl std::fmt::Debug for Node<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_element() {
            write!(f, "Element({})", self.tag_name().name())
        } else {
            write!(f, "Text({:?})", self.text().unwrap_or_default())
        }
    }
}

impl PartialEq for Node<'_, '_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.doc, other.doc)
    }
}

/// An element name: local name and namespace URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpandedName<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
}

impl<'a> ExpandedName<'a> {
    /// Returns the local name, without prefix.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Returns the namespace URI, if the name has one.
    pub fn namespace(&self) -> Option<&'a str> {
        self.namespace
    }
}

/// The name to look for in [`Node::has_tag_name`] and [`Node::attribute`]: a local name alone, or a
/// namespace URI with a local name.
#[derive(Debug, Clone, Copy)]
pub struct NameQuery<'q> {
    namespace: Option<&'q str>,
    name: &'q str,
}

impl<'q> From<&'q str> for NameQuery<'q> {
    fn from(name: &'q str) -> Self {
        NameQuery {
            namespace: None,
            name,
        }
    }
}

impl<'q> From<(&'q str, &'q str)> for NameQuery<'q> {
    fn from((namespace, name): (&'q str, &'q str)) -> Self {
        NameQuery {
            namespace: Some(namespace),
            name,
        }
    }
}

/// An attribute of an element.
#[derive(Debug, Clone, Copy)]
pub struct Attribute<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
    value: &'a str,
}

impl<'a> Attribute<'a> {
    /// Returns the local name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Returns the namespace URI, for a prefixed attribute.
    pub fn namespace(&self) -> Option<&'a str> {
        self.namespace
    }

    /// Returns the value, with references expanded and whitespace normalised.
    pub fn value(&self) -> &'a str {
        self.value
    }
}

/// A namespace declaration in scope: prefix (none for the default namespace) and URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    prefix: Option<String>,
    uri: String,
}

impl Namespace {
    /// Returns the prefix, or `None` for the default namespace.
    pub fn name(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    /// Returns the namespace URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

impl<'a, 'i> Node<'a, 'i> {
    pub(super) fn new(doc: &'a Document<'i>, id: u32) -> Self {
        Node {
            doc,
            id,
            data: &doc.nodes[id as usize],
        }
    }

    /// Returns the node a parent or sibling link points to. [`super::NONE`] and a link that
    /// marks the last child both have [`LAST_CHILD`] set, so they give `None`.
    fn at(&self, link: u32) -> Option<Self> {
        (link & LAST_CHILD == 0).then(|| Node::new(self.doc, link))
    }

    /// Returns the node's id.
    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// Returns the document the node belongs to.
    pub fn document(&self) -> &'a Document<'i> {
        self.doc
    }

    /// Tells whether this is an element.
    pub fn is_element(&self) -> bool {
        self.data.name != TEXT
    }

    /// Tells whether this is text.
    pub fn is_text(&self) -> bool {
        self.data.name == TEXT
    }

    /// Returns the element name; a text node has an empty name.
    pub fn tag_name(&self) -> ExpandedName<'a> {
        if self.is_text() {
            return ExpandedName {
                namespace: None,
                name: "",
            };
        }
        let start = self.data.offset as usize;
        let len = (self.data.name & 0xFFFF) as usize;
        ExpandedName {
            namespace: self.doc.namespace(self.data.name >> 16),
            name: self.doc.input.get(start..start + len).unwrap_or_default(),
        }
    }

    /// Tells whether the element has this name; a query without namespace compares the local
    /// name only.
    pub fn has_tag_name<'q>(&self, query: impl Into<NameQuery<'q>>) -> bool {
        let query = query.into();
        let name = self.tag_name();
        self.is_element()
            && same(name.name, query.name)
            && (query.namespace.is_none() || name.namespace == query.namespace)
    }

    fn attr_data(&self) -> &'a [AttrData] {
        let start = self.data.attr_start as usize;
        let end = self
            .doc
            .nodes
            .get(self.id as usize + 1)
            .map_or(self.doc.attrs.len(), |next| next.attr_start as usize);
        self.doc.attrs.get(start..end).unwrap_or_default()
    }

    /// Returns an attribute's value: `"name"` finds an attribute without namespace,
    /// `(namespace, "name")` one in that namespace.
    pub fn attribute<'q>(&self, query: impl Into<NameQuery<'q>>) -> Option<&'a str> {
        let query = query.into();
        let wanted = match query.namespace {
            None => Some(0),
            Some(uri) => self.doc.namespace_id(uri),
        }?;
        self.attr_data()
            .iter()
            .find(|a| a.namespace == wanted && same(self.doc.attr_local(a), query.name))
            .map(|a| self.doc.attr_value(a))
    }

    /// Returns the attributes in document order, without namespace declarations.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        let doc = self.doc;
        self.attr_data().iter().map(move |a| Attribute {
            namespace: doc.namespace(u32::from(a.namespace)),
            name: doc.attr_local(a),
            value: doc.attr_value(a),
        })
    }

    /// Returns a text node's text, or an element's first child when that is text.
    pub fn text(&self) -> Option<&'a str> {
        if self.is_text() {
            return Some(self.doc.text_of(self.data));
        }
        self.first_child()
            .filter(Node::is_text)
            .map(|child| self.doc.text_of(child.data))
    }

    /// Returns the first child node.
    pub fn first_child(&self) -> Option<Self> {
        let next = self.id + 1;
        let is_child = self
            .doc
            .nodes
            .get(next as usize)
            .is_some_and(|n| n.parent == self.id);
        is_child.then(|| Node::new(self.doc, next))
    }

    /// Returns the next sibling node.
    pub fn next_sibling(&self) -> Option<Self> {
        self.at(self.data.next_sibling)
    }

    /// Returns the parent element; the root element has none.
    pub fn parent(&self) -> Option<Self> {
        self.at(self.data.parent)
    }

    /// Returns the parent element (every parent is an element in this tree).
    pub fn parent_element(&self) -> Option<Self> {
        self.parent()
    }

    /// Returns the child nodes in document order.
    pub fn children(&self) -> Children<'a, 'i> {
        Children {
            next: self.first_child(),
        }
    }

    /// Returns this node and everything below it, in document order.
    pub fn descendants(&self) -> Descendants<'a, 'i> {
        Descendants {
            doc: self.doc,
            next: self.id,
            end: self.subtree_end(),
        }
    }

    /// Returns the index just past this node's subtree (nodes are in document order): its next
    /// sibling, or what the builder wrote into the link of a last child.
    fn subtree_end(&self) -> u32 {
        match self.data.next_sibling {
            link if link & LAST_CHILD == 0 => link,
            super::NONE => self.doc.nodes.len() as u32,
            link => link & !LAST_CHILD,
        }
    }

    /// Returns this node and its ancestors up to the root element.
    pub fn ancestors(&self) -> Ancestors<'a, 'i> {
        Ancestors { next: Some(*self) }
    }

    /// Returns the bytes of the input an element spans, from `<` to just past its end tag. A text
    /// node gives its own bytes, or an empty range when its text was decoded.
    pub fn range(&self) -> Range<usize> {
        let offset = self.data.offset as usize;
        if self.is_text() {
            return match self.data.end & DECODED {
                0 => offset..offset + self.data.end as usize,
                _ => 0..0,
            };
        }
        let before = self.doc.input.get(..offset).unwrap_or_default();
        before.rfind('<').unwrap_or(offset)..self.data.end as usize
    }

    /// Returns the namespace declarations in scope at this element, innermost last; a prefix
    /// declared again replaces the outer declaration. The `xml` prefix is not listed.
    pub fn namespaces(&self) -> Vec<Namespace> {
        let mut chain: Vec<Node<'a, 'i>> = self.ancestors().filter(Node::is_element).collect();
        chain.reverse();
        let mut scope: Vec<Namespace> = Vec::new();
        for element in chain {
            for declared in declarations(self.doc.input, element.range().start) {
                scope.retain(|known| known.prefix != declared.prefix);
                scope.push(declared);
            }
        }
        scope
    }
}

/// Reads the namespace declarations of the start tag at `start` again from the input.
fn declarations(input: &str, start: usize) -> Vec<Namespace> {
    let mut attributes = Vec::new();
    let mut scanner = super::scan::Scanner::new(input.get(start..).unwrap_or_default());
    if !matches!(
        scanner.next(&mut attributes),
        Ok(Some(super::scan::Token::Start { .. }))
    ) {
        return Vec::new();
    }
    attributes
        .into_iter()
        .filter_map(|(key, raw)| {
            let prefix = match key {
                "xmlns" => None,
                _ => Some(key.strip_prefix("xmlns:")?.to_owned()),
            };
            Some(Namespace {
                prefix,
                uri: super::build::normalise_value(raw).ok()?.into_owned(),
            })
        })
        .collect()
}

impl<'i> Document<'i> {
    fn namespace(&self, id: u32) -> Option<&str> {
        match id {
            0 => None,
            id => self.namespaces.get(id as usize).map(|uri| uri.as_ref()),
        }
    }

    fn namespace_id(&self, uri: &str) -> Option<u16> {
        let id = self
            .namespaces
            .iter()
            .skip(1)
            .position(|known| known == uri)?;
        u16::try_from(id + 1).ok()
    }

    /// Returns the local name of an attribute.
    pub(super) fn attr_local(&self, attr: &AttrData) -> &str {
        let start = attr.local_offset as usize;
        self.input
            .get(start..start + usize::from(attr.local_len))
            .unwrap_or_default()
    }

    fn attr_value(&self, attr: &AttrData) -> &str {
        self.span(attr.value_offset, attr.value_len)
    }

    fn text_of(&self, data: &NodeData) -> &str {
        self.span(data.offset, data.end)
    }

    /// Returns a slice of the input, or of the decoded buffer when `len` carries [`DECODED`].
    fn span(&self, offset: u32, len: u32) -> &str {
        let start = offset as usize;
        let range = start..start + (len & !DECODED) as usize;
        match len & DECODED {
            0 => self.input.get(range),
            _ => self.decoded.get(range),
        }
        .unwrap_or_default()
    }
}

/// The children of a node.
pub struct Children<'a, 'i> {
    next: Option<Node<'a, 'i>>,
}

impl<'a, 'i> Iterator for Children<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.next?;
        self.next = current.next_sibling();
        Some(current)
    }
}

/// A node and its subtree, in document order.
pub struct Descendants<'a, 'i> {
    doc: &'a Document<'i>,
    next: u32,
    end: u32,
}

impl<'a, 'i> Iterator for Descendants<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let node = Node::new(self.doc, self.next);
        self.next += 1;
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next) as usize;
        (left, Some(left))
    }

    /// Counts the nodes without visiting them. Readers size subtrees this way, and a visit per
    /// node made that grow with the square of the nesting depth.
    fn count(self) -> usize {
        self.len()
    }
}

impl ExactSizeIterator for Descendants<'_, '_> {}

/// A node and its ancestors.
pub struct Ancestors<'a, 'i> {
    next: Option<Node<'a, 'i>>,
}

impl<'a, 'i> Iterator for Ancestors<'a, 'i> {
    type Item = Node<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.next?;
        self.next = current.parent();
        Some(current)
    }
}
