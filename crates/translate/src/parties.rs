//! Patient and Organization resources from HL7v3 `patientRole` and `Organization` elements.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::xml::{child, children, elements, text};

use crate::datatypes::{code_specification, coding_of, identifier, parse_ts};

/// Returns the FHIR gender and Dutch display of an AdministrativeGender code.
fn gender(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "M" => Some(("male", "man")),
        "F" => Some(("female", "vrouw")),
        "UN" => Some(("other", "ongedifferentieerd")),
        "UNK" => Some(("unknown", "onbekend")),
        _ => None,
    }
}

/// Builds the nl-core-patient Patient from a `patientRole`.
///
/// The BSN never leaves lspplus: the identifier keeps only its system, with the value masked by a
/// data-absent-reason extension.
pub fn patient(id: &str, patient_role: Option<Node<'_, '_>>) -> Resource {
    let person = patient_role.and_then(|role| child(role, "patient"));
    let masked = Element::new("identifier")
        .with(Element::primitive(
            "system",
            "http://fhir.nl/fhir/NamingSystem/bsn",
        ))
        .with(Element::empty_primitive("value").with(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            Element::primitive("valueCode", "masked"),
        )));
    let element = Element::with_capacity("Patient", 12)
        .with(Element::primitive("id", id))
        .with(profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-patient",
        ))
        .with(masked)
        .with_all(
            person
                .into_iter()
                .flat_map(|p| children(p, "name"))
                .filter_map(human_name),
        )
        .with_all(
            patient_role
                .into_iter()
                .flat_map(|r| children(r, "telecom"))
                .filter_map(telecom),
        )
        .with_opt(
            person
                .and_then(|p| child(p, "administrativeGenderCode"))
                .and_then(gender_element),
        )
        .with_opt(
            person
                .and_then(|p| child(p, "birthTime"))
                .and_then(|b| b.attribute("value"))
                .and_then(parse_ts)
                .map(|t| {
                    Element::primitive("birthDate", t.as_str().get(..10).unwrap_or(t.as_str()))
                }),
        )
        .with_all(
            patient_role
                .into_iter()
                .flat_map(|r| children(r, "addr"))
                .filter_map(address),
        );
    Resource::from_element(element)
}

/// Returns the meta element with one profile.
pub fn profile(url: &'static str) -> Element {
    let url = compact_str::CompactString::const_new(url);
    Element::new("meta").with(Element::primitive("profile", url))
}

fn gender_element(node: Node<'_, '_>) -> Option<Element> {
    let code = node.attribute("code")?;
    let (fhir_gender, dutch) = gender(code)?;
    let display = node.attribute("displayName").unwrap_or(dutch);
    Some(
        Element::primitive("gender", fhir_gender).with(code_specification(
            "http://hl7.org/fhir/v3/AdministrativeGender",
            code,
            display,
        )),
    )
}

/// Builds a HumanName with the Dutch name-part extensions (own name, partner name, qualifiers).
pub fn human_name(name: Node<'_, '_>) -> Option<Element> {
    let parts: Vec<Node<'_, '_>> = elements(name).collect();
    if parts.is_empty() {
        let literal = text(name);
        return (!literal.is_empty())
            .then(|| Element::new("name").with(Element::primitive("text", literal)));
    }
    let family_kinds: Vec<&str> = parts
        .iter()
        .filter(|p| p.tag_name().name() == "family")
        .map(|p| p.attribute("qualifier").unwrap_or(""))
        .collect();
    let order = match family_kinds.as_slice() {
        ["BR"] => "NL1",
        ["SP"] => "NL2",
        ["SP", "BR"] => "NL3",
        ["BR", "SP"] => "NL4",
        _ => "UNK",
    };
    let has_given = parts.iter().any(|p| p.tag_name().name() == "given");
    let full_text: Vec<String> = parts
        .iter()
        .map(|p| text(*p))
        .filter(|t| !t.is_empty())
        .collect();
    let mut element = Element::new("name")
        .with(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/humanname-assembly-order",
            Element::primitive("valueCode", order),
        ))
        .with_opt(has_given.then(|| Element::primitive("text", full_text.join(" "))));
    let families: Vec<Element> = parts
        .iter()
        .filter(|p| p.tag_name().name() == "family")
        .map(|p| family_part(*p))
        .collect();
    if let Some(family) = combine_families(families) {
        element.push(family);
    }
    for given in parts.iter().filter(|p| p.tag_name().name() == "given") {
        let qualifier = given.attribute("qualifier").unwrap_or("BR");
        element.push(
            Element::primitive("given", text(*given)).with(Element::extension(
                "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier",
                Element::primitive("valueCode", qualifier),
            )),
        );
    }
    Some(element)
}

fn family_part(node: Node<'_, '_>) -> Element {
    let url = match node.attribute("qualifier") {
        Some("SP") => "http://hl7.org/fhir/StructureDefinition/humanname-partner-name",
        _ => "http://hl7.org/fhir/StructureDefinition/humanname-own-name",
    };
    Element::primitive("family", text(node)).with(Element::extension(
        url,
        Element::primitive("valueString", text(node)),
    ))
}

/// FHIR has one `family`: own and partner names join with a hyphen, each kept in its extension.
fn combine_families(families: Vec<Element>) -> Option<Element> {
    let mut iter = families.into_iter();
    let mut first = iter.next()?;
    for next in iter {
        let joined = compact_str::format_compact!(
            "{}-{}",
            first.value.as_deref().unwrap_or_default(),
            next.value.as_deref().unwrap_or_default()
        );
        first.value = Some(joined);
        first.children.extend(next.children);
    }
    Some(first)
}

pub fn telecom(node: Node<'_, '_>) -> Option<Element> {
    let value = node.attribute("value")?;
    let (system, rest) = match value.split_once(':') {
        Some(("tel", rest)) => ("phone", rest),
        Some(("fax", rest)) => ("fax", rest),
        Some(("mailto", rest)) => ("email", rest),
        Some(("http" | "https", _)) => ("url", value),
        _ => return None,
    };
    let usage = node.attribute("use").and_then(|code| {
        let (fhir_use, display) = match code {
            "HP" => ("home", "Primary Home"),
            "H" => ("home", "Home address"),
            "WP" => ("work", "Work place"),
            "MC" => ("mobile", "Mobile contact"),
            "TMP" => ("temp", "Temporary address"),
            _ => return None,
        };
        Some(Element::primitive("use", fhir_use).with(code_specification(
            "http://hl7.org/fhir/v3/AddressUse",
            code,
            display,
        )))
    });
    let mut system_element = Element::primitive("system", system);
    // Dutch mobile numbers start with 06 (or +316), which the zib records as a mobile phone.
    if system == "phone" && (rest.starts_with("06") || rest.starts_with("+316")) {
        system_element.push(code_specification(
            "http://hl7.org/fhir/v3/AddressUse",
            "MC",
            "Mobiele telefoon",
        ));
    }
    Some(
        Element::new("telecom")
            .with(system_element)
            .with(Element::primitive("value", rest))
            .with_opt(usage),
    )
}

/// Builds a nl-core-address Address from an AD node.
pub fn address(node: Node<'_, '_>) -> Option<Element> {
    let part = |name: &str| child(node, name).map(text).filter(|t| !t.is_empty());
    let mut element = Element::new("address");
    if let Some(address_use) = node.attribute("use") {
        element.children.extend(address_use_extensions(address_use));
    }
    let street = part("streetName");
    let number = part("houseNumber");
    let line_text: Vec<String> = [street.clone(), number.clone(), part("buildingNumberSuffix")]
        .into_iter()
        .flatten()
        .collect();
    if let Some(line) =
        part("streetAddressLine").or_else(|| (!line_text.is_empty()).then(|| line_text.join(" ")))
    {
        let mut line_element = Element::primitive("line", line);
        let extension = |url: &str, value: Option<String>| {
            value.map(|v| {
                Element::extension(
                    format!("http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-{url}"),
                    Element::primitive("valueString", v),
                )
            })
        };
        line_element
            .children
            .extend(extension("streetName", street));
        line_element
            .children
            .extend(extension("houseNumber", number));
        element.push(line_element);
    }
    element
        .children
        .extend(part("city").map(|c| Element::primitive("city", c)));
    element
        .children
        .extend(part("postalCode").map(|p| Element::primitive("postalCode", p.replace(' ', ""))));
    element.children.extend(part("country").map(country));
    (!element.children.is_empty()).then_some(element)
}

fn address_use_extensions(address_use: &str) -> Vec<Element> {
    let display = match address_use {
        "HP" => "Officieel adres",
        "PHYS" => "Woon-/verblijfadres",
        "PST" => "Postadres",
        "TMP" => "Tijdelijk adres",
        "WP" => "Werkadres",
        "HV" => "Vakantie adres",
        _ => return Vec::new(),
    };
    let mut out = vec![Element::extension(
        "http://nictiz.nl/fhir/StructureDefinition/zib-AddressInformation-AddressType",
        Element::new("valueCodeableConcept").with(coding_of(
            Some("http://hl7.org/fhir/v3/AddressUse"),
            address_use,
            Some(display),
        )),
    )];
    if address_use == "HP" {
        out.push(Element::extension(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-address-official",
            Element::boolean("valueBoolean", true),
        ));
    }
    // FHIR `use` cannot tell an official (HP) or postal address apart, so the HL7v3 code travels along.
    if matches!(address_use, "HP" | "PHYS" | "PST" | "HV") {
        out.push(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/iso21090-AD-use",
            Element::primitive("valueCode", address_use),
        ));
    }
    let (fhir_use, kind) = match address_use {
        "HP" | "PHYS" => (Some("home"), Some("physical")),
        "PST" => (None, Some("postal")),
        "TMP" => (Some("temp"), None),
        "WP" => (Some("work"), None),
        _ => (None, None),
    };
    out.extend(fhir_use.map(|u| Element::primitive("use", u)));
    out.extend(kind.map(|k| Element::primitive("type", k)));
    out
}

fn country(name: String) -> Element {
    match name.as_str() {
        "Nederland" | "NL" | "NLD" => Element::primitive("country", "NL").with(code_specification(
            "urn:iso:std:iso:3166",
            "NL",
            "Nederland",
        )),
        _ => Element::primitive("country", name),
    }
}

/// Builds the nl-core-organization Organization from an HL7v3 organization element (URA id, name, address).
pub fn organization(id: &str, node: Node<'_, '_>) -> Resource {
    let element = Element::with_capacity("Organization", 10)
        .with(Element::primitive("id", id))
        .with(profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-organization",
        ))
        .with_all(children(node, "id").filter_map(identifier))
        .with_opt(
            child(node, "name")
                .or_else(|| child(node, "desc"))
                .map(text)
                .filter(|n| !n.is_empty())
                .map(|n| Element::primitive("name", n)),
        )
        .with_all(children(node, "telecom").filter_map(telecom))
        .with_all(children(node, "addr").filter_map(address));
    Resource::from_element(element)
}
