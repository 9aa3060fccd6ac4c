//! Unit tests of the episodes translation: the Patient's general practitioner and the attentiewaarde
//! Flag on an episode, checked against the OPEN disclosure rule for episodes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

use crate::{Context, translate};

const GP: &str = r#"<participant typeCode="CST"><participantRole classCode="ASSIGNED">
  <id root="2.16.528.1.1007.3.1" extension="900012345"/>
  <code code="01.015" codeSystem="2.16.840.1.113883.2.4.15.111" displayName="Huisarts"/>
  <playingEntity classCode="PSN" determinerCode="INSTANCE"><name><family>Jansen</family></name></playingEntity>
  <scopingEntity classCode="ORG" determinerCode="INSTANCE"><id root="2.16.528.1.1007.3.3" extension="00001111"/><desc>Huisartsenpraktijk De Linde</desc></scopingEntity>
</participantRole></participant>"#;

const ATTENTIEWAARDE: &str = r#"<entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
  <templateId root="2.16.840.1.113883.2.4.3.11.60.66.10.214"/><id root="1.2.3.5" extension="attentiewaarde-e1"/>
  <code code="74018-3" codeSystem="2.16.840.1.113883.6.1" displayName="Alert"/><statusCode code="completed"/>
  <value xsi:type="CD" code="K78" codeSystem="2.16.840.1.113883.2.4.4.31.1" displayName="Atriumfibrilleren"/>
</observation></entryRelationship>"#;

fn answer(participants: &str, extra: &str) -> String {
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
      <recordTarget><patientRole><id root="2.16.840.1.113883.2.4.6.3" extension="999911120"/>
        <patient><name><given>Jan</given><family qualifier="BR">XXX_Test</family></name></patient>
      </patientRole></recordTarget>
      {participants}
      <component><act classCode="ACT" moodCode="EVN">
        <templateId root="2.16.840.1.113883.2.4.3.11.60.66.10.212"/>
        <id root="1.2.3.4" extension="e1"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
        <text>Atriumfibrilleren</text><statusCode code="completed"/>
        <effectiveTime><low value="20150203"/><high value="20160101"/></effectiveTime>
        <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.2.4.3.11.60.66.10.213"/><id root="1.2.3.4" extension="p1"/>
          <code code="282291009" codeSystem="2.16.840.1.113883.6.96" displayName="Diagnosis"/>
          <value xsi:type="CD" code="K78" codeSystem="2.16.840.1.113883.2.4.4.31.1" displayName="Atriumfibrilleren"/>
        </observation></entryRelationship>
        {extra}
      </act></component>
    </organizer></subject>
    <queryAck><queryResponseCode code="OK"/></queryAck>
  </ControlActProcess>
</REPC_IN990111NL>"#
    )
}

fn resources(xml: &str) -> Vec<Value> {
    let translation = translate(xml, &Context::new("https://lspplus.localhost/fhir")).unwrap();
    translation
        .resources
        .iter()
        .map(|r| serde_json::from_str(&r.to_json()).unwrap())
        .collect()
}

fn of_type<'a>(resources: &'a [Value], resource_type: &str) -> Vec<&'a Value> {
    resources
        .iter()
        .filter(|r| r["resourceType"] == resource_type)
        .collect()
}

fn disclosed_episodes(resources: Vec<Value>) -> Vec<Value> {
    let ctx = disclosure::Context {
        today: time::Date::from_calendar_date(2026, time::Month::December, 4).unwrap(),
        patient_age: 40,
        online_access_start: None,
    };
    disclosure::select(disclosure::Category::Episodes, resources, &ctx)
        .unwrap()
        .into_iter()
        .filter(|r| r["resourceType"] == "EpisodeOfCare")
        .collect()
}

#[test]
fn patient_points_at_responsible_gp() {
    let resources = resources(&answer(GP, ""));
    let patients = of_type(&resources, "Patient");
    assert_eq!(patients.len(), 1);
    let gp = &patients[0]["generalPractitioner"];
    assert_eq!(gp.as_array().map(Vec::len), Some(1), "{gp}");
    let target = gp[0]["reference"].as_str().unwrap();
    assert_eq!(gp[0]["display"], "Jansen");
    let practitioners = of_type(&resources, "Practitioner");
    assert_eq!(practitioners.len(), 1);
    assert_eq!(
        format!("Practitioner/{}", practitioners[0]["id"].as_str().unwrap()),
        target
    );
    assert_eq!(practitioners[0]["identifier"][0]["value"], "900012345");
}

#[test]
fn patient_without_cst_participant_has_no_gp() {
    let resources = resources(&answer("", ""));
    assert!(of_type(&resources, "Patient")[0]["generalPractitioner"].is_null());
    assert!(of_type(&resources, "Practitioner").is_empty());
}

#[test]
fn attentiewaarde_becomes_flag_on_episode() {
    let resources = resources(&answer("", ATTENTIEWAARDE));
    let flags = of_type(&resources, "Flag");
    assert_eq!(flags.len(), 1);
    let flag = flags[0];
    assert_eq!(
        flag["meta"]["profile"][0],
        "http://nictiz.nl/fhir/StructureDefinition/zib-Alert"
    );
    assert_eq!(flag["subject"]["reference"], "Patient/patient");
    assert_eq!(flag["code"]["coding"][0]["code"], "K78");
    let episode = of_type(&resources, "EpisodeOfCare")[0];
    let context = &flag["extension"][0];
    assert_eq!(
        context["url"],
        "http://nictiz.nl/fhir/StructureDefinition/extension-context-nl-core-episodeofcare"
    );
    assert_eq!(
        context["valueReference"]["reference"].as_str().unwrap(),
        format!("EpisodeOfCare/{}", episode["id"].as_str().unwrap())
    );
    // An alert observation is not a problem observation, so the episode keeps its one Condition.
    assert_eq!(of_type(&resources, "Condition").len(), 1);
    assert_eq!(episode["diagnosis"].as_array().map(Vec::len), Some(1));
}

#[test]
fn closed_episode_with_attentiewaarde_is_disclosed() {
    let kept = disclosed_episodes(resources(&answer("", ATTENTIEWAARDE)));
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["status"], "finished");
}

#[test]
fn closed_episode_without_attentiewaarde_is_not_disclosed() {
    let kept = disclosed_episodes(resources(&answer("", "")));
    assert!(kept.is_empty(), "{kept:?}");
}
