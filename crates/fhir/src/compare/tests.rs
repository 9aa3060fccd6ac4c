//! Unit tests for the FHIR-aware comparison.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn bundle(xml_entries: &[(&str, &str)]) -> Resource {
    let entries: String = xml_entries
        .iter()
        .map(|(url, resource)| {
            format!("<entry><fullUrl value=\"{url}\"/><resource>{resource}</resource></entry>")
        })
        .collect();
    let text = format!(
        "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"b\"/><type value=\"searchset\"/><total value=\"{}\"/>{entries}</Bundle>",
        xml_entries.len()
    );
    Resource::from_xml(&text).unwrap()
}

const PATIENT_A: &str = "<Patient><id value=\"pa\"/><gender value=\"male\"/></Patient>";
const PATIENT_B: &str = "<Patient><id value=\"pb\"/><gender value=\"male\"/></Patient>";

#[test]
fn renamed_ids_and_order_are_ignored() {
    let expected = bundle(&[
        ("urn:uuid:1", PATIENT_A),
        (
            "https://x/Flag/f1",
            "<Flag><id value=\"f1\"/><status value=\"active\"/><subject><reference value=\"urn:uuid:1\"/></subject></Flag>",
        ),
    ]);
    let actual = bundle(&[
        (
            "https://y/Flag/other",
            "<Flag><id value=\"other\"/><text><status value=\"generated\"/></text><status value=\"active\"/><subject><reference value=\"Patient/pb\"/></subject></Flag>",
        ),
        ("https://y/Patient/pb", PATIENT_B),
    ]);
    let comparison = compare_resources(&actual, &expected);
    assert_eq!(comparison.differences, vec![]);
    assert_eq!(comparison.agreeing, comparison.expected_leaves);
}

#[test]
fn changed_missing_and_unexpected_are_listed() {
    let expected = bundle(&[(
        "https://x/Flag/f1",
        "<Flag><id value=\"f1\"/><status value=\"active\"/><code><text value=\"a\"/></code></Flag>",
    )]);
    let actual = bundle(&[(
        "https://x/Flag/f1",
        "<Flag><id value=\"f1\"/><status value=\"inactive\"/><period><start value=\"2020\"/></period></Flag>",
    )]);
    let differences = compare(&actual, &expected);
    let kinds: Vec<(String, DifferenceKind)> = differences
        .iter()
        .map(|d| (d.path.clone(), d.kind))
        .collect();
    assert!(
        kinds.contains(&("Flag/f1.status".into(), DifferenceKind::Changed)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("Flag/f1.code.text".into(), DifferenceKind::Missing)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("Flag/f1.period.start".into(), DifferenceKind::Unexpected)),
        "{kinds:?}"
    );
}

#[test]
fn wrong_reference_target_is_a_difference() {
    let expected = bundle(&[
        ("urn:uuid:1", PATIENT_A),
        (
            "urn:uuid:2",
            "<Patient><id value=\"pc\"/><gender value=\"female\"/></Patient>",
        ),
        (
            "https://x/Flag/f1",
            "<Flag><id value=\"f1\"/><subject><reference value=\"urn:uuid:1\"/></subject></Flag>",
        ),
    ]);
    let actual = bundle(&[
        ("https://y/Patient/pa", PATIENT_A),
        (
            "https://y/Patient/pc",
            "<Patient><id value=\"pc\"/><gender value=\"female\"/></Patient>",
        ),
        (
            "https://y/Flag/f1",
            "<Flag><id value=\"f1\"/><subject><reference value=\"Patient/pc\"/></subject></Flag>",
        ),
    ]);
    let differences = compare(&actual, &expected);
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0].path, "Flag/f1.subject.reference");
}

#[test]
fn missing_resource_and_total_are_reported() {
    let expected = bundle(&[
        ("urn:uuid:1", PATIENT_A),
        ("https://x/Flag/f1", "<Flag><id value=\"f1\"/></Flag>"),
    ]);
    let actual = bundle(&[("urn:uuid:1", PATIENT_A)]);
    let differences = compare(&actual, &expected);
    assert!(differences.iter().any(|d| d.path == "Bundle.total"));
    assert!(
        differences
            .iter()
            .any(|d| d.path == "Flag/f1" && d.kind == DifferenceKind::Missing)
    );
}
