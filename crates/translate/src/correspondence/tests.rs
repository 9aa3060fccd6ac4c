//! Tests of the correspondence translation with a response laid out as crates/sim-his writes it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{Context, translate};
use fhir::Resource;

const BASE: &str = "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/51";
/// "%PDF-1.4\n" in base64, split over lines as some systems send it.
const PDF_B64: &str = "JVBERi0x\n      LjQK";

fn letter(id: &str, code: &str, display: &str, status: &str, content: &str) -> String {
    format!(
        r#"<component typeCode="COMP"><act classCode="ACT" moodCode="EVN">
  <id root="2.16.840.1.113883.2.4.6.6.4001.13" extension="{id}"/>
  <code code="{code}" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="{display}"/>
  <text>Ontslagbrief cardiologie</text>
  <statusCode code="{status}"/>
  <effectiveTime value="20240312"/>
  <participant typeCode="DIST"><participantRole classCode="ASSIGNED">
    <scopingEntity classCode="ORG" determinerCode="INSTANCE"><desc>Ziekenhuis Noord</desc></scopingEntity>
  </participantRole></participant>
  <entryRelationship typeCode="REFR"><act classCode="ACT" moodCode="EVN">
    <id root="2.16.840.1.113883.2.4.6.6.4001.6" extension="e1"/>
    <code code="CONC" codeSystem="2.16.840.1.113883.5.6"/></act></entryRelationship>
  <reference typeCode="REFR"><externalDocument classCode="DOC" moodCode="EVN">
    <id root="2.16.840.1.113883.2.4.6.6.4001.13" extension="{id}-pdf"/>
    <code code="{code}" codeSystem="2.16.840.1.113883.6.1" displayName="{display}"/>
    {content}
  </externalDocument></reference>
</act></component>"#
    )
}

fn answer(components: &str) -> String {
    format!(
        r#"<QUCO_IN990003NL01 xmlns="urn:hl7-org:v3">
  <id root="2.16.840.1.113883.2.4.6.6.4001.1" extension="m1"/>
  <interactionId root="2.16.840.1.113883.1.6" extension="QUCO_IN990003NL01"/>
  <acknowledgement typeCode="AA"><targetMessage><id root="1.2.3" extension="q1"/></targetMessage></acknowledgement>
  <ControlActProcess moodCode="EVN">
    <subject><organizer classCode="CLUSTER" moodCode="EVN">
      <code code="11503-0" codeSystem="2.16.840.1.113883.6.1" displayName="Medical records"/>
      <statusCode code="completed"/>
      <recordTarget typeCode="RCT"><patientRole><id root="2.16.840.1.113883.2.4.6.3" extension="999911120"/>
        <patient><name><given>Jan</given><family qualifier="BR">XXX_Test</family></name></patient>
      </patientRole></recordTarget>
      {components}
    </organizer></subject>
    <queryAck><queryResponseCode code="OK"/></queryAck>
  </ControlActProcess>
</QUCO_IN990003NL01>"#
    )
}

fn inline() -> String {
    format!(r#"<text mediaType="application/pdf" representation="B64">{PDF_B64}</text>"#)
}

fn of_type<'a>(resources: &'a [Resource], resource_type: &str) -> Vec<&'a fhir::Element> {
    resources
        .iter()
        .filter(|r| r.resource_type() == resource_type)
        .map(|r| &r.element)
        .collect()
}

fn value<'a>(element: &'a fhir::Element, steps: &[&str]) -> Option<&'a str> {
    let mut current = element;
    for step in steps {
        current = current.child(step)?;
    }
    current.value.as_deref()
}

#[test]
fn letter_becomes_binary_document_reference_and_manifest() {
    let xml = answer(&letter(
        "L1",
        "68688-1",
        "Neurological surgery Discharge summary",
        "completed",
        &inline(),
    ));
    let translation = translate(&xml, &Context::new(BASE)).unwrap();
    let resources = &translation.resources;

    let binaries = of_type(resources, "Binary");
    assert_eq!(binaries.len(), 1);
    let binary = binaries[0];
    assert_eq!(binary.child_value("contentType"), Some("application/pdf"));
    assert_eq!(binary.child_value("content"), Some("JVBERi0xLjQK"));
    let binary_id = binary.child_value("id").unwrap();

    let documents = of_type(resources, "DocumentReference");
    assert_eq!(documents.len(), 1);
    let document = documents[0];
    assert_eq!(
        value(document, &["meta", "profile"]),
        Some("http://nictiz.nl/fhir/StructureDefinition/IHE.MHD.Minimal.DocumentReference")
    );
    assert_eq!(document.child_value("status"), Some("current"));
    assert_eq!(
        value(document, &["content", "attachment", "url"]),
        Some(format!("{BASE}/Binary/{binary_id}").as_str())
    );
    assert_eq!(
        value(document, &["content", "attachment", "contentType"]),
        Some("application/pdf")
    );
    assert_eq!(
        value(document, &["type", "coding", "code"]),
        Some("68688-1")
    );
    assert_eq!(
        value(document, &["class", "coding", "code"]),
        Some("18842-5")
    );
    assert_eq!(
        document.child_value("indexed"),
        Some("2024-03-12T00:00:00+01:00")
    );
    assert_eq!(
        value(document, &["masterIdentifier", "value"]),
        Some("L1-pdf")
    );
    assert_eq!(
        value(document, &["subject", "reference"]),
        Some("Patient/patient")
    );
    assert_eq!(
        value(document, &["author", "display"]),
        Some("Ziekenhuis Noord")
    );
    assert!(
        document.child("created").is_none(),
        "created is 0..0 in the profile"
    );
    assert!(
        value(document, &["content", "attachment", "data"]).is_none(),
        "data is 0..0 in the profile"
    );

    let manifests = of_type(resources, "DocumentManifest");
    assert_eq!(manifests.len(), 1);
    let manifest = manifests[0];
    assert_eq!(manifest.child_value("status"), Some("current"));
    assert_eq!(
        value(manifest, &["type", "coding", "code"]),
        Some("18842-5")
    );
    assert_eq!(
        manifest.child_value("created"),
        Some("2024-03-12T00:00:00+01:00")
    );
    let document_id = document.child_value("id").unwrap();
    assert_eq!(
        value(manifest, &["content", "pReference", "reference"]),
        Some(format!("DocumentReference/{document_id}").as_str())
    );
    let organizations = of_type(resources, "Organization");
    assert_eq!(organizations.len(), 1);
    assert_eq!(
        organizations[0].child_value("name"),
        Some("Ziekenhuis Noord")
    );
    assert!(!xml_contains_bsn(&translation));
}

fn xml_contains_bsn(translation: &crate::Translation) -> bool {
    translation
        .resources
        .iter()
        .any(|r| r.to_json().contains("999911120"))
}

#[test]
fn listing_and_statuses_map() {
    let listing = r#"<text mediaType="application/pdf"><reference value="https://his.example/doc/2"/></text>"#;
    let components = letter("L2", "34781-5", "Consult note", "nullified", listing)
        + &letter("L3", "99999-9", "Other", "obsolete", &inline());
    let translation = translate(&answer(&components), &Context::new(BASE)).unwrap();
    let resources = &translation.resources;
    assert_eq!(of_type(resources, "Binary").len(), 1);
    let documents = of_type(resources, "DocumentReference");
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0].child_value("status"), Some("entered-in-error"));
    assert_eq!(
        value(documents[0], &["class", "coding", "code"]),
        Some("11488-4")
    );
    assert_eq!(documents[1].child_value("status"), Some("superseded"));
    assert!(documents[1].child("class").is_none());
    // Without a known class, the manifest takes the document type.
    let manifests = of_type(resources, "DocumentManifest");
    assert_eq!(
        value(manifests[1], &["type", "coding", "code"]),
        Some("99999-9")
    );
    // One sending organization for both letters.
    assert_eq!(of_type(resources, "Organization").len(), 1);
}

#[test]
fn invalid_base64_is_not_passed_on() {
    let broken = r#"<text mediaType="application/pdf" representation="B64">not base64!</text>"#;
    let xml = answer(&letter("L4", "68688-1", "x", "completed", broken));
    let translation = translate(&xml, &Context::new(BASE)).unwrap();
    assert!(of_type(&translation.resources, "Binary").is_empty());
    assert_eq!(
        of_type(&translation.resources, "DocumentReference").len(),
        1
    );
}

#[test]
fn document_set_becomes_one_manifest_with_every_letter() {
    let set = format!(
        r#"<component typeCode="COMP"><organizer classCode="CLUSTER" moodCode="EVN">
  <id root="1.2.276.0.7230010.3.1.2.42"/>
  <code code="73575-3" codeSystem="2.16.840.1.113883.6.1" displayName="Radiology Consult note"/>
  <text>Kopie van ontslagbrief</text>
  <statusCode code="completed"/>
  <effectiveTime value="20240301"/>
  {}{}
</organizer></component>"#,
        letter("L1", "68688-1", "Ontslagbrief", "obsolete", &inline()),
        letter("L2", "34781-5", "Verwijsbrief", "completed", &inline()),
    );
    let xml = answer(&format!(
        "{}{set}",
        letter("L3", "11488-4", "Consultverslag", "completed", &inline())
    ));

    let translation = translate(&xml, &Context::new(BASE)).unwrap();

    let references = of_type(&translation.resources, "DocumentReference");
    assert_eq!(references.len(), 3);
    let manifests = of_type(&translation.resources, "DocumentManifest");
    assert_eq!(
        manifests.len(),
        2,
        "one for the loose letter, one for the set"
    );
    let set = manifests
        .iter()
        .find(|m| value(m, &["type", "coding", "code"]) == Some("73575-3"))
        .unwrap();
    assert_eq!(value(set, &["status"]), Some("current"));
    assert_eq!(value(set, &["created"]), Some("2024-03-01T00:00:00+01:00"));
    assert_eq!(
        value(set, &["masterIdentifier", "value"]),
        Some("urn:oid:1.2.276.0.7230010.3.1.2.42")
    );
    assert_eq!(value(set, &["description"]), Some("Kopie van ontslagbrief"));
    let contents: Vec<&str> = set
        .children_named("content")
        .filter_map(|c| value(c, &["pReference", "reference"]))
        .collect();
    assert_eq!(contents.len(), 2);
    let statuses: Vec<Option<&str>> = references
        .iter()
        .filter(|r| {
            contents
                .iter()
                .any(|c| c.ends_with(value(r, &["id"]).unwrap_or("?")))
        })
        .map(|r| value(r, &["status"]))
        .collect();
    assert_eq!(statuses, [Some("superseded"), Some("current")]);
}

#[test]
fn empty_document_set_adds_no_manifest() {
    let xml = answer(
        r#"<component typeCode="COMP"><organizer classCode="CLUSTER" moodCode="EVN">
  <id root="1.2.3.4"/><statusCode code="completed"/></organizer></component>"#,
    );

    let translation = translate(&xml, &Context::new(BASE)).unwrap();

    assert!(of_type(&translation.resources, "DocumentManifest").is_empty());
}
