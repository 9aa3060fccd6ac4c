//! Practitioner and PractitionerRole resources from HL7v3 roles (`participantRole`,
//! `assignedAuthor`, `assignedEntity`).

use fhir::{Element, Resource};
use hl7v3::xml::{child, children};
use roxmltree::Node;

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, identifier, reference};
use crate::output::SearchMode;
use crate::{ids, parties};

/// The UZI person number root, preferred for Practitioner ids.
const UZI_PERSON: &str = "2.16.528.1.1007.3.1";

/// References to a practitioner and their role, with the practitioner's name.
#[derive(Debug, Clone)]
pub struct PractitionerRefs {
    /// Reference to the Practitioner.
    pub practitioner: String,
    /// Reference to the PractitionerRole.
    pub role: String,
    /// The practitioner's name, for reference displays.
    pub name: Option<String>,
    /// The role's display: name, role and organization joined by ` || `.
    pub role_display: String,
}

/// Adds the Practitioner, PractitionerRole and Organization of a role element, or returns `None`
/// when the role identifies no person.
pub fn add(builder: &mut Builder<'_>, role: Node<'_, '_>) -> Option<PractitionerRefs> {
    let person = child(role, "playingEntity").or_else(|| child(role, "assignedPerson"));
    let id_node = children(role, "id")
        .find(|i| i.attribute("root") == Some(UZI_PERSON))
        .or_else(|| child(role, "id"))?;
    let id = ids::from_ii(
        id_node.attribute("root").unwrap_or_default(),
        id_node.attribute("extension"),
    );
    let name = person
        .and_then(|p| child(p, "name"))
        .and_then(parties::human_name);
    let display = name.as_ref().and_then(name_display);
    let telecoms: Vec<Element> = children(role, "telecom")
        .filter_map(parties::telecom)
        .collect();
    let practitioner = Element::new("Practitioner")
        .with(Element::primitive("id", id.clone()))
        .with(parties::profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-practitioner",
        ))
        .with_opt(identifier(id_node))
        .with_opt(name)
        .with_all(telecoms.clone())
        .with_all(children(role, "addr").filter_map(parties::address));
    let practitioner_ref =
        builder.add_once(Resource::from_element(practitioner), SearchMode::Include);
    let organization = child(role, "scopingEntity")
        .or_else(|| child(role, "representedOrganization"))
        .filter(|o| child(*o, "id").is_some())
        .map(|o| builder.organization(o));
    let specialty = person
        .and_then(|p| child(p, "code"))
        .or_else(|| child(role, "code"))
        .and_then(|c| codeable_concept("specialty", c));
    let role_element = Element::new("PractitionerRole")
        .with(Element::primitive("id", format!("{id}-role")))
        .with(parties::profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-practitionerrole",
        ))
        .with(reference(
            "practitioner",
            &practitioner_ref,
            display.as_deref(),
        ))
        .with_opt(
            organization
                .clone()
                .map(|(target, name)| reference("organization", &target, name.as_deref())),
        )
        .with_opt(specialty.clone())
        .with_all(telecoms);
    let role_display = [
        display.clone(),
        specialty
            .as_ref()
            .and_then(|s| s.child("coding"))
            .and_then(|c| c.child_value("display"))
            .map(str::to_owned),
        organization.as_ref().and_then(|(_, name)| name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" || ");
    let role_ref = builder.add_once(Resource::from_element(role_element), SearchMode::Include);
    Some(PractitionerRefs {
        practitioner: practitioner_ref,
        role: role_ref,
        name: display,
        role_display,
    })
}

/// Returns a HumanName's text, or its given and family names joined by spaces.
pub fn name_display(name: &Element) -> Option<String> {
    if let Some(text) = name.child_value("text") {
        return Some(text.to_owned());
    }
    let parts: Vec<&str> = name
        .children_named("given")
        .chain(name.children_named("family"))
        .filter_map(|part| part.value.as_deref())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
