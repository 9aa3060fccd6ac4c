//! Unit tests for the datatype conversions.

#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn dates_without_time() {
    assert_eq!(
        parse_ts("20150810"),
        Some(FhirTime::Date("2015-08-10".into()))
    );
    assert_eq!(parse_ts("201508"), Some(FhirTime::Date("2015-08".into())));
    assert_eq!(parse_ts("2015"), Some(FhirTime::Date("2015".into())));
}

#[test]
fn timestamp_parts_are_zero_padded() {
    assert_eq!(parse_ts("0019"), Some(FhirTime::Date("0019".into())));
    assert_eq!(
        parse_ts("00190304"),
        Some(FhirTime::Date("0019-03-04".into()))
    );
    assert_eq!(
        parse_ts("20190102030405-0030").unwrap().as_str(),
        "2019-01-02T03:04:05-00:30"
    );
}

#[test]
fn local_times_get_dutch_offset() {
    assert_eq!(
        parse_ts("201902061703").unwrap().as_str(),
        "2019-02-06T17:03:00+01:00"
    );
    assert_eq!(
        parse_ts("20200616141501").unwrap().as_str(),
        "2020-06-16T14:15:01+02:00"
    );
    // 2019-03-31 is the last Sunday of March: summer time starts at 02:00.
    assert_eq!(
        parse_ts("201903310100").unwrap().as_str(),
        "2019-03-31T01:00:00+01:00"
    );
    assert_eq!(
        parse_ts("201903310300").unwrap().as_str(),
        "2019-03-31T03:00:00+02:00"
    );
}

#[test]
fn explicit_zone_is_kept() {
    assert_eq!(
        parse_ts("20181120115834+0000").unwrap().as_str(),
        "2018-11-20T11:58:34+00:00"
    );
    assert_eq!(
        parse_ts("20181120115834.123-0530").unwrap().as_str(),
        "2018-11-20T11:58:34-05:30"
    );
}

#[test]
fn malformed_times_are_rejected() {
    assert_eq!(parse_ts("2019-02-06"), None);
    assert_eq!(parse_ts("20191332"), None);
    assert_eq!(parse_ts("2019020625"), None);
    assert_eq!(parse_ts(""), None);
}

#[test]
fn date_to_date_time_is_local_midnight() {
    assert_eq!(
        FhirTime::Date("2019-02-08".into()).to_date_time(),
        "2019-02-08T00:00:00+01:00"
    );
}

#[test]
fn unknown_code_system_becomes_urn_oid() {
    assert_eq!(code_system_uri("1.2.3.4"), "urn:oid:1.2.3.4");
    assert_eq!(
        code_system_uri("2.16.840.1.113883.6.96"),
        "http://snomed.info/sct"
    );
    assert_eq!(
        identifier_system_uri("2.16.528.1.1007.3.3"),
        "http://fhir.nl/fhir/NamingSystem/ura"
    );
}

#[test]
fn null_flavor_code_becomes_extension() {
    let doc =
        hl7v3::read::parse(r#"<value nullFlavor="UNK"><originalText>iets</originalText></value>"#)
            .unwrap();
    let concept = codeable_concept("code", doc.root_element()).unwrap();
    assert_eq!(
        concept.children[0].url(),
        Some("http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor")
    );
    assert_eq!(concept.children[0].child_value("valueCode"), Some("UNK"));
    assert_eq!(concept.child_value("text"), Some("iets"));
}
