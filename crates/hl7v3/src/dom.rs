//! A compact, read-only XML tree for AORTA messages, built in one pass over the text.
//!
//! The tree keeps what the readers of lspplus navigate: elements with their expanded names and
//! attributes, and text. Comments, processing instructions and the whitespace-only text between
//! elements are not kept, which about halves the nodes of an indented answer. Names and most
//! values stay slices of the input; only text with entity or character references, CDATA next to
//! other text, and normalised attribute values are copied, into one buffer per document.
//!
//! A node takes 24 bytes and an attribute 16. For an indented Ketenzorg answer the tree takes
//! less memory than the answer text, so a translation stays under six times the answer's size
//! while it builds the FHIR resources.

mod build;
mod node;
mod scan;

use std::borrow::Cow;

pub use node::{
    Ancestors, Attribute, Children, Descendants, ExpandedName, NameQuery, Namespace, Node,
};

/// The namespace bound to the `xml` prefix by the XML Namespaces recommendation.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The marker for "no node" in the parent and sibling links.
const NONE: u32 = u32::MAX;

/// The bit of a sibling link that marks the last child of an element (or the root element). The
/// other bits then hold the index just past the parent's subtree, which is also this node's.
const LAST_CHILD: u32 = 1 << 31;

/// The `name` word of a text node (element names are never empty, so no element has it).
const TEXT: u32 = u32::MAX;

/// The bit of a text length or attribute value length that marks bytes in
/// [`Document::decoded`] rather than in the input.
const DECODED: u32 = 1 << 31;

/// An XML document read from `'i` text.
#[derive(Debug)]
pub struct Document<'i> {
    input: &'i str,
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    /// Namespace URIs by id. Id 0 means "no namespace" and has an empty string.
    namespaces: Vec<Cow<'i, str>>,
    /// Texts and attribute values that differ from their place in the input.
    decoded: String,
}

/// One element or text node, in document order: a subtree is a range of indexes, and an element's
/// first child, if any, is the node right after it.
#[derive(Debug, Clone, Copy)]
struct NodeData {
    parent: u32,
    next_sibling: u32,
    /// Index of the first attribute; the attributes run to the next node's `attr_start`.
    attr_start: u32,
    /// Element: byte offset of the local name in the input. Text: offset of the text.
    offset: u32,
    /// Element: local name length (low 16 bits) and namespace id (high 16 bits). Text: [`TEXT`].
    name: u32,
    /// Element: byte offset just past its end tag. Text: length, with [`DECODED`] when decoded.
    end: u32,
}

/// One attribute (namespace declarations are not kept as attributes).
#[derive(Debug, Clone, Copy)]
struct AttrData {
    local_offset: u32,
    local_len: u16,
    namespace: u16,
    value_offset: u32,
    /// Length of the value, with [`DECODED`] when it lives in [`Document::decoded`].
    value_len: u32,
}

/// A position in the text, both counted from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPos {
    /// The line, from 1.
    pub line: u32,
    /// The character on the line, from 1.
    pub column: u32,
}

impl std::fmt::Display for TextPos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The reason a text is not accepted as an XML document. Paths are local element names from the
/// root, e.g. `/Envelope/Body`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Malformed markup, a name that is not a qualified name, or a character XML does not allow.
    #[error("malformed XML at {pos} in {path}: {message}")]
    Syntax {
        /// The start of the malformed markup.
        pos: TextPos,
        /// The element that was open there (`/` before the root).
        path: String,
        /// The problem.
        message: String,
    },
    /// The text declares a DTD, which AORTA messages never need and which could declare entities,
    /// or has an entity declaration.
    #[error("the text declares a DTD, which is not accepted")]
    Dtd,
    /// The text ends while elements are still open.
    #[error("the text ends before element {path} is closed")]
    Unclosed {
        /// The innermost open element.
        path: String,
    },
    /// An end tag does not match the open element.
    #[error("end tag </{found}> at {pos} does not close element {path}")]
    MismatchedEnd {
        /// The name in the end tag.
        found: String,
        /// The position of the end tag.
        pos: TextPos,
        /// The open element.
        path: String,
    },
    /// An end tag appears where no element is open.
    #[error("end tag </{found}> at {pos} has no start tag")]
    UnmatchedEnd {
        /// The name in the end tag.
        found: String,
        /// The position of the end tag.
        pos: TextPos,
    },
    /// A second element appears after the root element closed.
    #[error("a second root element starts at {pos}")]
    SecondRoot {
        /// The start of the second root.
        pos: TextPos,
    },
    /// Text other than whitespace appears outside the root element.
    #[error("text outside the root element at {pos}")]
    TextOutsideRoot {
        /// The position of the text.
        pos: TextPos,
    },
    /// The text has no element at all.
    #[error("the text has no root element")]
    NoRoot,
    /// A name uses a prefix that no namespace declaration binds.
    #[error("prefix {prefix:?} is not bound to a namespace in {path}")]
    UnboundPrefix {
        /// The prefix.
        prefix: String,
        /// The element where the name is used.
        path: String,
    },
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("unknown or invalid reference &{name}; in {path}")]
    UnknownReference {
        /// The text between `&` and `;`.
        name: String,
        /// The element where the reference is.
        path: String,
    },
    /// An attribute is malformed or appears twice, its value contains `<`, or a namespace
    /// declaration is not allowed (declared twice in a tag, empty, or binding a reserved name).
    #[error("bad attribute in {path}: {message}")]
    Attribute {
        /// The element with the attribute.
        path: String,
        /// The problem.
        message: String,
    },
    /// More nodes, attributes and namespace declarations than the limit, which bounds memory on
    /// hostile input.
    #[error("more than {limit} XML nodes and attributes")]
    TooManyNodes {
        /// The limit.
        limit: u32,
    },
    /// Elements nested deeper than the limit, which bounds the memory of open elements.
    #[error("element {path} is nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: u32,
        /// The element that would open one level too deep.
        path: String,
    },
    /// A name longer than 65,535 bytes, more than 65,534 namespaces, or a text over 2 GiB.
    #[error("a name, the namespace count or the text size is beyond what the tree can hold")]
    TooBig,
}

impl<'i> Document<'i> {
    /// Parses `input`, accepting at most `max_nodes` elements, texts, attributes and namespace
    /// declarations together.
    pub fn parse(input: &'i str, max_nodes: u32) -> Result<Self, Error> {
        build::parse(input, max_nodes, u32::MAX)
    }

    /// Parses `input` as [`Document::parse`] does, also accepting at most `max_depth` levels of
    /// nested elements.
    pub fn parse_nested(input: &'i str, max_nodes: u32, max_depth: u32) -> Result<Self, Error> {
        build::parse(input, max_nodes, max_depth)
    }

    /// Returns the root element.
    pub fn root_element<'a>(&'a self) -> Node<'a, 'i> {
        Node::new(self, 0)
    }

    /// Returns the node with this id, if the id belongs to this document.
    pub fn get_node<'a>(&'a self, id: NodeId) -> Option<Node<'a, 'i>> {
        ((id.0 as usize) < self.nodes.len()).then(|| Node::new(self, id.0))
    }

    /// Returns every node in document order, starting with the root element.
    pub fn descendants<'a>(&'a self) -> Descendants<'a, 'i> {
        self.root_element().descendants()
    }

    /// Returns the text the document was parsed from.
    pub fn input_text(&self) -> &'i str {
        self.input
    }

    /// Returns the heap bytes the tree uses besides the input (for benchmarks and tests).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<NodeData>()
            + self.attrs.capacity() * std::mem::size_of::<AttrData>()
            + self.namespaces.capacity() * std::mem::size_of::<Cow<'i, str>>()
            + self.decoded.capacity()
    }
}

/// Compares two names with a byte loop. Names are short, and the library call that `==` makes
/// for them took a third of the tree's build time in a profile (`perf record`, 18 examples).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The identity of a node within its document, usable as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

#[cfg(test)]
mod tests;

#[cfg(test)]
mod differential_tests;

#[cfg(test)]
mod hostile_tests;
