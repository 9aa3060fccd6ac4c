//! Correspondence (`QUCO_IN990003NL01`, PDF/A letters) to IHE.MHD.Minimal.DocumentReference,
//! IHE.MHD.DocumentManifest and Binary, for gegevensdienst 51.
//!
//! The expected layout is the one crates/sim-his writes, after the VZVZ PDF/A transformation. An
//! `organizer` with `recordTarget` has one `component/act` per letter. The act has `id`, `code`
//! (document type), `text` (title), `statusCode` and `effectiveTime` (or `effectiveTime/center`).
//! Its `participant DIST` is the sender (`participantRole/scopingEntity` with `id` and `desc`).
//! Its `reference/externalDocument` has `id`, `code` and `text mediaType=".." representation="B64"`
//! with the document inline as base64. A `text` with only `reference/@value` (a listing without
//! content) still yields the DocumentReference, but no Binary.
//! Each such loose letter gets a DocumentManifest of its own. A `component/organizer` in the
//! payload is a document set: one DocumentManifest (id, `code` as type, `text`, `statusCode`,
//! `effectiveTime` as created) for all the letters in its `component/act`s.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, path, text};

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, coding_of, identifier, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties};

const DOCUMENT_REFERENCE_PROFILE: &str =
    "http://nictiz.nl/fhir/StructureDefinition/IHE.MHD.Minimal.DocumentReference";
const DOCUMENT_MANIFEST_PROFILE: &str =
    "http://nictiz.nl/fhir/StructureDefinition/IHE.MHD.DocumentManifest";

/// LOINC document types and the LOINC class (XDS classCode) they belong to.
const DOCUMENT_CLASSES: &[(&str, (&str, &str))] = &[
    ("68688-1", DISCHARGE_SUMMARY),
    ("68626-1", DISCHARGE_SUMMARY),
    ("18842-5", DISCHARGE_SUMMARY),
    ("11490-0", DISCHARGE_SUMMARY),
    ("34105-7", DISCHARGE_SUMMARY),
    ("34781-5", CONSULT_NOTE),
    ("34797-1", CONSULT_NOTE),
    ("11488-4", CONSULT_NOTE),
    ("57133-1", REFERRAL_NOTE),
    ("18748-4", IMAGING_REPORT),
    ("11502-2", LAB_REPORT),
];
const DISCHARGE_SUMMARY: (&str, &str) = ("18842-5", "Discharge summary");
const CONSULT_NOTE: (&str, &str) = ("11488-4", "Consult note");
const REFERRAL_NOTE: (&str, &str) = ("57133-1", "Referral note");
const IMAGING_REPORT: (&str, &str) = ("18748-4", "Diagnostic imaging study");
const LAB_REPORT: (&str, &str) = ("11502-2", "Laboratory report");

/// Translates every letter of a correspondence response: loose letters and document sets.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        for component in children(organizer, "component") {
            if let Some(act) = child(component, "act") {
                loose_letter(builder, act);
            } else if let Some(set) = child(component, "organizer") {
                document_set(builder, set);
            }
        }
    }
}

/// A translated letter: what its DocumentManifest needs.
struct Letter {
    target: String,
    display: Option<String>,
    status: &'static str,
    manifest_type: Option<Element>,
    created: Option<String>,
    author: Option<Element>,
    title: Option<String>,
}

/// The parts of one DocumentManifest.
struct Manifest<'a> {
    id: &'a str,
    master: Option<Element>,
    status: &'static str,
    manifest_type: Option<Element>,
    created: Option<String>,
    author: Option<Element>,
    description: Option<String>,
    contents: Vec<(String, Option<String>)>,
}

/// Adds a letter that belongs to no set, with a DocumentManifest of its own.
fn loose_letter(builder: &mut Builder<'_>, act: Node<'_, '_>) {
    let id = act_id(act);
    let letter = document_reference(builder, act);
    add_manifest(
        builder,
        Manifest {
            id: &id,
            master: child(act, "id").and_then(master_identifier),
            status: letter.status,
            manifest_type: letter.manifest_type,
            created: letter.created,
            author: letter.author,
            description: letter.title,
            contents: vec![(letter.target, letter.display)],
        },
    );
}

/// Adds the letters of a set and one DocumentManifest for the set.
fn document_set(builder: &mut Builder<'_>, set: Node<'_, '_>) {
    let letters: Vec<Letter> = children(set, "component")
        .filter_map(|c| child(c, "act"))
        .map(|act| document_reference(builder, act))
        .collect();
    if letters.is_empty() {
        return;
    }
    let id = act_id(set);
    let effective = child(set, "effectiveTime");
    let created = ts_of(effective).or_else(|| ts_of(effective.and_then(|e| child(e, "center"))));
    add_manifest(
        builder,
        Manifest {
            id: &id,
            master: child(set, "id").and_then(master_identifier),
            status: status_of(set),
            manifest_type: child(set, "code").and_then(|c| codeable_concept("type", c)),
            created: created.map(|t| t.to_date_time()),
            author: letters.iter().find_map(|l| l.author.clone()),
            description: child(set, "text").map(text).filter(|t| !t.is_empty()),
            contents: letters.into_iter().map(|l| (l.target, l.display)).collect(),
        },
    );
}

/// Returns the resource id of an act or set: from its `id`, else from its text.
fn act_id(node: Node<'_, '_>) -> String {
    ids::of_node(node).unwrap_or_else(|| ids::from_text(&text(node)))
}

/// Maps an act or set `statusCode` to the FHIR document status.
fn status_of(node: Node<'_, '_>) -> &'static str {
    match child(node, "statusCode").and_then(|s| s.attribute("code")) {
        Some("nullified") => "entered-in-error",
        Some("obsolete") => "superseded",
        _ => "current",
    }
}

/// Adds one letter's Binary (when the content is inline) and DocumentReference.
fn document_reference(builder: &mut Builder<'_>, act: Node<'_, '_>) -> Letter {
    let (patient, patient_name) = builder.patient();
    let document = path(act, &["reference", "externalDocument"]);
    let content = document.and_then(|d| child(d, "text"));
    let content_type = content
        .and_then(|t| t.attribute("mediaType"))
        .unwrap_or("application/pdf");
    let act_id = act_id(act);
    let binary_id = document
        .and_then(ids::of_node)
        .unwrap_or_else(|| format!("{act_id}-content"));
    if let Some(data) = content.and_then(inline_base64) {
        let binary = Element::with_capacity("Binary", 4)
            .with(Element::primitive("id", binary_id.as_str()))
            .with(Element::primitive("contentType", content_type))
            .with(Element::primitive("content", data));
        builder.add(Resource::from_element(binary), SearchMode::Include);
    }

    let author = sender(builder, act);
    let title = child(act, "text").map(text).filter(|t| !t.is_empty());
    let effective = child(act, "effectiveTime");
    let time = ts_of(effective).or_else(|| ts_of(effective.and_then(|e| child(e, "center"))));
    let type_node = document
        .and_then(|d| child(d, "code"))
        .or_else(|| child(act, "code"));
    let document_type = type_node.and_then(|c| codeable_concept("type", c));
    let class = type_node
        .and_then(|c| c.attribute("code"))
        .and_then(document_class);
    let status = status_of(act);
    let master = document
        .and_then(|d| child(d, "id"))
        .and_then(master_identifier);
    let author_reference = author
        .as_ref()
        .map(|(target, name)| reference("author", target, name.as_deref()));
    let date_time = time.as_ref().map(|t| t.to_date_time());

    let binary_url = format!("{}/Binary/{binary_id}", builder.context().base_url);
    let attachment = Element::new("attachment")
        .with(Element::primitive("contentType", content_type))
        .with(Element::primitive("url", binary_url))
        .with_opt(title.clone().map(|t| Element::primitive("title", t)));
    let document_reference = Element::with_capacity("DocumentReference", 14)
        .with(Element::primitive("id", act_id.as_str()))
        .with(parties::profile(DOCUMENT_REFERENCE_PROFILE))
        .with_opt(master)
        .with_all(children(act, "id").filter_map(identifier))
        .with(Element::primitive("status", status))
        .with_opt(document_type.clone())
        .with_opt(class.map(|c| c.into_class("class")))
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(date_time.clone().map(|t| Element::primitive("indexed", t)))
        .with_opt(author_reference.clone())
        .with_opt(title.clone().map(|t| Element::primitive("description", t)))
        .with(Element::new("content").with(attachment));
    let target = builder.add(
        Resource::from_element(document_reference),
        SearchMode::Match,
    );

    let display = title.clone().or_else(|| {
        type_node
            .and_then(|c| c.attribute("displayName"))
            .map(str::to_owned)
    });
    Letter {
        target,
        display,
        status,
        manifest_type: class.map(|c| c.into_class("type")).or(document_type),
        created: date_time,
        author: author_reference,
        title,
    }
}

/// Adds a DocumentManifest that lists its letters' DocumentReferences.
fn add_manifest(builder: &mut Builder<'_>, manifest: Manifest<'_>) {
    let (patient, patient_name) = builder.patient();
    let contents = manifest.contents.iter().map(|(target, display)| {
        Element::new("content").with(reference("pReference", target, display.as_deref()))
    });
    let element = Element::with_capacity("DocumentManifest", 12)
        .with(Element::primitive("id", manifest.id))
        .with(parties::profile(DOCUMENT_MANIFEST_PROFILE))
        .with_opt(manifest.master)
        .with(Element::primitive("status", manifest.status))
        .with_opt(manifest.manifest_type)
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(manifest.created.map(|t| Element::primitive("created", t)))
        .with_opt(manifest.author)
        .with_opt(
            manifest
                .description
                .map(|t| Element::primitive("description", t)),
        )
        .with_all(contents);
    builder.add(Resource::from_element(element), SearchMode::Match);
}

/// A LOINC class code with its display.
#[derive(Clone, Copy)]
struct DocumentClass(&'static str, &'static str);

impl DocumentClass {
    fn into_class(self, name: &'static str) -> Element {
        Element::new(name).with(coding_of(Some("http://loinc.org"), self.0, Some(self.1)))
    }
}

/// Returns the class of a LOINC document type, when known.
fn document_class(code: &str) -> Option<DocumentClass> {
    DOCUMENT_CLASSES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, (class, display))| DocumentClass(class, display))
}

/// Returns the base64 text of an inline `ED` (whitespace removed), or `None` when the element
/// only refers to the content or is empty.
fn inline_base64(content: Node<'_, '_>) -> Option<String> {
    let pieces: Vec<&str> = content
        .children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let mut data = Vec::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        // Copies each run of base64 bytes at once, skipping whitespace between the runs.
        let mut rest = piece.as_bytes();
        while !rest.is_empty() {
            let run = rest
                .iter()
                .position(|&b| !BASE64_BYTES[usize::from(b)])
                .unwrap_or(rest.len());
            data.extend_from_slice(&rest[..run]);
            rest = &rest[run..];
            let spaces = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            if run == 0 && spaces == 0 {
                return None;
            }
            rest = &rest[spaces..];
        }
    }
    // Every byte passed the base64 table, so the text is ASCII and this cannot fail.
    String::from_utf8(data).ok().filter(|d| !d.is_empty())
}

/// The bytes that may appear in base64 text.
const BASE64_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
        byte += 1;
    }
    table
};

/// Builds the document's masterIdentifier: an OID or URN extension stays a URI, other ids keep
/// their identifier system.
fn master_identifier(id: Node<'_, '_>) -> Option<Element> {
    let root = id.attribute("root")?;
    let value = match id.attribute("extension") {
        Some(extension) if extension.starts_with("urn:") => extension.to_owned(),
        Some(_) => {
            let mut element = identifier(id)?;
            element.name = "masterIdentifier".into();
            return Some(element);
        }
        None => format!("urn:oid:{root}"),
    };
    Some(
        Element::new("masterIdentifier")
            .with(Element::primitive("system", "urn:ietf:rfc:3986"))
            .with(Element::primitive("value", value)),
    )
}

/// Adds the sending organization (`participant DIST`) and returns its reference and name.
fn sender(builder: &mut Builder<'_>, act: Node<'_, '_>) -> Option<(String, Option<String>)> {
    let entity = children(act, "participant")
        .find(|p| p.attribute("typeCode") == Some("DIST"))
        .and_then(|p| path(p, &["participantRole", "scopingEntity"]))?;
    let name = child(entity, "desc")
        .or_else(|| child(entity, "name"))
        .map(text)
        .filter(|n| !n.is_empty());
    let id = ids::of_node(entity).or_else(|| name.as_deref().map(ids::from_text))?;
    let organization = Element::with_capacity("Organization", 6)
        .with(Element::primitive("id", id))
        .with(parties::profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-organization",
        ))
        .with_all(children(entity, "id").filter_map(identifier))
        .with_opt(name.clone().map(|n| Element::primitive("name", n)));
    let target = builder.add_once(Resource::from_element(organization), SearchMode::Include);
    Some((target, name))
}

#[cfg(test)]
mod tests;
