//! FHIRPath values: nodes of the FHIR JSON tree and computed primitives, with type inference.

use serde_json::Value;

static NULL: Value = Value::Null;

/// One item of a FHIRPath collection.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    /// An element of the input JSON.
    Node(Node<'a>),
    /// A computed string.
    Str(String),
    /// A computed integer.
    Int(i64),
    /// A computed decimal.
    Dec(f64),
    /// A computed boolean.
    Bool(bool),
}

/// An element of the FHIR JSON tree.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    /// The JSON value; `null` for a primitive that has only the `_name` extension object.
    pub value: &'a Value,
    /// The `_name` sibling of a primitive (id and extensions).
    pub primitive_extension: Option<&'a Value>,
    /// The property name the element was reached by (drives type inference).
    pub name: &'a str,
}

/// A primitive value taken from an item, for comparisons and string functions.
#[derive(Debug, Clone, PartialEq)]
pub enum Primitive {
    /// A string (also dates, codes, URIs: FHIR JSON keeps them as strings).
    Str(String),
    /// An integer.
    Int(i64),
    /// A decimal.
    Dec(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> Node<'a> {
    /// A node for the root resource.
    pub fn root(value: &'a Value) -> Self {
        Node {
            value,
            primitive_extension: None,
            name: "",
        }
    }

    /// The children called `name`, with choice types (`value` matches `valueString`) and primitive
    /// extensions (`_name`) resolved.
    pub fn children(&self, name: &str, out: &mut Vec<Item<'a>>) {
        if self.value.is_null() || !self.value.is_object() {
            // A primitive has only `id` and `extension` as children, found in its `_name` object.
            if let Some(extension) = self.primitive_extension {
                Node::root(extension).children(name, out);
            }
            return;
        }
        let Value::Object(map) = self.value else {
            return;
        };
        if let Some((key, value)) = map.get_key_value(name) {
            push_values(key, Some(value), map.get(&format!("_{name}")), out);
            return;
        }
        if let Some((key, value)) = map.get_key_value(&format!("_{name}")) {
            push_values(&key[1..], None, Some(value), out);
            return;
        }
        // Choice type: `value` resolves to the one `value[x]` key present.
        for (key, value) in map {
            let is_choice = key.len() > name.len()
                && key.starts_with(name)
                && key[name.len()..].starts_with(|c: char| c.is_ascii_uppercase());
            if is_choice {
                push_values(key, Some(value), map.get(&format!("_{key}")), out);
                return;
            }
        }
    }

    /// Every child element, in document order (used by `descendants()`).
    pub fn all_children(&self, out: &mut Vec<Item<'a>>) {
        let Value::Object(map) = self.value else {
            if let Some(extension) = self.primitive_extension {
                Node::root(extension).all_children(out);
            }
            return;
        };
        for (key, value) in map {
            if let Some(plain) = key.strip_prefix('_') {
                if !map.contains_key(plain) {
                    push_values(plain, None, Some(value), out);
                }
                continue;
            }
            if key == "resourceType" {
                continue;
            }
            push_values(key, Some(value), map.get(&format!("_{key}")), out);
        }
    }

    /// The resource type when this node is a resource.
    pub fn resource_type(&self) -> Option<&'a str> {
        self.value.get("resourceType").and_then(Value::as_str)
    }

    /// The FHIR type name of this node, inferred from `resourceType`, the JSON shape and the
    /// property name.
    ///
    /// NOTE: without the StructureDefinitions this is a heuristic that covers the types the
    /// qualification scripts test (Coding, CodeableConcept, Reference, Identifier, Extension,
    /// resources and primitives); other complex types are reported as `Element`.
    pub fn type_name(&self) -> &'a str {
        if let Some(resource_type) = self.resource_type() {
            return resource_type;
        }
        match self.value {
            Value::String(_) => return "string",
            Value::Bool(_) => return "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => return "integer",
            Value::Number(_) => return "decimal",
            Value::Null => return "Element",
            Value::Array(_) | Value::Object(_) => {}
        }
        let Value::Object(map) = self.value else {
            return "Element";
        };
        let has = |key: &str| map.contains_key(key);
        let only = |allowed: &[&str]| map.keys().all(|k| allowed.contains(&k.as_str()));
        let name = self.name;
        if has("coding") || name == "valueCodeableConcept" {
            return "CodeableConcept";
        }
        if matches!(name, "coding" | "valueCoding" | "tag" | "security")
            || (name == "class" && (has("system") || has("code")) && !has("text"))
        {
            return "Coding";
        }
        if matches!(name, "identifier" | "masterIdentifier" | "valueIdentifier") {
            return "Identifier";
        }
        if matches!(name, "extension" | "modifierExtension") {
            return "Extension";
        }
        if has("reference")
            || name.ends_with("Reference")
            || (only(&["display", "identifier", "extension", "id"])
                && (has("display") || has("identifier")))
        {
            return "Reference";
        }
        "Element"
    }

    /// The primitive value of this node, if it is a primitive with a value.
    pub fn primitive(&self) -> Option<Primitive> {
        match self.value {
            Value::String(s) => Some(Primitive::Str(s.clone())),
            Value::Bool(b) => Some(Primitive::Bool(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(Primitive::Int(i)),
                None => n.as_f64().map(Primitive::Dec),
            },
            _ => None,
        }
    }
}

fn push_values<'a>(
    name: &'a str,
    value: Option<&'a Value>,
    extension: Option<&'a Value>,
    out: &mut Vec<Item<'a>>,
) {
    match (value, extension) {
        (Some(Value::Array(values)), _) => {
            for (i, value) in values.iter().enumerate() {
                let extension = extension.and_then(|e| e.get(i)).filter(|e| !e.is_null());
                out.push(Item::Node(Node {
                    value,
                    primitive_extension: extension,
                    name,
                }));
            }
        }
        (Some(value), extension) => out.push(Item::Node(Node {
            value,
            primitive_extension: extension,
            name,
        })),
        (None, Some(Value::Array(extensions))) => {
            for extension in extensions.iter().filter(|e| !e.is_null()) {
                out.push(Item::Node(Node {
                    value: &NULL,
                    primitive_extension: Some(extension),
                    name,
                }));
            }
        }
        (None, Some(extension)) => out.push(Item::Node(Node {
            value: &NULL,
            primitive_extension: Some(extension),
            name,
        })),
        (None, None) => {}
    }
}

impl Item<'_> {
    /// The primitive value, or `None` for a complex element.
    pub fn primitive(&self) -> Option<Primitive> {
        match self {
            Item::Node(node) => node.primitive(),
            Item::Str(s) => Some(Primitive::Str(s.clone())),
            Item::Int(i) => Some(Primitive::Int(*i)),
            Item::Dec(d) => Some(Primitive::Dec(*d)),
            Item::Bool(b) => Some(Primitive::Bool(*b)),
        }
    }

    /// The type name (`string`, `integer`, `decimal`, `boolean` for computed values).
    pub fn type_name(&self) -> &str {
        match self {
            Item::Node(node) => node.type_name(),
            Item::Str(_) => "string",
            Item::Int(_) => "integer",
            Item::Dec(_) => "decimal",
            Item::Bool(_) => "boolean",
        }
    }

    /// True when the item is of type `name` (FHIR or `System.` names; primitives also match
    /// their capitalised System type, `String` for `string`).
    pub fn is_type(&self, name: &str) -> bool {
        let name = name
            .strip_prefix("FHIR.")
            .or_else(|| name.strip_prefix("System."))
            .unwrap_or(name);
        let actual = self.type_name();
        if actual == name {
            return true;
        }
        let system = match actual {
            "string" => "String",
            "integer" => "Integer",
            "decimal" => "Decimal",
            "boolean" => "Boolean",
            _ => {
                return name == "Resource"
                    && matches!(self, Item::Node(n) if n.resource_type().is_some());
            }
        };
        system == name
    }

    /// The item as text, for string functions and assert values.
    pub fn to_text(&self) -> Option<String> {
        Some(match self.primitive()? {
            Primitive::Str(s) => s,
            Primitive::Int(i) => i.to_string(),
            Primitive::Dec(d) => d.to_string(),
            Primitive::Bool(b) => b.to_string(),
        })
    }

    /// The JSON value of a node (complex items compare by their JSON).
    pub fn json(&self) -> Option<&Value> {
        match self {
            Item::Node(node) if !node.value.is_null() => Some(node.value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn typed(name: &'static str, value: &'static Value) -> &'static str {
        Node {
            value,
            primitive_extension: None,
            name,
        }
        .type_name()
    }

    #[test]
    fn type_inference() {
        let leak = |v: Value| -> &'static Value { Box::leak(Box::new(v)) };
        assert_eq!(
            typed("", leak(json!({"resourceType": "Patient"}))),
            "Patient"
        );
        assert_eq!(
            typed("code", leak(json!({"coding": []}))),
            "CodeableConcept"
        );
        assert_eq!(typed("coding", leak(json!({"system": "s"}))), "Coding");
        assert_eq!(
            typed("class", leak(json!({"system": "s", "code": "c"}))),
            "Coding"
        );
        assert_eq!(
            typed("identifier", leak(json!({"value": "1"}))),
            "Identifier"
        );
        assert_eq!(
            typed("subject", leak(json!({"reference": "Patient/1"}))),
            "Reference"
        );
        assert_eq!(typed("author", leak(json!({"display": "Dr"}))), "Reference");
        assert_eq!(typed("name", leak(json!({"text": "Jan"}))), "Element");
        assert_eq!(typed("status", leak(json!("final"))), "string");
    }

    #[test]
    fn children_resolve_choice_and_primitive_extension() {
        let value = json!({
            "valueString": "x",
            "_birthDate": {"extension": [{"url": "u"}]},
            "given": ["a", "b"],
            "_given": [null, {"id": "g2"}]
        });
        let node = Node::root(&value);
        let mut out = Vec::new();
        node.children("value", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].to_text().as_deref(), Some("x"));

        let mut birth = Vec::new();
        node.children("birthDate", &mut birth);
        assert_eq!(birth.len(), 1);
        assert!(birth[0].primitive().is_none());
        let Item::Node(birth_node) = &birth[0] else {
            panic!("expected a node")
        };
        let mut extensions = Vec::new();
        birth_node.children("extension", &mut extensions);
        assert_eq!(extensions.len(), 1);

        let mut given = Vec::new();
        node.children("given", &mut given);
        assert_eq!(given.len(), 2);
        let Item::Node(second) = &given[1] else {
            panic!("expected a node")
        };
        assert!(second.primitive_extension.is_some());
    }
}
