//! Lab results (`POLB_IN364001NL03`) to gp-LaboratoryResult and general measurements
//! (`POOB_IN990003NL`) to gp-DiagnosticResult Observations.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, path, text, xsi_type};

use crate::builder::Builder;
use crate::datatypes::{
    code_specification, codeable_concept, coding_of, episode_contexts, identifier, reference, ts_of,
};
use crate::output::SearchMode;
use crate::{ids, practitioners};

/// The Observation profile to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// gp-LaboratoryResult (NHG table 45 lab determinations).
    Lab,
    /// gp-DiagnosticResult (general measurements such as blood pressure).
    Measurement,
}

/// Translates every observation of a lab or measurements answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>, kind: Kind) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for observation in children(organizer, "component").filter_map(|c| child(c, "observation"))
        {
            let resource = observation_resource(builder, observation, kind);
            builder.add(resource, SearchMode::Match);
        }
    }
}

fn observation_resource(builder: &mut Builder<'_>, node: Node<'_, '_>, kind: Kind) -> Resource {
    let (patient, patient_name) = builder.patient();
    let responsible = path(node, &["participant", "participantRole"])
        .and_then(|r| practitioners::add(builder, r));
    let performer = responsible.filter(|_| kind == Kind::Measurement).map(|r| {
        let name = r
            .name
            .clone()
            .unwrap_or_else(|| "Responsible Party".to_owned());
        let role_display = if r.name.is_some() {
            r.role_display.clone()
        } else {
            name.clone()
        };
        let role = Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/practitionerrole-reference",
            reference("valueReference", &r.role, Some(&role_display)),
        );
        reference("performer", &r.practitioner, Some(&name)).with_first(role)
    });
    let (profiles, status, category) = match kind {
        Kind::Lab => (
            vec![
                "http://nictiz.nl/fhir/StructureDefinition/gp-LaboratoryResult",
                "http://nictiz.nl/fhir/StructureDefinition/zib-LaboratoryTestResult-Observation",
            ],
            Element::primitive("status", "final").with(code_specification(
                "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.16.1",
                "final",
                "Final",
            )),
            Some(lab_category()),
        ),
        Kind::Measurement => (
            vec!["http://nictiz.nl/fhir/StructureDefinition/gp-DiagnosticResult"],
            Element::primitive("status", "final"),
            None,
        ),
    };
    let meta = Element::new("meta").with_all(
        profiles
            .into_iter()
            .map(|p| Element::primitive("profile", p)),
    );
    let episodes = if kind == Kind::Measurement {
        episode_contexts(node)
    } else {
        Vec::new()
    };
    let element = Element::with_capacity("Observation", 18)
        .with(Element::primitive(
            "id",
            ids::of_node(node).unwrap_or_else(|| ids::from_text(&text(node))),
        ))
        .with(meta)
        .with_all(episodes)
        .with_all(children(node, "id").filter_map(identifier))
        .with(status)
        .with_opt(category)
        .with_opt(child(node, "code").and_then(|c| codeable_concept("code", c)))
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(context(builder, node))
        .with_opt(
            ts_of(child(node, "effectiveTime"))
                .map(|t| Element::primitive("effectiveDateTime", t.as_str())),
        )
        .with_opt(performer)
        .with_opt(child(node, "value").and_then(value))
        .with_opt(child(node, "interpretationCode").and_then(interpretation))
        .with_all(
            children(node, "referenceRange")
                .filter_map(|r| path(r, &["observationRange", "value"]))
                .map(reference_range),
        );
    Resource::from_element(element)
}

fn lab_category() -> Element {
    Element::new("category")
        .with(coding_of(
            Some("http://hl7.org/fhir/observation-category"),
            "laboratory",
            Some("Laboratory"),
        ))
        .with(coding_of(
            Some("http://snomed.info/sct"),
            "49581000146104",
            Some("bevinding betreffende laboratoriumonderzoek"),
        ))
}

/// Returns the encounter reference (real when translated, else logical) named `context`.
pub fn context(builder: &Builder<'_>, node: Node<'_, '_>) -> Option<Element> {
    let id = children(node, "entryRelationship")
        .filter_map(|r| child(r, "encounter"))
        .find_map(|e| child(e, "id"))?;
    if let Some((target, display)) = builder.encounters.get(&crate::encounters::id_key(id)) {
        return Some(reference("context", target, Some(display)));
    }
    let root = id.attribute("root").unwrap_or_default();
    let extension = id.attribute("extension").unwrap_or_default();
    Some(
        Element::new("context")
            .with(
                Element::new("identifier")
                    .with(Element::primitive("system", format!("urn:oid:{root}")))
                    .with(Element::primitive("value", extension)),
            )
            .with(Element::primitive(
                "display",
                format!("Contact ID: {extension} {root}"),
            )),
    )
}

/// Converts an observation value (PQ, CE/CD/CV, ST, BL, INT) to value[x].
fn value(node: Node<'_, '_>) -> Option<Element> {
    match xsi_type(node).unwrap_or("") {
        "PQ" => quantity("valueQuantity", node),
        "CE" | "CD" | "CV" | "CO" => codeable_concept("valueCodeableConcept", node),
        "BL" => node
            .attribute("value")
            .map(|v| Element::boolean("valueBoolean", v == "true")),
        "INT" => node
            .attribute("value")
            .and_then(|v| v.parse().ok())
            .map(|v| Element::integer("valueInteger", v)),
        _ => Some(text(node))
            .filter(|t| !t.is_empty())
            .map(|t| Element::primitive("valueString", t)),
    }
}

/// Builds a UCUM Quantity, or an iso21090-nullFlavor extension for a null value (e.g. NINF).
fn quantity(name: &'static str, node: Node<'_, '_>) -> Option<Element> {
    if let Some(flavor) = node.attribute("nullFlavor") {
        return Some(Element::new(name).with(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor",
            Element::primitive("valueCode", flavor),
        )));
    }
    let number = node.attribute("value")?;
    let unit = node.attribute("unit");
    Some(
        Element::new(name)
            .with(Element::decimal("value", number))
            .with_opt(unit.map(|u| Element::primitive("unit", u)))
            .with_opt(unit.map(|_| Element::primitive("system", "http://unitsofmeasure.org")))
            .with_opt(unit.map(|u| Element::primitive("code", u))),
    )
}

/// Maps an ObservationInterpretation code to HL7 v2 table 0078; `N` (normal) is left out.
fn interpretation(node: Node<'_, '_>) -> Option<Element> {
    let code = node.attribute("code")?;
    if code == "N" {
        return None;
    }
    let display = node.attribute("displayName");
    Some(Element::new("interpretation").with(coding_of(
        Some("http://hl7.org/fhir/v2/0078"),
        code,
        display,
    )))
}

fn reference_range(value: Node<'_, '_>) -> Element {
    Element::new("referenceRange")
        .with_opt(child(value, "low").and_then(|low| quantity("low", low)))
        .with_opt(child(value, "high").and_then(|high| quantity("high", high)))
        .with(Element::new("type").with(coding_of(
            Some("http://hl7.org/fhir/referencerange-meaning"),
            "normal",
            Some("Normal Range"),
        )))
}
