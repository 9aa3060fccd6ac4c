//! Tests of answer checking against the public example batch and small synthetic answers.

use super::*;

fn reference_dir() -> std::path::PathBuf {
    match std::env::var_os("LSPPLUS_REFERENCE_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

fn example_batch() -> String {
    let path = reference_dir().join("hl7v3/ketenzorg-3.0.2/hl7v3_instance/episodes_bundle_01.xml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_query_id() -> Ii {
    Ii::new(
        "2.16.528.1.1007.3.3.1234567.1",
        Some("34745ef4-6429-4142-8efc-99e4714e887e"),
    )
}

fn bsn(digits: &str) -> Bsn {
    Bsn::parse(digits).unwrap()
}

#[test]
fn example_batch_is_accepted_with_issue() {
    let answer = check_answer(
        example_batch(),
        Interaction::EpisodesQuery,
        &example_query_id(),
        &bsn("900154858"),
    )
    .unwrap();
    assert_eq!(answer.ok_messages, 2);
    assert_eq!(answer.issues, ["AUTERR_SWV_FALSE"]);
}

#[test]
fn other_message_id_is_rejected() {
    let id = Ii::new("2.16.528.1.1007.3.3.1234567.1", Some("other"));
    let result = check_answer(
        example_batch(),
        Interaction::EpisodesQuery,
        &id,
        &bsn("900154858"),
    );
    assert_eq!(result, Err(AortaError::WrongMessage));
}

#[test]
fn bare_answer_with_other_id_rejected() {
    let xml = single("AA", "OK", None);
    let result = check_answer(
        xml,
        Interaction::EpisodesQuery,
        &Ii::new("1.2.3", Some("other")),
        &bsn("999911120"),
    );
    assert_eq!(result, Err(AortaError::WrongMessage));
}

#[test]
fn other_patient_is_rejected() {
    let result = check_answer(
        example_batch(),
        Interaction::EpisodesQuery,
        &example_query_id(),
        &bsn("999911120"),
    );
    assert_eq!(result, Err(AortaError::WrongPatient));
}

#[test]
fn answer_to_other_interaction_is_rejected() {
    let result = check_answer(
        example_batch(),
        Interaction::IntolerancesQuery,
        &example_query_id(),
        &bsn("900154858"),
    );
    assert!(
        matches!(result, Err(AortaError::Malformed(_))),
        "{result:?}"
    );
}

fn single(ack: &str, response_code: &str, issue: Option<&str>) -> String {
    let reason = issue
        .map(|code| {
            format!(
                "<reasonOf><justifiedDetectedIssue><code code=\"{code}\" \
                 codeSystem=\"2.16.840.1.113883.2.4.6.6.1.1000\"/></justifiedDetectedIssue></reasonOf>"
            )
        })
        .unwrap_or_default();
    format!(
        r#"<REPC_IN990111NL xmlns="urn:hl7-org:v3">
  <id root="2.16.840.1.113883.2.4.6.6.1.1" extension="9"/>
  <interactionId root="2.16.840.1.113883.1.6" extension="REPC_IN990111NL"/>
  <acknowledgement typeCode="{ack}"><targetMessage><id root="1.2.3" extension="q1"/></targetMessage></acknowledgement>
  <ControlActProcess moodCode="EVN">{reason}<queryAck><queryResponseCode code="{response_code}"/></queryAck></ControlActProcess>
</REPC_IN990111NL>"#
    )
}

#[test]
fn lsp_error_and_not_found_are_typed() {
    let id = Ii::new("1.2.3", Some("q1"));
    let patient = bsn("999911120");
    let cases = [
        (
            single("AE", "AE", Some("RTEDEST")),
            AortaError::DestinationTimeout,
        ),
        (
            single("AE", "AE", Some("KEY204")),
            AortaError::NotRegistered,
        ),
        (single("AE", "AE", None), AortaError::Lsp("AE".to_owned())),
        (single("AA", "NF", None), AortaError::NotFound),
    ];
    for (xml, expected) in cases {
        let result = check_answer(xml, Interaction::EpisodesQuery, &id, &patient);
        assert_eq!(result, Err(expected));
    }
}

#[test]
fn soap_fault_and_garbage_are_typed() {
    let id = Ii::new("1.2.3", Some("q1"));
    let patient = bsn("999911120");
    let fault = format!(
        "<s:Envelope xmlns:s=\"{}\"><s:Body><s:Fault><faultcode>s:Server</faultcode>\
         <faultstring>down</faultstring></s:Fault></s:Body></s:Envelope>",
        crate::soap::SOAP_NS
    );
    assert_eq!(
        check_answer(fault, Interaction::EpisodesQuery, &id, &patient),
        Err(AortaError::SoapFault {
            code: "s:Server".to_owned(),
            reason: "down".to_owned()
        })
    );
    let truncated = single("AA", "OK", None)[..120].to_owned();
    assert!(matches!(
        check_answer(truncated, Interaction::EpisodesQuery, &id, &patient),
        Err(AortaError::Malformed(_))
    ));
}
