//! Unit tests of the translation entry point: empty and not-found answers, LSP errors, missing
//! optional parts, the masked BSN and deterministic output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const BSN: &str = "999911120";

fn episodes_answer(response_code: &str, components: &str) -> String {
    format!(
        r#"<REPC_IN990111NL xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <id root="2.16.840.1.113883.2.4.6.6.70000020.1" extension="m1"/>
  <interactionId root="2.16.840.1.113883.1.6" extension="REPC_IN990111NL"/>
  <acknowledgement typeCode="AA"><targetMessage><id root="1.2.3" extension="q1"/></targetMessage></acknowledgement>
  <ControlActProcess moodCode="EVN">
    <authorOrPerformer typeCode="AUT"><participant><AssignedDevice>
      <Organization><id root="2.16.528.1.1007.3.3" extension="00001111"/><name>Huisartsenpraktijk De Linde</name></Organization>
    </AssignedDevice></participant></authorOrPerformer>
    <subject><organizer classCode="CLUSTER" moodCode="EVN">
      <recordTarget><patientRole><id root="2.16.840.1.113883.2.4.6.3" extension="{BSN}"/>
        <patient><name><given>Jan</given><family qualifier="BR">XXX_Test</family></name>
        <administrativeGenderCode code="M" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19800101"/></patient>
      </patientRole></recordTarget>
      {components}
    </organizer></subject>
    <queryAck><queryResponseCode code="{response_code}"/></queryAck>
  </ControlActProcess>
</REPC_IN990111NL>"#
    )
}

const CONCERN: &str = r#"<component><act classCode="ACT" moodCode="EVN">
  <templateId root="2.16.840.1.113883.2.4.3.11.60.66.10.212"/>
  <id root="1.2.3.4" extension="e1"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
  <text>Astma</text><statusCode code="completed"/>
  <effectiveTime><low value="201502031200"/><high value="20160101"/></effectiveTime>
  <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
    <templateId root="2.16.840.1.113883.2.4.3.11.60.66.10.213"/><id root="1.2.3.4" extension="p1"/>
    <code code="282291009" codeSystem="2.16.840.1.113883.6.96" displayName="Diagnosis"/>
    <effectiveTime><low value="20150203"/></effectiveTime>
    <value xsi:type="CD" code="R96" codeSystem="9.9.9.9" displayName="Astma"/>
  </observation></entryRelationship>
</act></component>"#;

const BARE_CONCERN: &str = r#"<component><act classCode="ACT" moodCode="EVN">
  <id root="1.2.3.4" extension="e2"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
</act></component>"#;

fn ctx() -> Context {
    Context::new("https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49/")
}

fn types(translation: &Translation) -> Vec<&str> {
    translation
        .resources
        .iter()
        .map(Resource::resource_type)
        .collect()
}

#[test]
fn not_found_answer_is_empty() {
    let translation = translate(&episodes_answer("NF", ""), &ctx()).unwrap();
    assert!(translation.resources.is_empty());
    assert!(translation.issues.is_empty());
}

#[test]
fn answer_without_components_is_empty() {
    let translation = translate(&episodes_answer("OK", ""), &ctx()).unwrap();
    assert!(translation.resources.is_empty());
}

#[test]
fn episode_maps_status_period_and_condition() {
    let translation = translate(&episodes_answer("OK", CONCERN), &ctx()).unwrap();
    assert_eq!(
        types(&translation),
        vec!["EpisodeOfCare", "Patient", "Organization", "Condition"]
    );
    let episode = &translation.resources[0].element;
    assert_eq!(episode.child_value("status"), Some("finished"));
    let period = episode.child("period").unwrap();
    assert_eq!(
        period.child_value("start"),
        Some("2015-02-03T12:00:00+01:00")
    );
    assert_eq!(period.child_value("end"), Some("2016-01-01"));
    let condition = &translation.resources[3].element;
    assert_eq!(condition.child_value("clinicalStatus"), Some("inactive"));
    let code = condition.child("code").unwrap().child("coding").unwrap();
    assert_eq!(code.child_value("system"), Some("urn:oid:9.9.9.9"));
}

#[test]
fn missing_optional_parts_are_left_out() {
    let translation = translate(&episodes_answer("OK", BARE_CONCERN), &ctx()).unwrap();
    let episode = &translation.resources[0].element;
    assert!(episode.child("period").is_none());
    assert!(episode.child("diagnosis").is_none());
    assert!(episode.child("extension").is_none());
    assert_eq!(episode.child_value("status"), Some("active"));
}

#[test]
fn patient_never_carries_the_bsn() {
    let translation = translate(&episodes_answer("OK", CONCERN), &ctx()).unwrap();
    let bundle = translation.to_bundle(
        &ctx(),
        "https://lspplus.localhost:8441/fhir/x/49/EpisodeOfCare",
    );
    assert!(!bundle.to_json().contains(BSN));
    assert!(!bundle.to_xml().contains(BSN));
    let patient = translation
        .resources
        .iter()
        .find(|r| r.resource_type() == "Patient")
        .unwrap();
    let value = patient
        .element
        .child("identifier")
        .unwrap()
        .child("value")
        .unwrap();
    assert!(value.value.is_none());
    assert_eq!(patient.id(), Some("patient"));
}

#[test]
fn output_is_deterministic() {
    let first = translate(&episodes_answer("OK", CONCERN), &ctx()).unwrap();
    let second = translate(&episodes_answer("OK", CONCERN), &ctx()).unwrap();
    assert_eq!(first.resources, second.resources);
}

#[test]
fn bundle_full_urls_use_the_base_url() {
    let translation = translate(&episodes_answer("OK", CONCERN), &ctx()).unwrap();
    let bundle = translation.to_bundle(&ctx(), "https://self");
    let json = bundle.to_json();
    assert!(json.contains(r#""fullUrl":"https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare/1.2.3.4-e1""#), "{json}");
    assert!(json.contains(r#""total":1"#));
}

#[test]
fn lsp_error_becomes_operation_outcome_issue() {
    let answer = r#"<REPC_IN990111NL xmlns="urn:hl7-org:v3"><id root="1" extension="2"/>
      <interactionId root="2.16.840.1.113883.1.6" extension="REPC_IN990111NL"/>
      <acknowledgement typeCode="AE"/>
      <ControlActProcess><reasonOf><justifiedDetectedIssue>
        <code code="AUTERR_MEDISCH" codeSystem="2.16.840.1.113883.2.4.6.6.1.1000" displayName="Geen toestemming"/>
      </justifiedDetectedIssue></reasonOf><queryAck><queryResponseCode code="AE"/></queryAck></ControlActProcess>
    </REPC_IN990111NL>"#;
    let translation = translate(answer, &ctx()).unwrap();
    assert!(translation.resources.is_empty());
    assert_eq!(translation.issues.len(), 1);
    assert_eq!(translation.issues[0].code, "forbidden");
    assert_eq!(
        translation.issues[0].details_text.as_deref(),
        Some("Geen toestemming")
    );
}

#[test]
fn unsupported_interaction_is_an_error() {
    let answer = r#"<QUPC_IN990002NL xmlns="urn:hl7-org:v3"><id root="1"/>
      <interactionId root="2.16.840.1.113883.1.6" extension="QUPC_IN990002NL"/>
      <ControlActProcess><subject><organizer/></subject></ControlActProcess></QUPC_IN990002NL>"#;
    assert!(
        matches!(translate(answer, &ctx()), Err(TranslateError::Unsupported(id)) if id == "QUPC_IN990002NL")
    );
}
