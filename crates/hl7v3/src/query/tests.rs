//! Tests of query writing and reading, including schema validation of the wrappers.

use super::*;
use time::macros::{date, datetime};

fn author() -> QueryAuthor {
    QueryAuthor {
        uzi_system_number: "00001234".to_owned(),
        ura: "00009999".to_owned(),
        org_name: "lspplus <demo> & co".to_owned(),
    }
}

fn query(interaction: Interaction) -> QueryMessage {
    let mut query = QueryMessage::new(
        interaction,
        Bsn::parse("999911120").unwrap(),
        author(),
        "4003",
        "4001",
        datetime!(2026-12-04 21:30:05 UTC),
    );
    query.period = Some((date!(2025 - 10 - 04), Some(date!(2026 - 12 - 04))));
    query
}

const QUERIES: [Interaction; 9] = [
    Interaction::EpisodesQuery,
    Interaction::JournalQuery,
    Interaction::EncountersQuery,
    Interaction::LabQuery,
    Interaction::MeasurementsQuery,
    Interaction::IntolerancesQuery,
    Interaction::AlertsQuery,
    Interaction::MedicationAgreementsQuery,
    Interaction::CorrespondenceQuery,
];

#[test]
fn written_query_reads_back() {
    for interaction in QUERIES {
        let sent = query(interaction);
        let xml = sent.to_xml().unwrap();
        let doc = crate::dom::Document::parse(&xml, 1000).unwrap();
        let received = parse_query(doc.root_element()).unwrap();
        assert_eq!(received.interaction, interaction);
        assert_eq!(received.message_id, sent.message_id);
        assert_eq!(received.query_id.as_ref(), Some(&sent.query_id));
        assert_eq!(received.sender_app_id, "4003");
        assert_eq!(received.receiver_app_id, "4001");
        assert_eq!(received.bsn.as_str(), "999911120");
        assert_eq!(received.period, sent.period);
        assert_eq!(
            received.trigger_event.as_deref(),
            Some(sent.trigger_event().as_str())
        );
    }
}

#[test]
fn wrapper_has_aorta_fixed_values() {
    let xml = query(Interaction::EpisodesQuery).to_xml().unwrap();
    for expected in [
        r#"<versionCode code="NICTIZEd2005-Okt"/>"#,
        r#"<interactionId root="2.16.840.1.113883.1.6" extension="REPC_IN990110NL"/>"#,
        r#"<profileId root="2.16.840.1.113883.2.4.3.11.1" extension="810"/>"#,
        r#"<processingCode code="P"/>"#,
        r#"<processingModeCode code="T"/>"#,
        r#"<acceptAckCode code="NE"/>"#,
        r#"<creationTime value="20261204213005"/>"#,
        r#"<code code="REPC_TE990110NL" codeSystem="2.16.840.1.113883.1.18"/>"#,
        r#"<keyWordText code="CONTEXT" codeSystem="2.16.840.1.113883.2.4.15.1">ContextCode</keyWordText>"#,
        r#"<id root="2.16.528.1.1007.3.2" extension="00001234"/>"#,
        r#"<id root="2.16.528.1.1007.3.3" extension="00009999"/>"#,
        r#"<overseer typeCode="RESP">"#,
        r#"<value root="2.16.840.1.113883.2.4.6.3" extension="999911120"/>"#,
        r#"<low value="20251004" inclusive="true"/>"#,
        "<name>lspplus &lt;demo&gt; &amp; co</name>",
    ] {
        assert!(xml.contains(expected), "missing {expected} in\n{xml}");
    }
}

#[test]
fn encounters_query_uses_uv02_trigger_event() {
    assert_eq!(
        trigger_event(Interaction::EncountersQuery),
        "PRPA_TE900300UV02"
    );
    assert_eq!(trigger_event(Interaction::LabQuery), "POLB_TE354001NL03");
    assert_eq!(
        trigger_event(Interaction::CorrespondenceQuery),
        "QUCO_TE990001NL01"
    );
}

#[test]
fn message_ids_are_unique_per_query() {
    let first = query(Interaction::EpisodesQuery);
    let second = query(Interaction::EpisodesQuery);
    assert_ne!(first.message_id, second.message_id);
    assert_ne!(first.query_id, second.query_id);
    assert_eq!(first.message_id.root, "2.16.528.1.1007.3.3.9999.1");
    assert_eq!(oid_arc("000"), "0");
}

#[test]
fn answers_and_bad_ids_are_rejected() {
    let mut answer = query(Interaction::EpisodesQuery);
    answer.interaction = Interaction::Episodes;
    assert!(matches!(answer.to_xml(), Err(QueryError::NotAQuery(_))));
    let mut bad = query(Interaction::EpisodesQuery);
    bad.receiver_app_id = "40\"01".to_owned();
    assert!(matches!(bad.to_xml(), Err(QueryError::InvalidField { .. })));
}

#[test]
fn parse_rejects_mismatch_and_bad_bsn() {
    let xml = query(Interaction::EpisodesQuery).to_xml().unwrap();
    let renamed = xml.replace(
        "extension=\"REPC_IN990110NL\"",
        "extension=\"REPC_IN990130NL\"",
    );
    let doc = crate::dom::Document::parse(&renamed, 1000).unwrap();
    assert!(matches!(
        parse_query(doc.root_element()),
        Err(ParseQueryError::InteractionMismatch { .. })
    ));
    let bad_bsn = xml.replace("extension=\"999911120\"", "extension=\"999911121\"");
    let doc = crate::dom::Document::parse(&bad_bsn, 1000).unwrap();
    assert_eq!(
        parse_query(doc.root_element()),
        Err(ParseQueryError::InvalidBsn)
    );
}

/// A scratch directory removed on drop (the hl7v3 crate has no tempfile dependency).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let path =
            std::env::temp_dir().join(format!("hl7v3-query-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resolves the shared reference directory as the project rules describe.
fn reference_dir() -> std::path::PathBuf {
    match std::env::var_os("LSPPLUS_REFERENCE_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

/// A schema that declares the query interactions with the AORTA transmission wrapper and query
/// ControlAct wrapper from the reference set. No payload schema for the Ketenzorg queries is
/// public, so `queryByParameter` is declared here to match what lspplus writes.
fn test_schema(schemas: &std::path::Path) -> String {
    let elements: String = QUERIES
        .iter()
        .map(|i| format!(r#"<xs:element name="{i}" type="MCCI_MT000100.Message"/>"#))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema targetNamespace="urn:hl7-org:v3" xmlns="urn:hl7-org:v3"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:include schemaLocation="{mcci}"/>
  <xs:include schemaLocation="{quqi}"/>
  {elements}
  <xs:group name="QueryByParameterPayload"><xs:sequence>
    <xs:element name="queryByParameter" type="Test.QueryByParameter"/>
  </xs:sequence></xs:group>
  <xs:complexType name="Test.QueryByParameter"><xs:sequence>
    <xs:element name="queryId" type="II"/>
    <xs:element name="statusCode" type="CS"/>
    <xs:element name="responseModalityCode" type="CS"/>
    <xs:element name="responsePriorityCode" type="CS"/>
    <xs:element name="patientID" type="Test.IdParameter"/>
    <xs:element name="effectiveTime" type="Test.PeriodParameter" minOccurs="0"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="Test.IdParameter"><xs:sequence>
    <xs:element name="value" type="II"/><xs:element name="semanticsText" type="ST"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="Test.PeriodParameter"><xs:sequence>
    <xs:element name="value" type="IVL_TS"/><xs:element name="semanticsText" type="ST"/>
  </xs:sequence></xs:complexType>
</xs:schema>"#,
        mcci = schemas.join("MCCI_MT000100.xsd").display(),
        quqi = schemas.join("QUQI_MT021001_OPT_OV.xsd").display(),
    )
}

#[test]
fn wrappers_validate_against_aorta_schemas() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output();
    if xmllint.is_err() {
        assert!(
            !ci,
            "xmllint is required in CI (apt-get install -y libxml2-utils)"
        );
        eprintln!(
            "skipping schema validation: xmllint not installed (apt-get install -y libxml2-utils)"
        );
        return;
    }
    let schemas = reference_dir().join("hl7v3/aorta-schemas/hl7v3_schemas");
    assert!(
        schemas.is_dir(),
        "reference schemas not found at {}",
        schemas.display()
    );
    let dir = TempDir::new();
    let schema = dir.path().join("queries.xsd");
    std::fs::write(&schema, test_schema(&schemas.canonicalize().unwrap())).unwrap();
    for interaction in QUERIES {
        for with_period in [true, false] {
            let mut message = query(interaction);
            if !with_period {
                message.period = None;
            }
            let file = dir.path().join(format!("{interaction}-{with_period}.xml"));
            std::fs::write(&file, message.to_xml().unwrap()).unwrap();
            let output = std::process::Command::new("xmllint")
                .args(["--noout", "--nonet", "--schema"])
                .arg(&schema)
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{interaction} does not validate:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

#[test]
fn schema_check_catches_wrong_wrapper() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: xmllint not installed");
        return;
    }
    let schemas = reference_dir().join("hl7v3/aorta-schemas/hl7v3_schemas");
    let dir = TempDir::new();
    let schema = dir.path().join("queries.xsd");
    std::fs::write(&schema, test_schema(&schemas.canonicalize().unwrap())).unwrap();
    // The transmission wrapper requires acceptAckCode before attentionLine.
    let broken = query(Interaction::EpisodesQuery)
        .to_xml()
        .unwrap()
        .replace(r#"<acceptAckCode code="NE"/>"#, "");
    let file = dir.path().join("broken.xml");
    std::fs::write(&file, broken).unwrap();
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
}
