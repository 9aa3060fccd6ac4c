//! The ordered element tree that represents FHIR resources and datatypes.

use std::borrow::Cow;

use compact_str::CompactString;
use thin_vec::ThinVec;

/// The JSON type of a primitive value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON string (string, code, uri, date, dateTime, id, ...).
    String,
    /// A JSON boolean.
    Boolean,
    /// A JSON integer (integer, positiveInt, unsignedInt).
    Integer,
    /// A JSON number with the decimal text kept as written.
    Decimal,
    /// An XHTML narrative `div`, stored as its XML text.
    Xhtml,
}

/// One FHIR element: a resource, a complex datatype or a primitive.
///
/// A resource is an element named after its type (`Patient`), and a nested resource (a Bundle entry's
/// `resource` or a `contained` resource) is the single child of its wrapping element.
///
/// The layout is kept small because a translation builds thousands of elements: strings of up
/// to 24 bytes are stored inline, names known at compile time are not copied, the rare `id` and `url`
/// attributes share one optional box, and an empty children list does not allocate.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// The element name, or the resource type for resources.
    pub name: CompactString,
    /// The primitive value as text, if this is a primitive that has one.
    pub value: Option<CompactString>,
    /// The child elements in order.
    pub children: ThinVec<Element>,
    /// The `id` and `url` attributes, boxed because few elements have them.
    attributes: Option<Box<Attributes>>,
    /// The JSON type of `value`.
    pub kind: Kind,
    /// True for primitives, including primitives that only carry extensions.
    pub primitive: bool,
}

/// The XML attributes of an element other than `value`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Attributes {
    /// The element id attribute (not a resource id, which is a child element).
    id: Option<CompactString>,
    /// The `url` attribute of extensions.
    url: Option<CompactString>,
}

/// Converts an element name without copying names known at compile time.
fn element_name(name: impl Into<Cow<'static, str>>) -> CompactString {
    match name.into() {
        Cow::Borrowed(name) => CompactString::const_new(name),
        Cow::Owned(name) => CompactString::from(name),
    }
}

impl Element {
    /// Creates an empty complex element.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Self {
            name: element_name(name),
            value: None,
            children: ThinVec::new(),
            attributes: None,
            kind: Kind::String,
            primitive: false,
        }
    }

    /// Creates an empty complex element with room for `children` children, for builders that
    /// know how many they add (a list that grows starts at four and is shrunk again later).
    pub fn with_capacity(name: impl Into<Cow<'static, str>>, children: usize) -> Self {
        Self {
            children: ThinVec::with_capacity(children),
            ..Self::new(name)
        }
    }

    /// Creates a string-like primitive (string, code, uri, date, ...).
    pub fn primitive(name: impl Into<Cow<'static, str>>, value: impl Into<CompactString>) -> Self {
        Self::typed(name, value, Kind::String)
    }

    /// Creates a primitive with an explicit JSON type.
    pub fn typed(
        name: impl Into<Cow<'static, str>>,
        value: impl Into<CompactString>,
        kind: Kind,
    ) -> Self {
        Self {
            value: Some(value.into()),
            kind,
            primitive: true,
            ..Self::new(name)
        }
    }

    /// Creates a boolean primitive.
    pub fn boolean(name: impl Into<Cow<'static, str>>, value: bool) -> Self {
        Self::typed(name, value.to_string(), Kind::Boolean)
    }

    /// Creates an integer primitive.
    pub fn integer(name: impl Into<Cow<'static, str>>, value: i64) -> Self {
        Self::typed(name, value.to_string(), Kind::Integer)
    }

    /// Creates a decimal primitive, keeping the text (and so its precision) as given.
    pub fn decimal(name: impl Into<Cow<'static, str>>, value: impl Into<CompactString>) -> Self {
        Self::typed(name, value, Kind::Decimal)
    }

    /// Creates a primitive without a value, e.g. one that only carries a data-absent-reason extension.
    pub fn empty_primitive(name: impl Into<Cow<'static, str>>) -> Self {
        Self {
            primitive: true,
            ..Self::new(name)
        }
    }

    /// Creates a narrative `div` from XHTML text, which must declare the XHTML namespace itself.
    pub fn xhtml(xhtml: impl Into<CompactString>) -> Self {
        Self::typed("div", xhtml, Kind::Xhtml)
    }

    /// Creates an extension with its url and value element (e.g. `valueString`).
    pub fn extension(url: impl Into<Cow<'static, str>>, value: Element) -> Self {
        let mut extension = Self::with_capacity("extension", 1);
        extension.set_url(Some(element_name(url)));
        extension.children.push(value);
        extension
    }

    /// Returns the element id attribute (not a resource id, which is a child element).
    pub fn element_id(&self) -> Option<&str> {
        self.attributes.as_ref()?.id.as_deref()
    }

    /// Returns the `url` attribute of an extension.
    pub fn url(&self) -> Option<&str> {
        self.attributes.as_ref()?.url.as_deref()
    }

    /// Sets or clears the element id attribute.
    pub fn set_element_id(&mut self, id: Option<CompactString>) {
        self.set_attributes(|attributes| attributes.id = id);
    }

    /// Sets or clears the `url` attribute.
    pub fn set_url(&mut self, url: Option<CompactString>) {
        self.set_attributes(|attributes| attributes.url = url);
    }

    /// Changes the attributes, allocating their box only when one is set and freeing it when none is.
    fn set_attributes(&mut self, change: impl FnOnce(&mut Attributes)) {
        let mut attributes = self.attributes.take().unwrap_or_default();
        change(&mut attributes);
        if attributes.id.is_some() || attributes.url.is_some() {
            self.attributes = Some(attributes);
        }
    }

    /// Appends a child and returns the element (builder style).
    #[must_use]
    pub fn with(mut self, child: Element) -> Self {
        self.push(child);
        self
    }

    /// Inserts a child before the existing children and returns the element (builder style).
    #[must_use]
    pub fn with_first(mut self, child: Element) -> Self {
        self.children.insert(0, child);
        self
    }

    /// Appends a child if present and returns the element (builder style).
    #[must_use]
    pub fn with_opt(mut self, child: Option<Element>) -> Self {
        if let Some(child) = child {
            self.push(child);
        }
        self
    }

    /// Appends children and returns the element (builder style).
    #[must_use]
    pub fn with_all(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        self.children.extend(children);
        self
    }

    /// Appends a child. The first child gets a list of exactly one, since many elements (a
    /// CodeableConcept around its coding, an extension around its value) have only one.
    pub fn push(&mut self, child: Element) {
        if self.children.capacity() == 0 {
            self.children.reserve_exact(1);
        }
        self.children.push(child);
    }

    /// Returns the first child with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Returns every child with this name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Returns the value of the primitive child with this name.
    pub fn child_value(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.value.as_deref())
    }

    /// Tells whether this element is a resource (resource type names start with a capital).
    pub fn is_resource(&self) -> bool {
        self.name.starts_with(|c: char| c.is_ascii_uppercase())
    }

    /// Tells whether the element has no value, no attributes and no children.
    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.attributes.is_none() && self.children.is_empty()
    }
}

/// A FHIR resource: an [`Element`] named after the resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource element (its name is the resource type).
    pub element: Element,
}

impl Resource {
    /// Creates an empty resource of this type.
    pub fn new(resource_type: impl Into<Cow<'static, str>>) -> Self {
        Self {
            element: Element::new(resource_type),
        }
    }

    /// Wraps an element as a resource.
    pub fn from_element(element: Element) -> Self {
        Self { element }
    }

    /// Returns the resource type, e.g. `EpisodeOfCare`.
    pub fn resource_type(&self) -> &str {
        &self.element.name
    }

    /// Returns the logical id.
    pub fn id(&self) -> Option<&str> {
        self.element.child_value("id")
    }

    /// Serializes the resource as FHIR JSON.
    pub fn to_json(&self) -> String {
        crate::json::to_json(&self.element)
    }

    /// Serializes the resource as FHIR XML.
    pub fn to_xml(&self) -> String {
        crate::xml::to_xml(&self.element)
    }

    /// Parses a resource from FHIR JSON.
    pub fn from_json(text: &str) -> Result<Self, crate::FhirError> {
        crate::json::from_json(text).map(Self::from_element)
    }

    /// Parses a resource from FHIR XML.
    pub fn from_xml(text: &str) -> Result<Self, crate::FhirError> {
        crate::xml::from_xml(text).map(Self::from_element)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_size_stays_compact() {
        // 24 (name) + 24 (value) + 8 (children) + 8 (attributes) + 2 (kind, primitive), padded.
        assert_eq!(std::mem::size_of::<Element>(), 72);
    }

    #[test]
    fn attributes_are_set_and_cleared() {
        let mut element = Element::new("code");
        element.set_element_id(Some("c1".into()));
        element.set_url(Some("http://example.org/url".into()));
        assert_eq!(element.element_id(), Some("c1"));
        assert_eq!(element.url(), Some("http://example.org/url"));
        assert!(!element.is_empty());

        element.set_element_id(None);
        assert_eq!(element.element_id(), None);
        assert_eq!(element.url(), Some("http://example.org/url"));

        element.set_url(None);
        assert!(element.attributes.is_none());
        assert!(element.is_empty());
    }

    #[test]
    fn static_and_owned_names_compare_equal() {
        let owned = Element::new(String::from("valueCodeableConcept"));
        assert_eq!(owned, Element::new("valueCodeableConcept"));
        assert_eq!(owned.name, "valueCodeableConcept");
    }
}
