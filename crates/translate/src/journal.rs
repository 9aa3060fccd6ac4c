//! SOEP journal (`REPC_IN990101NL` contactverslagen) to gp-EncounterReport Composition with one
//! gp-JournalEntry Observation per S, O, E or P line.

use compact_str::CompactString;
use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, elements, has_template, path, text};

use crate::builder::Builder;
use crate::datatypes::{coding, coding_of, identifier, reference, ts_of};
use crate::encounters::id_key;
use crate::output::SearchMode;
use crate::practitioners::PractitionerRefs;
use crate::{ids, parties, practitioners};

const JOURNAL_SYSTEM: &str = "http://fhir.nl/fhir/NamingSystem/journaalregeltypen";

/// The SOEP line templates with their journaalregeltype code and Dutch display.
const LINES: [(&str, &str, &str); 4] = [
    ("2.16.840.1.113883.2.4.3.11.60.66.10.208", "S", "Subjectief"),
    ("2.16.840.1.113883.2.4.3.11.60.66.10.209", "O", "Objectief"),
    ("2.16.840.1.113883.2.4.3.11.60.66.10.210", "E", "Evaluatie"),
    ("2.16.840.1.113883.2.4.3.11.60.66.10.211", "P", "Plan"),
];

/// Translates every contact report of a journal answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for act in children(organizer, "component").filter_map(|c| child(c, "act")) {
            report(builder, act);
        }
    }
}

/// The context every line and the report share.
struct Shared {
    patient: CompactString,
    patient_name: Option<CompactString>,
    encounter: Element,
    author: Option<PractitionerRefs>,
    episodes: Vec<Element>,
}

fn report(builder: &mut Builder<'_>, act: Node<'_, '_>) {
    let (patient, patient_name) = builder.patient();
    let id = ids::of_node(act).unwrap_or_else(|| ids::from_text(&text(act)));
    let shared = Shared {
        patient,
        patient_name,
        encounter: encounter_reference(builder, act),
        author: path(act, &["participant", "participantRole"])
            .and_then(|r| practitioners::add(builder, r)),
        episodes: episode_identifiers(act),
    };
    let mut sections = Vec::new();
    let mut title = None;
    for line in children(act, "entryRelationship").flat_map(elements) {
        let Some((_, code, display)) = LINES
            .iter()
            .find(|(template, _, _)| has_template(line, template))
        else {
            continue;
        };
        let diagnosis = path(line, &["entryRelationship", "observation", "value"]);
        if title.is_none() {
            title = diagnosis
                .and_then(|d| d.attribute("displayName"))
                .map(str::to_owned);
        }
        let content = child(line, "text").map(text).unwrap_or_default();
        let entry = journal_entry(
            &shared,
            &format!("{id}-{code}"),
            code,
            display,
            &content,
            diagnosis,
        );
        let target = builder.add(entry, SearchMode::Include);
        sections.push(section(
            &shared, code, display, &content, &target, diagnosis,
        ));
    }
    let author = shared.author.as_ref().map(|a| {
        let role = Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/practitionerrole-reference",
            reference("valueReference", &a.role, Some(&a.role_display)),
        );
        reference("author", &a.practitioner, a.name.as_deref()).with_first(role)
    });
    let event = (!shared.episodes.is_empty()).then(|| {
        Element::new("event").with_all(shared.episodes.iter().map(|e| renamed(e, "detail")))
    });
    let composition = Element::with_capacity("Composition", 15)
        .with(Element::primitive("id", id))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/gp-EncounterReport",
        ))
        .with_all(children(act, "id").filter_map(identifier).take(1))
        .with(Element::primitive("status", "final"))
        .with(Element::new("type").with(coding_of(
            Some("http://loinc.org"),
            "67781-5",
            Some("Summarization of encounter note Narrative"),
        )))
        .with(reference(
            "subject",
            &shared.patient,
            shared.patient_name.as_deref(),
        ))
        .with(renamed(&shared.encounter, "encounter"))
        .with_opt(
            ts_of(child(act, "effectiveTime"))
                .map(|t| Element::primitive("date", t.to_date_time())),
        )
        .with_opt(author)
        .with(Element::primitive(
            "title",
            title.unwrap_or_else(|| default_title(&shared)),
        ))
        .with_opt(event)
        .with_all(sections);
    builder.add(Resource::from_element(composition), SearchMode::Match);
}

fn renamed(element: &Element, name: &'static str) -> Element {
    let mut copy = element.clone();
    copy.name = name.into();
    copy
}

/// Returns a reference to the contact: a real one when the encounter was translated, otherwise a
/// logical reference by identifier.
fn encounter_reference(builder: &Builder<'_>, act: Node<'_, '_>) -> Element {
    let id = children(act, "entryRelationship")
        .filter_map(|r| child(r, "encounter"))
        .find_map(|e| child(e, "id"));
    let Some(id) = id else {
        return Element::new("encounter");
    };
    if let Some((target, display)) = builder.encounters.get(&id_key(id)) {
        return reference("encounter", target, Some(display));
    }
    let root = id.attribute("root").unwrap_or_default();
    let extension = id.attribute("extension").unwrap_or_default();
    Element::with_capacity("encounter", 2)
        .with(
            Element::with_capacity("identifier", 2)
                .with(Element::primitive("system", ["urn:oid:", root].concat()))
                .with(Element::primitive("value", extension)),
        )
        .with(Element::primitive(
            "display",
            format!("Contact ID: {extension} {root}"),
        ))
}

/// Logical references (named `entry`) to the episodes the contact belongs to.
fn episode_identifiers(act: Node<'_, '_>) -> Vec<Element> {
    children(act, "entryRelationship")
        .filter_map(|r| child(r, "act"))
        .filter(|a| child(*a, "code").and_then(|c| c.attribute("code")) == Some("CONC"))
        .filter_map(|a| child(a, "id"))
        .map(|id| {
            let root = id.attribute("root").unwrap_or_default();
            let extension = id.attribute("extension").unwrap_or_default();
            Element::with_capacity("entry", 2)
                .with(
                    Element::with_capacity("identifier", 2)
                        .with(Element::primitive("system", ["urn:oid:", root].concat()))
                        .with(Element::primitive("value", extension)),
                )
                .with(Element::primitive(
                    "display",
                    format!("Episode: {extension} {root}"),
                ))
        })
        .collect()
}

fn journal_entry(
    shared: &Shared,
    id: &str,
    code: &str,
    display: &str,
    content: &str,
    diagnosis: Option<Node<'_, '_>>,
) -> Resource {
    let component = diagnosis.and_then(coding).map(|icpc| {
        Element::new("component")
            .with(Element::new("code").with(coding_of(
                Some("http://hl7.org/fhir/v3/ActCode"),
                "DISDX",
                Some("discharge diagnosis"),
            )))
            .with(Element::new("valueCodeableConcept").with(icpc))
    });
    let element = Element::with_capacity("Observation", 10)
        .with(Element::primitive("id", id))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/gp-JournalEntry",
        ))
        .with(Element::primitive("status", "final"))
        .with(Element::new("code").with(coding_of(Some(JOURNAL_SYSTEM), code, Some(display))))
        .with(reference(
            "subject",
            &shared.patient,
            shared.patient_name.as_deref(),
        ))
        .with(renamed(&shared.encounter, "context"))
        .with_opt(
            shared
                .author
                .as_ref()
                .map(|a| reference("performer", &a.practitioner, a.name.as_deref())),
        )
        .with(Element::primitive("valueString", content))
        .with_opt(component);
    Resource::from_element(element)
}

fn section(
    shared: &Shared,
    code: &str,
    display: &str,
    content: &str,
    target: &str,
    diagnosis: Option<Node<'_, '_>>,
) -> Element {
    let icpc = diagnosis.and_then(coding).map(|icpc| {
        Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/code-icpc-1-nl",
            Element::new("valueCodeableConcept").with(icpc),
        )
    });
    let mut div = String::with_capacity(content.len() + 64);
    div.push_str("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
    fhir::xml::escape_into(content, &mut div);
    div.push_str("</div>");
    let narrative = Element::with_capacity("text", 2)
        .with(Element::primitive("status", "generated"))
        .with(Element::xhtml(div));
    // The entry's display is the line code and name, then the text on one line.
    let mut entry_display = String::with_capacity(code.len() + display.len() + content.len() + 5);
    entry_display.push_str(code);
    entry_display.push_str(": ");
    entry_display.push_str(display);
    entry_display.push_str(" - ");
    for (index, word) in content.split_whitespace().enumerate() {
        if index > 0 {
            entry_display.push(' ');
        }
        entry_display.push_str(word);
    }
    Element::new("section")
        .with_opt(icpc)
        .with(narrative)
        .with(Element::new("code").with(coding_of(Some(JOURNAL_SYSTEM), code, Some(display))))
        .with(reference("entry", target, Some(&entry_display)))
        .with_all(shared.episodes.iter().cloned())
}

/// The title of a report without a diagnosis: "Contactverslag" and the patient's name.
fn default_title(shared: &Shared) -> String {
    match &shared.patient_name {
        Some(name) => format!("Contactverslag {name}"),
        None => "Contactverslag".to_owned(),
    }
}
