use hl7v3::Interaction;
use hl7v3::xml::{child, path, path_attr};

use super::*;
use crate::test_support::{ketenzorg_examples, query};

fn load() -> Option<HisData> {
    let dir = ketenzorg_examples()?;
    Some(HisData::from_dir(&dir).unwrap())
}

#[test]
fn episodes_example_found_by_bsn() {
    let Some(data) = load() else { return };
    let query = query("4001", "012345672");

    let answer = data.answer(Interaction::EpisodesQuery, &query).unwrap();

    let doc = hl7v3::read::parse(&answer).unwrap();
    let messages = hl7v3::read::messages(&doc).unwrap();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.interaction(), Some(Interaction::Episodes));
    assert_eq!(message.patient_bsns(), vec!["012345672".to_owned()]);
    assert_eq!(message.query_response_code.as_deref(), Some("OK"));
    assert!(answer.contains("<text>COPD</text>"), "{answer}");
    assert!(answer.contains(r#"code="R95""#));
}

#[test]
fn rewrapped_answer_fits_query() {
    let Some(data) = load() else { return };
    let query = query("4001", "999911624");

    let first = data.answer(Interaction::AlertsQuery, &query).unwrap();
    let second = data.answer(Interaction::Alerts, &query).unwrap();

    let doc = hl7v3::read::parse(&first).unwrap();
    let messages = hl7v3::read::messages(&doc).unwrap();
    let message = &messages[0];
    let node = message.node();
    let ack = message.acknowledgement.as_ref().unwrap();
    assert_eq!(ack.type_code, "AA");
    assert_eq!(ack.target_message_id.as_ref(), Some(&query.message_id));
    assert_eq!(
        path_attr(node, &["sender", "device", "id"], "extension"),
        Some("4001")
    );
    assert_eq!(
        path_attr(node, &["receiver", "device", "id"], "extension"),
        Some("4003")
    );
    assert_eq!(
        path_attr(node, &["creationTime"], "value"),
        Some("20261204103015")
    );
    let query_id = path(node, &["ControlActProcess", "queryAck", "queryId"]).unwrap();
    assert_eq!(query_id.attribute("extension"), Some("query-id-1"));
    assert_eq!(message.id.root, "2.16.840.1.113883.2.4.6.6.4001.1");
    assert_ne!(first, second, "every answer gets a fresh message id");
    // The payload is copied unchanged, including its G-Standaard Thesaurus 40 codes.
    assert!(first.contains("VERKEERSDEELNAME"));
    assert!(child(node, "ControlActProcess").is_some());
}

#[test]
fn answers_in_soap_batches_are_indexed() {
    let Some(data) = load() else { return };

    // episodes_bundle_01.xml: a SOAP envelope with an MCCI_IN200101 batch.
    let answer = data
        .answer(Interaction::Episodes, &query("4001", "900154858"))
        .unwrap();

    let doc = hl7v3::read::parse(&answer).unwrap();
    let messages = hl7v3::read::messages(&doc).unwrap();
    assert_eq!(messages[0].query_response_code.as_deref(), Some("OK"));
    assert_eq!(messages[0].patient_bsns(), vec!["900154858".to_owned()]);
}

#[test]
fn unknown_bsn_gets_not_found() {
    let Some(data) = load() else { return };
    let query = query("4001", "999991103");

    let answer = data.answer(Interaction::EpisodesQuery, &query).unwrap();

    let doc = hl7v3::read::parse(&answer).unwrap();
    let messages = hl7v3::read::messages(&doc).unwrap();
    assert_eq!(messages[0].query_response_code.as_deref(), Some("NF"));
    assert!(messages[0].patient_bsns().is_empty());
    assert!(messages[0].subjects().is_empty());
}

#[test]
fn kind_without_data_gets_not_found() {
    let Some(data) = load() else { return };

    // 012345672 has episodes, intolerances and medication in the examples, but no lab results.
    let answer = data
        .answer(Interaction::LabQuery, &query("4001", "012345672"))
        .unwrap();

    assert!(
        answer.contains(r#"<queryResponseCode code="NF"/>"#),
        "{answer}"
    );
}

#[test]
fn persons_read_from_record_target() {
    let Some(data) = load() else { return };
    let bsn = Bsn::parse("999911624").unwrap();

    let person = data.person("4001", &bsn).unwrap();

    assert_eq!(person.name, "E. XXX_Zegers");
    assert_eq!(person.birth_date, Some(time::macros::date!(1964 - 08 - 02)));
    assert!(
        data.person("4002", &bsn).is_some(),
        "loaded files answer for every practice"
    );
    assert!(data.demo_persons().len() >= 5);
}

#[test]
fn malformed_file_named_in_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.txt"), "not XML, and ignored").unwrap();
    std::fs::write(
        dir.path().join("broken.xml"),
        "<REPC_IN990111NL><id></REPC_IN990111NL>",
    )
    .unwrap();

    let error = HisData::from_dir(dir.path()).unwrap_err();

    assert!(matches!(error, LoadError::Malformed { .. }), "{error:?}");
    assert!(error.to_string().contains("broken.xml"), "{error}");
}

#[test]
fn empty_folder_rejected() {
    let dir = tempfile::tempdir().unwrap();

    let error = HisData::from_dir(dir.path()).unwrap_err();

    assert!(matches!(error, LoadError::Empty { .. }), "{error:?}");
}

#[test]
fn missing_folder_named_in_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent");

    let error = HisData::from_dir(&missing).unwrap_err();

    assert!(matches!(error, LoadError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("absent"), "{error}");
}

#[test]
fn rewrapping_keeps_payload_translation() {
    let Some(dir) = ketenzorg_examples() else {
        return;
    };
    let data = HisData::from_dir(&dir).unwrap();
    let ctx = translate::Context::new(
        "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49",
    );
    // A bare interaction and an HTTP capture whose payload uses prefixes declared outside it.
    let cases = [
        (
            "episodes_REPC_EX990111NL_01.xml",
            Interaction::Episodes,
            "012345672",
        ),
        (
            "alerts_REPC_IN990121NL_01.xml",
            Interaction::Alerts,
            "999911624",
        ),
    ];

    for (file, interaction, bsn) in cases {
        let original = std::fs::read_to_string(dir.join(file)).unwrap();
        let rewrapped = data.answer(interaction, &query("4001", bsn)).unwrap();

        let expected = translate::translate(&original, &ctx).unwrap();
        let actual = translate::translate(&rewrapped, &ctx).unwrap();

        let json = |t: &translate::Translation| {
            t.resources.iter().map(|r| r.to_json()).collect::<Vec<_>>()
        };
        assert!(!expected.resources.is_empty(), "{file}");
        assert_eq!(json(&actual), json(&expected), "{file}");
    }
}

#[test]
fn loaded_lab_answer_keeps_results_in_the_query_period() {
    let Some(data) = load() else { return };
    let query = query("4001", "999911624");
    let period = (
        time::macros::date!(2019 - 02 - 02),
        Some(time::macros::date!(2019 - 02 - 03)),
    );

    let all = data
        .answer_in_period(Interaction::LabQuery, &query, None)
        .unwrap();
    let kept = data
        .answer_in_period(Interaction::LabQuery, &query, Some(&period))
        .unwrap();

    let dates = |xml: &str| -> Vec<String> {
        let doc = hl7v3::read::parse(xml).unwrap();
        doc.descendants()
            .filter(|n| n.tag_name().name() == "observation")
            .filter(|n| {
                n.parent()
                    .is_some_and(|p| p.tag_name().name() == "component")
            })
            .filter_map(|n| path_attr(n, &["effectiveTime"], "value").map(str::to_owned))
            .collect()
    };
    let all_dates = dates(&all);
    let mut expected: Vec<String> = all_dates
        .iter()
        .filter(|d| d.as_str() >= "20190202" && d.as_str() < "20190204")
        .cloned()
        .collect();
    assert!(
        expected.len() >= 2 && expected.len() < all_dates.len(),
        "{all_dates:?}"
    );
    let mut kept_dates = dates(&kept);
    kept_dates.sort();
    expected.sort();
    assert_eq!(kept_dates, expected);
}

#[test]
fn generated_journal_keeps_consultations_in_the_query_period() {
    let today = time::macros::date!(2026 - 12 - 04);
    let data = HisData::demo(today).unwrap();
    let bsn = data.demo_persons()[0].bsn.as_str().to_owned();
    let query = query("4001", &bsn);
    let period = (today - time::Duration::days(365), None);

    let count = |xml: &str| {
        let doc = hl7v3::read::parse(xml).unwrap();
        let recent: Vec<bool> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "encounter")
            .filter(|n| {
                n.parent()
                    .is_some_and(|p| p.tag_name().name() == "component")
            })
            .filter_map(|n| path_attr(n, &["effectiveTime", "low"], "value"))
            .map(|v| crate::period::hl7_date(v).unwrap() >= period.0)
            .collect();
        (recent.len(), recent.iter().filter(|r| **r).count())
    };
    let all = data.answer(Interaction::EncountersQuery, &query).unwrap();
    let kept = data
        .answer_in_period(Interaction::EncountersQuery, &query, Some(&period))
        .unwrap();

    let (all_total, all_recent) = count(&all);
    let (kept_total, kept_recent) = count(&kept);
    assert!(
        all_total > all_recent,
        "the demo patient has older contacts"
    );
    assert!(all_recent > 0, "and recent ones");
    assert_eq!((kept_total, kept_recent), (all_recent, all_recent));
}
