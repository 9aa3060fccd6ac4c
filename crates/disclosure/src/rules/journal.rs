//! Journal: only the E and P lines of consultations on or after the practice's online-access start date.

use serde_json::Value;
use time::Date;

use crate::json::{date_at, has_coding, id, points_at, references, resource_type};

const JOURNAL_LINE_TYPES: &str = "http://fhir.nl/fhir/NamingSystem/journaalregeltypen";

/// Keeps Compositions of consultations since `start` with only their E and P sections, the E and P journal
/// entries (Observations) of those consultations, and Encounters since `start`; other resources pass.
/// Without a start date no consultation is disclosed.
pub(crate) fn select(resources: Vec<Value>, start: Option<Date>) -> Vec<Value> {
    let Some(start) = start else {
        return resources
            .into_iter()
            .filter(|r| {
                !matches!(
                    resource_type(r),
                    "Composition" | "Observation" | "Encounter"
                )
            })
            .collect();
    };

    let mut kept: Vec<Value> = Vec::with_capacity(resources.len());
    let mut observations = Vec::new();
    for mut resource in resources {
        match resource_type(&resource) {
            "Composition" => {
                if !on_or_after(&resource, "date", start) {
                    continue;
                }
                keep_e_and_p_sections(&mut resource);
                if resource["section"]
                    .as_array()
                    .is_some_and(|sections| !sections.is_empty())
                {
                    kept.push(resource);
                }
            }
            "Observation" => observations.push(resource),
            "Encounter" => {
                if encounter_since(&resource, start) {
                    kept.push(resource);
                }
            }
            _ => kept.push(resource),
        }
    }

    let mut composition_targets = Vec::new();
    for composition in kept.iter().filter(|r| resource_type(r) == "Composition") {
        references(&composition["section"], &mut composition_targets);
    }
    for observation in observations {
        let referenced = composition_targets
            .iter()
            .any(|target| points_at(target, "Observation", id(&observation)));
        if is_e_or_p(&observation["code"])
            && (referenced || on_or_after(&observation, "effectiveDateTime", start))
        {
            kept.push(observation);
        }
    }
    kept
}

/// Keeps Encounters (consultations) on or after `start`; other resources pass.
pub(crate) fn select_encounters(resources: Vec<Value>, start: Option<Date>) -> Vec<Value> {
    resources
        .into_iter()
        .filter(|resource| {
            resource_type(resource) != "Encounter"
                || start.is_some_and(|start| encounter_since(resource, start))
        })
        .collect()
}

fn encounter_since(encounter: &Value, start: Date) -> bool {
    on_or_after(&encounter["period"], "start", start)
}

fn on_or_after(object: &Value, key: &str, start: Date) -> bool {
    date_at(object, key).is_some_and(|date| date >= start)
}

fn is_e_or_p(code: &Value) -> bool {
    has_coding(code, JOURNAL_LINE_TYPES, "E") || has_coding(code, JOURNAL_LINE_TYPES, "P")
}

fn keep_e_and_p_sections(composition: &mut Value) {
    if let Some(sections) = composition["section"].as_array_mut() {
        sections.retain(|section| is_e_or_p(&section["code"]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn section(code: &str, entry: &str) -> Value {
        json!({
            "code": {"coding": [{"system": JOURNAL_LINE_TYPES, "code": code, "display": code}]},
            "entry": [{"reference": format!("Observation/{entry}"), "display": code}]
        })
    }

    fn line(id: &str, code: &str) -> Value {
        json!({
            "resourceType": "Observation",
            "id": id,
            "code": {"coding": [{"system": JOURNAL_LINE_TYPES, "code": code}]}
        })
    }

    fn consultation(id: &str, date: &str) -> Value {
        json!({
            "resourceType": "Composition",
            "id": id,
            "date": date,
            "section": [section("S", "s1"), section("O", "o1"), section("E", "e1"), section("P", "p1")]
        })
    }

    fn ids(resources: &[Value]) -> Vec<&str> {
        resources
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn only_e_and_p_sections_and_lines() {
        let resources = vec![
            consultation("c", "2026-06-01T10:00:00+02:00"),
            line("s1", "S"),
            line("o1", "O"),
            line("e1", "E"),
            line("p1", "P"),
        ];

        let kept = select(resources, Some(date!(2020 - 01 - 01)));

        assert_eq!(ids(&kept), ["c", "e1", "p1"]);
        let codes: Vec<_> = kept[0]["section"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"]["coding"][0]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["E", "P"]);
    }

    #[test]
    fn consultation_date_boundaries() {
        let start = date!(2026 - 03 - 15);
        let resources = vec![
            consultation("before", "2026-03-14T23:59:00+01:00"),
            consultation("on", "2026-03-15T08:00:00+01:00"),
            consultation("after", "2026-03-16"),
        ];

        let kept = select(resources, Some(start));

        assert_eq!(ids(&kept), ["on", "after"]);
    }

    #[test]
    fn lines_of_hidden_consultation_dropped() {
        let resources = vec![consultation("before", "2019-01-01"), line("e1", "E")];

        let kept = select(resources, Some(date!(2020 - 01 - 01)));

        assert!(kept.is_empty());
    }

    #[test]
    fn only_s_and_o_drops_composition() {
        let mut composition = consultation("c", "2026-06-01");
        composition["section"] = json!([section("S", "s1"), section("O", "o1")]);

        let kept = select(vec![composition], Some(date!(2020 - 01 - 01)));

        assert!(kept.is_empty());
    }

    #[test]
    fn no_start_date_hides_consultations() {
        let resources = vec![
            consultation("c", "2026-06-01"),
            line("e1", "E"),
            json!({"resourceType": "Encounter", "id": "enc", "period": {"start": "2026-06-01"}}),
            json!({"resourceType": "Practitioner", "id": "gp"}),
        ];

        let kept = select(resources, None);

        assert_eq!(ids(&kept), ["gp"]);
    }

    #[test]
    fn encounter_boundaries() {
        let encounter = |id: &str, start: &str| json!({"resourceType": "Encounter", "id": id, "period": {"start": start}});
        let resources = vec![
            encounter("before", "2026-03-14"),
            encounter("on", "2026-03-15T09:00:00+01:00"),
            encounter("after", "2026-03-16"),
            json!({"resourceType": "Encounter", "id": "undated"}),
        ];

        let kept = select_encounters(resources, Some(date!(2026 - 03 - 15)));

        assert_eq!(ids(&kept), ["on", "after"]);
    }
}
