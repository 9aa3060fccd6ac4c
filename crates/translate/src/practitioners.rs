//! Practitioner and PractitionerRole resources from HL7v3 roles (`participantRole`,
//! `assignedAuthor`, `assignedEntity`).

use fhir::{Element, Resource};
use foldhash::HashMap;
use hl7v3::xml::{child, children};

use hl7v3::dom::{Node, NodeId};

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
    let role = builder.roles.richest(role);
    // Answers name the same person in many places; the resources exist after the first time.
    let key = (std::ptr::from_ref(role.document()).addr(), role.id());
    if let Some(known) = builder.practitioners.get(&key) {
        return known.clone();
    }
    let refs = translate_role(builder, role);
    builder.practitioners.insert(key, refs.clone());
    refs
}

fn translate_role(builder: &mut Builder<'_>, role: Node<'_, '_>) -> Option<PractitionerRefs> {
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
    let practitioner_ref = match builder.existing("Practitioner", &id) {
        Some(known) => known,
        None => {
            let practitioner = Element::with_capacity("Practitioner", 11)
                .with(Element::primitive("id", id.clone()))
                .with(parties::profile(
                    "http://fhir.nl/fhir/StructureDefinition/nl-core-practitioner",
                ))
                .with_opt(identifier(id_node))
                .with_opt(name)
                .with_all(telecoms.clone())
                .with_all(children(role, "addr").filter_map(parties::address))
                .with_all(organization_addresses(role));
            builder.add_once(Resource::from_element(practitioner), SearchMode::Include)
        }
    };
    let organization = child(role, "scopingEntity")
        .or_else(|| child(role, "representedOrganization"))
        .filter(|o| child(*o, "id").is_some())
        .map(|o| builder.organization(o));
    let role_code = person
        .and_then(|p| child(p, "code"))
        .or_else(|| child(role, "code"));
    let role_code_display = role_code
        .and_then(|c| c.attribute("displayName"))
        .map(str::to_owned);
    let specialty = role_code
        .and_then(|c| codeable_concept("specialty", c))
        .map(with_role_display);
    let role_id = role_id(&id, organization.as_ref().map(|(r, _)| r.as_str()));
    let role_display = [
        display.clone(),
        role_code_display,
        organization.as_ref().and_then(|(_, name)| name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" || ");
    let role_ref = match builder.existing("PractitionerRole", &role_id) {
        Some(known) => known,
        None => {
            let role_element = Element::with_capacity("PractitionerRole", 8)
                .with(Element::primitive("id", role_id))
                .with(parties::profile(
                    "http://fhir.nl/fhir/StructureDefinition/nl-core-practitionerrole",
                ))
                .with(reference(
                    "practitioner",
                    &practitioner_ref,
                    display.as_deref().or(responsible_fallback(role)),
                ))
                .with_opt(
                    organization
                        .clone()
                        .map(|(target, name)| reference("organization", &target, name.as_deref())),
                )
                .with_opt(specialty.clone())
                .with_all(telecoms);
            builder.add_once(Resource::from_element(role_element), SearchMode::Include)
        }
    };
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

/// Elements that describe a person in a role.
const ROLE_TAGS: [&str; 3] = ["participantRole", "assignedEntity", "assignedAuthor"];

/// The most detailed role element per person (first `id`) in one document, because answers often
/// repeat a role with only its id. Built once per document, so that each role is a hash lookup.
#[derive(Default)]
pub struct RoleIndex {
    /// By document address, then by `root|extension`: the richest role's node id and size.
    documents: HashMap<usize, HashMap<String, (NodeId, usize)>>,
}

impl RoleIndex {
    /// Returns the most detailed element in the document that describes the same person as `role`.
    pub fn richest<'a, 'i>(&mut self, role: Node<'a, 'i>) -> Node<'a, 'i> {
        let Some(id) = child(role, "id") else {
            return role;
        };
        let document = role.document();
        let index = self
            .documents
            .entry(std::ptr::from_ref(document).addr())
            .or_insert_with(|| index_roles(document));
        index
            .get(&key(id))
            .and_then(|(node, _)| document.get_node(*node))
            .unwrap_or(role)
    }
}

fn key(id: Node<'_, '_>) -> String {
    let root = id.attribute("root").unwrap_or_default();
    let extension = id.attribute("extension").unwrap_or_default();
    let mut key = String::with_capacity(root.len() + extension.len() + 1);
    key.push_str(root);
    key.push('|');
    key.push_str(extension);
    key
}

fn index_roles(document: &hl7v3::dom::Document<'_>) -> HashMap<String, (NodeId, usize)> {
    let mut index: HashMap<String, (NodeId, usize)> = HashMap::default();
    for role in document
        .descendants()
        .filter(|n| n.is_element() && ROLE_TAGS.contains(&n.tag_name().name()))
    {
        let Some(id) = child(role, "id") else {
            continue;
        };
        let size = role.descendants().count();
        let entry = index.entry(key(id)).or_insert((role.id(), size));
        // Of equally detailed descriptions, the last one in document order wins.
        if size >= entry.1 {
            *entry = (role.id(), size);
        }
    }
    index
}

/// Adds the display of well-known UZI role codes when the source left it out.
fn with_role_display(mut specialty: Element) -> Element {
    if let Some(coding) = specialty.children.iter_mut().find(|c| c.name == "coding")
        && coding.child("display").is_none()
    {
        let display = match coding.child_value("code") {
            Some("01.015") => Some("Huisarts"),
            Some("01.004") => Some("Apotheekhoudende huisarts"),
            Some("17.000") => Some("Apotheker"),
            _ => None,
        };
        coding
            .children
            .extend(display.map(|d| Element::primitive("display", d)));
    }
    specialty
}

/// Returns the PractitionerRole id: one role per practitioner and organization.
fn role_id(practitioner_id: &str, organization: Option<&str>) -> String {
    match organization.and_then(|r| r.rsplit('/').next()) {
        Some(organization_id) => {
            ids::from_ii(&format!("{practitioner_id}-role"), Some(organization_id))
        }
        None => format!("{practitioner_id}-role"),
    }
}

/// Returns "Responsible Party" for an unnamed responsible participant (`participant typeCode="RESP"`).
fn responsible_fallback(role: Node<'_, '_>) -> Option<&'static str> {
    let responsible = role.parent_element().and_then(|p| p.attribute("typeCode")) == Some("RESP");
    responsible.then_some("Responsible Party")
}

/// The addresses of the role's organization, which the Nictiz conversion also lists on the Practitioner.
fn organization_addresses(role: Node<'_, '_>) -> Vec<Element> {
    child(role, "representedOrganization")
        .into_iter()
        .flat_map(|o| children(o, "addr"))
        .filter_map(parties::address)
        .collect()
}
