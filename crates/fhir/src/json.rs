//! FHIR JSON serialization and parsing of element trees (arrays, `_name` primitive extensions,
//! `resourceType`, narrative `div` as a string).

use serde_json::{Map, Value};

use crate::FhirError;
use crate::arrays::is_array;
use crate::element::{Element, Kind};

/// Serializes a resource element as FHIR JSON (compact).
pub fn to_json(resource: &Element) -> String {
    let mut out = String::new();
    write_object(resource, &resource.name, &mut out);
    out
}

fn write_object(element: &Element, resource_type: &str, out: &mut String) {
    out.push('{');
    let mut first = true;
    let mut field = |out: &mut String, key: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        write_string(key, out);
        out.push(':');
    };
    if element.is_resource() {
        field(out, "resourceType");
        write_string(&element.name, out);
    }
    if let Some(id) = element.element_id() {
        field(out, "id");
        write_string(id, out);
    }
    if let Some(url) = element.url() {
        field(out, "url");
        write_string(url, out);
    }
    let resource_type = if element.is_resource() {
        element.name.as_ref()
    } else {
        resource_type
    };
    for name in distinct_names(element) {
        let group: Vec<&Element> = element.children_named(name).collect();
        let array = group.len() > 1 || is_array(resource_type, element, name);
        if group.iter().all(|c| c.primitive || c.kind == Kind::Xhtml) {
            write_primitive_group(name, &group, array, &mut field, out);
        } else {
            field(out, name);
            write_list(&group, array, out, |child, out| {
                write_complex(child, resource_type, out)
            });
        }
    }
    out.push('}');
}

fn write_complex(element: &Element, resource_type: &str, out: &mut String) {
    match element.children.as_slice() {
        [only] if only.is_resource() && element.value.is_none() => {
            write_object(only, &only.name, out)
        }
        _ => write_object(element, resource_type, out),
    }
}

fn distinct_names(element: &Element) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for child in &element.children {
        if !names.contains(&child.name.as_ref()) {
            names.push(&child.name);
        }
    }
    names
}

fn write_primitive_group(
    name: &str,
    group: &[&Element],
    array: bool,
    field: &mut impl FnMut(&mut String, &str),
    out: &mut String,
) {
    if group.iter().any(|c| c.value.is_some()) {
        field(out, name);
        write_list(group, array, out, |child, out| {
            write_primitive_value(child, out)
        });
    }
    if group
        .iter()
        .any(|c| c.element_id().is_some() || !c.children.is_empty())
    {
        field(out, &format!("_{name}"));
        write_list(group, array, out, |child, out| {
            if child.element_id().is_none() && child.children.is_empty() {
                out.push_str("null");
            } else {
                let mut shadow = Element::new("");
                shadow.name.clone_from(&child.name);
                shadow.set_element_id(child.element_id().map(Into::into));
                shadow.children.clone_from(&child.children);
                write_object(&shadow, "", out);
            }
        });
    }
}

fn write_list<F: FnMut(&Element, &mut String)>(
    group: &[&Element],
    array: bool,
    out: &mut String,
    mut write: F,
) {
    if !array {
        if let Some(first) = group.first() {
            write(first, out);
        }
        return;
    }
    out.push('[');
    for (index, child) in group.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write(child, out);
    }
    out.push(']');
}

fn write_primitive_value(element: &Element, out: &mut String) {
    let Some(value) = &element.value else {
        out.push_str("null");
        return;
    };
    let raw = match element.kind {
        Kind::Boolean => value == "true" || value == "false",
        Kind::Integer => value.parse::<i64>().is_ok(),
        Kind::Decimal => serde_json::from_str::<serde_json::Number>(value).is_ok(),
        Kind::String | Kind::Xhtml => false,
    };
    if raw {
        out.push_str(value);
    } else {
        write_string(value, out);
    }
}

fn write_string(text: &str, out: &mut String) {
    // serde_json's string escaping of a &str cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\"")));
}

/// The prefix of a decimal whose text [`mark_decimals`] kept: a control character, which FHIR
/// strings cannot contain.
const DECIMAL_MARK: char = '\u{1}';

/// Parses a FHIR JSON resource. Decimals keep their text (`1.50` stays `1.50`).
pub fn from_json(text: &str) -> Result<Element, FhirError> {
    let marked = mark_decimals(text);
    let value: Value = serde_json::from_str(&marked)?;
    let Value::Object(object) = value else {
        return Err(FhirError::NotFhir(
            "the JSON document is not an object".into(),
        ));
    };
    let Some(Value::String(resource_type)) = object.get("resourceType") else {
        return Err(FhirError::NotFhir(
            "the JSON object has no resourceType".into(),
        ));
    };
    Ok(read_object(resource_type, &object, true))
}

fn read_object(name: &str, object: &Map<String, Value>, resource: bool) -> Element {
    let mut element = Element::new(name.to_owned());
    for (key, value) in object {
        match key.as_str() {
            "resourceType" => {}
            "id" if !resource => element.set_element_id(value.as_str().map(Into::into)),
            "url" if name == "extension" || name == "modifierExtension" => {
                element.set_url(value.as_str().map(Into::into));
            }
            _ if key.starts_with('_') => {}
            _ => read_field(&mut element, key, value, object.get(&format!("_{key}"))),
        }
    }
    // Primitives that exist only as `_name` (no value) still need an element.
    for (key, shadow) in object.iter().filter(|(k, _)| k.starts_with('_')) {
        let base = &key[1..];
        if !object.contains_key(base) {
            read_field(&mut element, base, &Value::Null, Some(shadow));
        }
    }
    element
}

fn read_field(element: &mut Element, key: &str, value: &Value, shadow: Option<&Value>) {
    let values: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let shadows: Vec<Option<&Value>> = match shadow {
        Some(Value::Array(items)) => items.iter().map(Some).collect(),
        Some(other) => vec![Some(other)],
        None => Vec::new(),
    };
    let count = values.len().max(shadows.len());
    for index in 0..count {
        let value = values.get(index).copied().unwrap_or(&Value::Null);
        let shadow = shadows.get(index).copied().flatten();
        element.children.push(read_value(key, value, shadow));
    }
}

fn read_value(key: &str, value: &Value, shadow: Option<&Value>) -> Element {
    let owned = key.to_owned();
    let mut element = match value {
        Value::Object(object) => match object.get("resourceType").and_then(Value::as_str) {
            Some(resource_type) => {
                Element::new(owned).with(read_object(resource_type, object, true))
            }
            None => read_object(key, object, false),
        },
        Value::String(text) if key == "div" => Element::xhtml(text.clone()),
        Value::String(text) if text.starts_with(DECIMAL_MARK) => {
            Element::decimal(owned, &text[DECIMAL_MARK.len_utf8()..])
        }
        Value::String(text) => Element::primitive(owned, text.clone()),
        Value::Bool(flag) => Element::boolean(owned, *flag),
        Value::Number(number) if number.is_i64() || number.is_u64() => {
            Element::typed(owned, number.to_string(), Kind::Integer)
        }
        Value::Number(number) => Element::decimal(owned, number.to_string()),
        Value::Null | Value::Array(_) => Element::empty_primitive(owned),
    };
    if let Some(Value::Object(shadow)) = shadow {
        let extra = read_object(key, shadow, false);
        element.set_element_id(extra.element_id().map(Into::into));
        element.children = extra.children;
        element.primitive = true;
    }
    element
}

/// Turns every JSON number that `f64` could change (a fraction, an exponent or more than 18
/// digits) into a string holding [`DECIMAL_MARK`] and the number's text, so that parsing keeps
/// the precision as written. Text inside strings is left alone.
fn mark_decimals(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut index = 0;
    let mut in_string = false;
    while index < bytes.len() {
        let byte = bytes[index];
        if in_string {
            match byte {
                b'\\' => index += 1,
                b'"' => in_string = false,
                _ => {}
            }
            index += 1;
            continue;
        }
        if byte == b'"' {
            in_string = true;
            index += 1;
            continue;
        }
        if byte == b'-' || byte.is_ascii_digit() {
            let start = index;
            while index < bytes.len()
                && matches!(bytes[index], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
            {
                index += 1;
            }
            let number = &text[start..index];
            let digits = number.bytes().filter(u8::is_ascii_digit).count();
            if number.contains(['.', 'e', 'E']) || digits > 18 {
                let buffer = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
                buffer.push_str(&text[copied..start]);
                buffer.push_str("\"\\u0001");
                buffer.push_str(number);
                buffer.push('"');
                copied = index;
            }
            continue;
        }
        index += 1;
    }
    match out {
        Some(mut buffer) => {
            buffer.push_str(&text[copied..]);
            std::borrow::Cow::Owned(buffer)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_round_trip_with_primitive_extensions() {
        let text = r#"{"resourceType":"Patient","id":"p1","identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","_value":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"masked"}]}}],"active":true,"name":[{"family":"Test","given":["A","B"],"_given":[null,{"id":"g2"}]}]}"#;
        let element = from_json(text).unwrap();
        assert_eq!(to_json(&element), text);
    }

    #[test]
    fn bundle_entry_resource_and_numbers() {
        let text = r#"{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"https://x/Observation/1","resource":{"resourceType":"Observation","valueQuantity":{"value":1.5,"unit":"kg"}}}]}"#;
        let element = from_json(text).unwrap();
        assert_eq!(to_json(&element), text);
        let xml = crate::xml::to_xml(&element);
        let back = crate::xml::from_xml(&xml).unwrap();
        assert_eq!(to_json(&back), text);
    }

    #[test]
    fn decimals_keep_their_text() {
        let text = r#"{"resourceType":"Observation","valueQuantity":{"value":1.50,"unit":"mmol/l \"1.0\""},"component":[{"valueQuantity":{"value":-2.0e3}},{"valueQuantity":{"value":12345678901234567890123}},{"valueInteger":7}]}"#;
        let element = from_json(text).unwrap();
        assert_eq!(to_json(&element), text);
        let quantity = element.child("valueQuantity").unwrap();
        assert_eq!(quantity.child("value").unwrap().kind, Kind::Decimal);
        assert_eq!(quantity.child_value("unit"), Some("mmol/l \"1.0\""));
    }

    #[test]
    fn single_manifest_content_stays_an_array() {
        let text = r#"{"resourceType":"DocumentManifest","status":"current","content":[{"pReference":{"reference":"DocumentReference/d1"}}]}"#;
        let element = from_json(text).unwrap();

        assert_eq!(to_json(&element), text);
    }

    #[test]
    fn missing_resource_type_is_rejected() {
        assert!(matches!(from_json("{}"), Err(FhirError::NotFhir(_))));
        assert!(matches!(from_json("[]"), Err(FhirError::NotFhir(_))));
    }
}
