//! Encounters (`PRPA_IN900350NL` contactmomenten) to gp-Encounter.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, path, text};

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, coding, identifier, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties, practitioners};

/// Translates every encounter of an encounters answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for encounter_node in children(organizer, "component").filter_map(|c| child(c, "encounter"))
        {
            let mode = builder.encounter_mode;
            encounter(builder, encounter_node, mode);
        }
    }
}

/// Adds the gp-Encounter of an HL7v3 `encounter` and returns its reference and display.
pub fn encounter(
    builder: &mut Builder<'_>,
    node: Node<'_, '_>,
    mode: SearchMode,
) -> (String, String) {
    let (patient, patient_name) = builder.patient();
    let code = child(node, "code");
    let effective = child(node, "effectiveTime");
    let start =
        ts_of(effective.and_then(|e| child(e, "low")).or(effective)).map(|t| t.to_date_time());
    let end = ts_of(effective.and_then(|e| child(e, "high"))).map(|t| t.to_date_time());
    let performer = path(node, &["performer", "assignedEntity"]);
    let refs = performer.and_then(|p| practitioners::add(builder, p));
    let provider = performer
        .and_then(|p| child(p, "representedOrganization"))
        .map(|o| builder.organization(o));
    let participant = refs.as_ref().map(|r| {
        let role = Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/practitionerrole-reference",
            reference("valueReference", &r.role, Some(&r.role_display)),
        );
        Element::new("participant")
            .with(Element::new("type").with(crate::datatypes::coding_of(
                Some("http://hl7.org/fhir/v3/ParticipationType"),
                "PRF",
                Some("Performer"),
            )))
            .with(reference("individual", &r.practitioner, r.name.as_deref()).with_first(role))
    });
    let period = Element::new("period")
        .with_opt(start.clone().map(|t| Element::primitive("start", t)))
        .with_opt(end.map(|t| Element::primitive("end", t)));
    let element = Element::with_capacity("Encounter", 14)
        .with(Element::primitive(
            "id",
            ids::of_node(node).unwrap_or_else(|| ids::from_text(&text(node))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/gp-Encounter",
        ))
        .with_all(children(node, "id").filter_map(identifier))
        .with(Element::primitive("status", "finished"))
        .with(encounter_class(code))
        .with_opt(code.and_then(|c| codeable_concept("type", c)))
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_all(episode_references(node))
        .with_opt(participant)
        .with_opt((!period.children.is_empty()).then_some(period))
        .with_opt(
            provider.map(|(target, name)| reference("serviceProvider", &target, name.as_deref())),
        );
    let kind = code
        .and_then(|c| c.attribute("displayName"))
        .unwrap_or("contact");
    let mut display = format!("Contact: {kind}");
    if let Some(name) = refs.as_ref().and_then(|r| r.name.as_deref()) {
        display.push_str(&format!(" met {name}"));
    }
    if let Some(date) = start.as_deref().and_then(dutch_date) {
        display.push_str(&format!(" op {date}"));
    }
    let reference = builder.add(Resource::from_element(element), mode);
    if let Some(key) = children(node, "id").next().map(id_key) {
        builder
            .encounters
            .insert(key, (reference.clone(), display.clone()));
    }
    (reference, display)
}

/// Encounter.class is always ambulatory for GP contacts; the NHG table 14 code is kept alongside.
fn encounter_class(code: Option<Node<'_, '_>>) -> Element {
    let mut class = Element::new("class");
    if let Some(coded) = code.and_then(coding) {
        class.push(Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/code-specification",
            Element::new("valueCodeableConcept").with(coded),
        ));
    }
    class
        .with(Element::primitive(
            "system",
            "http://hl7.org/fhir/v3/ActCode",
        ))
        .with(Element::primitive("code", "AMB"))
        .with(Element::primitive("display", "Ambulatory"))
}

/// Logical references to the episodes (concern acts) the encounter belongs to.
fn episode_references(node: Node<'_, '_>) -> Vec<Element> {
    children(node, "entryRelationship")
        .filter_map(|r| child(r, "act"))
        .filter(|act| child(*act, "code").and_then(|c| c.attribute("code")) == Some("CONC"))
        .filter_map(|act| child(act, "id"))
        .filter_map(|id| {
            let root = id.attribute("root")?;
            let extension = id.attribute("extension")?;
            Some(
                Element::new("episodeOfCare")
                    .with(
                        Element::new("identifier")
                            .with(Element::primitive("system", ["urn:oid:", root].concat()))
                            .with(Element::primitive("value", extension)),
                    )
                    .with(Element::primitive(
                        "display",
                        format!("Episode: {extension} {root}"),
                    )),
            )
        })
        .collect()
}

/// Returns the lookup key of an HL7v3 id element (`root|extension`).
pub fn id_key(id: Node<'_, '_>) -> String {
    [
        id.attribute("root").unwrap_or_default(),
        "|",
        id.attribute("extension").unwrap_or_default(),
    ]
    .concat()
}

/// Formats the date part of a FHIR date or dateTime as `dd-mm-yyyy`.
fn dutch_date(value: &str) -> Option<String> {
    let (year, month, day) = (value.get(0..4)?, value.get(5..7)?, value.get(8..10)?);
    Some(format!("{day}-{month}-{year}"))
}
