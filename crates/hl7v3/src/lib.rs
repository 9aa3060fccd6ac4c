//! HL7v3 AORTA messages: wrappers, batches, Ketenzorg payload reading and query building.

#![forbid(unsafe_code)]

pub mod dom;
pub mod interaction;
pub mod query;
pub mod read;
pub mod xml;

pub use interaction::Interaction;

/// HL7v3 instance identifier (II): an OID root with an optional extension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Ii {
    /// OID (or UUID) that names the identifier's namespace.
    pub root: String,
    /// Identifier inside the namespace; absent when the root alone identifies the object.
    pub extension: Option<String>,
}

impl Ii {
    /// Builds an identifier from a root and an optional extension.
    pub fn new(root: impl Into<String>, extension: Option<&str>) -> Self {
        Self {
            root: root.into(),
            extension: extension.map(str::to_owned),
        }
    }

    /// Reads the `root` and `extension` attributes of an II element.
    pub fn from_node(node: dom::Node<'_, '_>) -> Self {
        Self {
            root: node.attribute("root").unwrap_or_default().to_owned(),
            extension: node.attribute("extension").map(str::to_owned),
        }
    }
}
