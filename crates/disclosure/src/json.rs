//! Small readers for FHIR JSON values: resource types, dates, extensions and references.

use serde_json::Value;
use time::{Date, Month};

/// Returns `resourceType`, or an empty string when it is missing.
pub(crate) fn resource_type(resource: &Value) -> &str {
    resource["resourceType"].as_str().unwrap_or_default()
}

/// Returns the logical id, or an empty string when it is missing.
pub(crate) fn id(resource: &Value) -> &str {
    resource["id"].as_str().unwrap_or_default()
}

/// Parses the date part of a FHIR `date` or `dateTime` (`2017`, `2017-06`, `2017-06-12`,
/// `2017-06-12T10:00:00+02:00`).
///
/// A partial date stands for its first day, and a dateTime counts on the calendar day written in it
/// (its own offset), not on the day in UTC.
pub fn fhir_date(value: &str) -> Option<Date> {
    let date_part = value.get(..10.min(value.len()))?;
    let mut parts = date_part.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = match parts.next() {
        Some(month) => month.parse().ok()?,
        None => 1,
    };
    let day: u8 = match parts.next() {
        Some(day) => day.parse().ok()?,
        None => 1,
    };
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Reads the date at `key` of `object` (a `date` or `dateTime` element).
pub(crate) fn date_at(object: &Value, key: &str) -> Option<Date> {
    object[key].as_str().and_then(fhir_date)
}

/// Returns the extensions of `element` whose `url` is `url`.
pub(crate) fn extensions<'a>(
    element: &'a Value,
    url: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    element["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |extension| extension["url"].as_str() == Some(url))
}

/// Tells whether the reference string `reference` points at `resource_type`/`id`.
///
/// Accepts relative (`EpisodeOfCare/1`), absolute (`https://…/EpisodeOfCare/1`) and `urn:uuid:1` forms.
pub(crate) fn points_at(reference: &str, resource_type: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    let relative = format!("{resource_type}/{id}");
    reference == relative
        || reference.ends_with(&format!("/{relative}"))
        || reference == format!("urn:uuid:{id}")
        || reference == format!("urn:oid:{id}")
}

/// Collects every `reference` string anywhere inside `value`.
pub(crate) fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "reference" {
                    if let Some(reference) = child.as_str() {
                        out.push(reference.to_owned());
                    }
                } else {
                    references(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

/// Tells whether any coding of the CodeableConcept `concept` has `system` and `code`.
pub(crate) fn has_coding(concept: &Value, system: &str, code: &str) -> bool {
    concept["coding"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|coding| {
            coding["system"].as_str() == Some(system) && coding["code"].as_str() == Some(code)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn fhir_date_forms() {
        assert_eq!(fhir_date("2017-06-12"), Some(date!(2017 - 06 - 12)));
        assert_eq!(
            fhir_date("2017-06-12T23:30:00+02:00"),
            Some(date!(2017 - 06 - 12))
        );
        assert_eq!(fhir_date("2017-06"), Some(date!(2017 - 06 - 01)));
        assert_eq!(fhir_date("2017"), Some(date!(2017 - 01 - 01)));
        assert_eq!(fhir_date("2017-13-01"), None);
        assert_eq!(fhir_date("yesterday"), None);
    }

    #[test]
    fn reference_forms() {
        assert!(points_at("EpisodeOfCare/e1", "EpisodeOfCare", "e1"));
        assert!(points_at(
            "https://x/fhir/EpisodeOfCare/e1",
            "EpisodeOfCare",
            "e1"
        ));
        assert!(points_at("urn:uuid:e1", "EpisodeOfCare", "e1"));
        assert!(!points_at("EpisodeOfCare/e10", "EpisodeOfCare", "e1"));
        assert!(!points_at("Condition/e1", "EpisodeOfCare", "e1"));
        assert!(!points_at("EpisodeOfCare/", "EpisodeOfCare", ""));
    }
}
