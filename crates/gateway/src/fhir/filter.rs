//! Applying search parameters to the resources that match a search.

use serde_json::Value;
use time::Date;

use super::params::{Filter, Prefix};

/// Tells whether `resource` satisfies every filter.
pub fn matches_all(resource: &Value, filters: &[Filter]) -> bool {
    filters.iter().all(|filter| matches(resource, filter))
}

fn matches(resource: &Value, filter: &Filter) -> bool {
    match filter {
        Filter::Token { name, values } => {
            let element = &resource[token_element(name)];
            values.iter().any(|token| token_matches(element, token))
        }
        Filter::Date {
            name,
            prefix,
            date,
            end,
        } => date_matches(resource, name, *prefix, (*date, *end)),
    }
}

/// Maps a token parameter to the element it searches (the same for every resource type served).
fn token_element(name: &str) -> &str {
    match name {
        "code" => "code",
        "type" => "type",
        "status" => "status",
        _ => "category",
    }
}

/// Tells whether a code, CodeableConcept or list of them matches `token` (`code`, `system|code` or
/// `system|`).
fn token_matches(element: &Value, token: &str) -> bool {
    let (system, code) = match token.split_once('|') {
        Some((system, code)) => (Some(system), code),
        None => (None, token),
    };
    match element {
        Value::String(value) => system.is_none_or(str::is_empty) && value == code,
        Value::Array(items) => items.iter().any(|item| token_matches(item, token)),
        Value::Object(_) => element["coding"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|coding| {
                let system_ok = system.is_none_or(|system| {
                    system.is_empty() || coding["system"].as_str() == Some(system)
                });
                let code_ok = code.is_empty() || coding["code"].as_str() == Some(code);
                system_ok && code_ok && (system.is_some() || !code.is_empty())
            }),
        _ => false,
    }
}

/// Compares the resource's date (or period of use) with the parameter's range [`from`, `until`).
fn date_matches(resource: &Value, name: &str, prefix: Prefix, (from, until): (Date, Date)) -> bool {
    if name == "periodofuse" {
        // A period matches `ge X` when it has not ended before X, and `le X` when it started by X.
        let (start, end) = disclosure::period_of_use(resource);
        return match prefix {
            Prefix::Ge => end.is_none_or(|end| end >= from),
            Prefix::Gt => end.is_none_or(|end| end >= until),
            Prefix::Le => start.is_none_or(|start| start < until),
            Prefix::Lt => start.is_none_or(|start| start < from),
            Prefix::Eq => {
                start.is_none_or(|start| start < until) && end.is_none_or(|end| end >= from)
            }
        };
    }

    let value = match name {
        "date" => resource["effectiveDateTime"]
            .as_str()
            .or_else(|| resource["effectivePeriod"]["start"].as_str())
            .or_else(|| resource["issued"].as_str()),
        other => resource[other].as_str(),
    };
    value
        .and_then(disclosure::fhir_date)
        .is_some_and(|actual| prefix.holds(actual, from, until))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn token(name: &str, value: &str) -> Filter {
        Filter::Token {
            name: name.into(),
            values: vec![value.into()],
        }
    }

    #[test]
    fn system_only_token() {
        let observation = json!({"code": {"coding": [{"system": "https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen", "code": "1234"}]}});
        assert!(matches_all(
            &observation,
            &[token(
                "code",
                "https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen|"
            )]
        ));
        assert!(!matches_all(
            &observation,
            &[token("code", "http://loinc.org|")]
        ));
    }

    #[test]
    fn system_and_code_token() {
        let composition =
            json!({"type": {"coding": [{"system": "http://loinc.org", "code": "67781-5"}]}});
        assert!(matches_all(
            &composition,
            &[token("type", "http://loinc.org|67781-5")]
        ));
        assert!(!matches_all(
            &composition,
            &[token("type", "http://loinc.org|11488-4")]
        ));
        assert!(matches_all(&composition, &[token("type", "67781-5")]));
    }

    #[test]
    fn code_list_token() {
        let intolerance = json!({"category": ["food", "medication"]});
        assert!(matches_all(
            &intolerance,
            &[token("category", "medication")]
        ));
        assert!(!matches_all(
            &intolerance,
            &[token("category", "environment")]
        ));
    }

    #[test]
    fn comma_means_or() {
        let reference = json!({"status": "superseded"});
        let filter = Filter::Token {
            name: "status".into(),
            values: vec!["current".into(), "superseded".into()],
        };
        assert!(matches_all(&reference, &[filter]));
        assert!(!matches_all(&reference, &[token("status", "current")]));
    }

    #[test]
    fn indexed_range() {
        let reference = json!({"indexed": "2025-06-01T10:00:00+02:00"});
        let ge = |d: Date| Filter::Date {
            name: "indexed".into(),
            prefix: Prefix::Ge,
            date: d,
            end: d.next_day().unwrap(),
        };
        let le = |d: Date| Filter::Date {
            name: "indexed".into(),
            prefix: Prefix::Le,
            date: d,
            end: d.next_day().unwrap(),
        };
        assert!(matches_all(
            &reference,
            &[ge(date!(2025 - 01 - 01)), le(date!(2025 - 12 - 31))]
        ));
        assert!(!matches_all(&reference, &[ge(date!(2025 - 06 - 02))]));
    }

    #[test]
    fn periodofuse_ge_today() {
        let url = "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-PeriodOfUse";
        let open = json!({"resourceType": "MedicationRequest", "extension": [{"url": url, "valuePeriod": {"start": "2017-06-12"}}]});
        let ended = json!({"resourceType": "MedicationRequest", "extension": [{"url": url, "valuePeriod": {"start": "2017-06-12", "end": "2026-12-03"}}]});
        let filter = Filter::Date {
            name: "periodofuse".into(),
            prefix: Prefix::Ge,
            date: date!(2026 - 12 - 04),
            end: date!(2026 - 12 - 05),
        };
        assert!(matches_all(&open, std::slice::from_ref(&filter)));
        assert!(!matches_all(&ended, &[filter]));
    }
}
