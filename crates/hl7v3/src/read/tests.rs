//! Unit tests for reading AORTA answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn answer(interaction: &str, ack: &str, response_code: &str, extra: &str) -> String {
    format!(
        r#"<{interaction} xmlns="urn:hl7-org:v3">
  <id root="2.16.840.1.113883.2.4.6.6.70000020.1" extension="m-1"/>
  <interactionId root="2.16.840.1.113883.1.6" extension="{interaction}"/>
  <acknowledgement typeCode="{ack}">
    <acknowledgementDetail typeCode="E"><code code="SYN105"/><text>bad syntax</text></acknowledgementDetail>
    <targetMessage><id root="2.16.840.1.113883.2.4.6.6.4003.1" extension="q-1"/></targetMessage>
  </acknowledgement>
  <sender><device><id root="2.16.840.1.113883.2.4.6.6" extension="70000020"/></device></sender>
  <ControlActProcess moodCode="EVN">
    {extra}
    <subject><organizer><recordTarget><patientRole>
      <id root="2.16.840.1.113883.2.4.6.3" extension="999911120"/>
    </patientRole></recordTarget></organizer></subject>
    <queryAck><queryResponseCode code="{response_code}"/></queryAck>
  </ControlActProcess>
</{interaction}>"#
    )
}

#[test]
fn bare_interaction() {
    let xml = answer("REPC_IN990111NL", "AA", "OK", "");
    let doc = parse(&xml).unwrap();
    let messages = messages(&doc).unwrap();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.interaction_id, "REPC_IN990111NL");
    assert_eq!(message.interaction(), Some(crate::Interaction::Episodes));
    assert_eq!(message.id.extension.as_deref(), Some("m-1"));
    assert_eq!(message.query_response_code.as_deref(), Some("OK"));
    assert_eq!(message.patient_bsns(), vec!["999911120".to_owned()]);
    assert_eq!(message.subjects().len(), 1);
    assert!(!message.is_error());
}

#[test]
fn acknowledgement_details() {
    let xml = answer("REPC_IN990111NL", "AE", "AE", "");
    let doc = parse(&xml).unwrap();
    let message = &messages(&doc).unwrap()[0];
    let ack = message.acknowledgement.as_ref().unwrap();
    assert_eq!(ack.type_code, "AE");
    assert_eq!(
        ack.target_message_id,
        Some(Ii::new("2.16.840.1.113883.2.4.6.6.4003.1", Some("q-1")))
    );
    assert_eq!(
        ack.details,
        vec![AckDetail {
            code: "SYN105".into(),
            text: "bad syntax".into()
        }]
    );
    assert!(message.is_error());
}

#[test]
fn detected_issues_and_not_found() {
    let issue = r#"<reasonOf><justifiedDetectedIssue><code code="AUTERR_SWV_FALSE" codeSystem="2.16.840.1.113883.2.4.6.6.1.1000" displayName="elders"/></justifiedDetectedIssue></reasonOf>"#;
    let xml = answer("REPC_IN990131NL", "AA", "NF", issue);
    let doc = parse(&xml).unwrap();
    let message = &messages(&doc).unwrap()[0];
    assert_eq!(message.detected_issues, vec!["AUTERR_SWV_FALSE".to_owned()]);
    assert_eq!(message.detected_issue_details[0].display, "elders");
    assert_eq!(message.query_response_code.as_deref(), Some("NF"));
}

#[test]
fn soap_batch_is_unwrapped() {
    let batch = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body>
<MCCI_IN200101 xmlns="urn:hl7-org:v3"><id root="1.2" extension="b"/>
<interactionId root="2.16.840.1.113883.1.6" extension="MCCI_IN200101"/>
<transmissionQuantity value="2"/>{}{}</MCCI_IN200101></s:Body></s:Envelope>"#,
        answer("PRPA_IN900350NL", "AA", "OK", ""),
        answer("REPC_IN990101NL", "AA", "NF", "")
    );
    let doc = parse(&batch).unwrap();
    let ids: Vec<String> = messages(&doc)
        .unwrap()
        .into_iter()
        .map(|m| m.interaction_id)
        .collect();
    assert_eq!(ids, vec!["PRPA_IN900350NL", "REPC_IN990101NL"]);
}

#[test]
fn http_capture_is_unwrapped() {
    let capture = format!(
        r#"<httpclient:response xmlns:httpclient="http://exist-db.org/xquery/httpclient" statusCode="200">
<httpclient:headers/><httpclient:body type="xml"><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{}</soap:Body></soap:Envelope></httpclient:body></httpclient:response>"#,
        answer("REPC_IN990121NL", "AA", "OK", "")
    );
    let doc = parse(&capture).unwrap();
    assert_eq!(messages(&doc).unwrap()[0].interaction_id, "REPC_IN990121NL");
}

#[test]
fn dtd_is_rejected() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>"#;
    assert!(matches!(parse(xml), Err(ReadError::Dtd)));
    assert!(matches!(parse("<!doctype x><x/>"), Err(ReadError::Dtd)));
}

#[test]
fn oversized_input_is_rejected() {
    let xml = " ".repeat(MAX_MESSAGE_BYTES + 1);
    assert!(matches!(parse(&xml), Err(ReadError::TooLarge { .. })));
}

#[test]
fn missing_interaction_is_an_error() {
    let doc = parse("<Envelope><Body><nothing/></Body></Envelope>").unwrap();
    assert!(matches!(messages(&doc), Err(ReadError::NoInteraction(name)) if name == "Envelope"));
    assert!(matches!(parse("<a><b></a>"), Err(ReadError::Xml(_))));
}

#[test]
fn missing_id_names_the_element_path() {
    let xml = r#"<Envelope><Body><REPC_IN990111NL xmlns="urn:hl7-org:v3">
        <interactionId root="2.16.840.1.113883.1.6" extension="REPC_IN990111NL"/>
    </REPC_IN990111NL></Body></Envelope>"#;
    let doc = parse(xml).unwrap();

    let error = messages(&doc).unwrap_err();

    assert!(
        matches!(&error, ReadError::MissingElement { path, missing: "id" } if path == "/Envelope/Body/REPC_IN990111NL"),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "element /Envelope/Body/REPC_IN990111NL has no id"
    );
}

#[test]
fn truncated_answer_is_a_syntax_error_with_position() {
    let full = answer("REPC_IN990121NL", "AA", "OK", "");
    let truncated = &full[..full.len() / 2];

    let error = parse(truncated).unwrap_err();

    assert!(matches!(error, ReadError::Xml(_)), "{error}");
    assert!(error.to_string().contains(':'), "no position in {error}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // 3 million nested elements: more than MAX_NODES, far below MAX_MESSAGE_BYTES.
    let depth = 3_000_000;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));

    let error = parse(&xml).unwrap_err();

    assert!(
        matches!(&error, ReadError::Xml(crate::dom::Error::TooDeep { limit, path })
            if *limit == MAX_DEPTH && path.ends_with("/a/a")),
        "{error}"
    );
}

#[test]
fn nesting_at_the_limit_has_no_interaction() {
    let depth = MAX_DEPTH as usize;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let doc = parse(&xml).unwrap();

    assert!(matches!(messages(&doc), Err(ReadError::NoInteraction(_))));
}
