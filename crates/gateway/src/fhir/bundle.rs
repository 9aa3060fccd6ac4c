//! Assembling the searchset Bundle from the disclosed resources: the matches, the resources they
//! reference (search mode `include`), and an OperationOutcome for partial responses.

use std::collections::{HashMap, HashSet, VecDeque};

use fhir::{BundleBuilder, OperationOutcome, OperationOutcomeIssue, Resource};
use serde_json::Value;

use super::filter::matches_all;
use super::outcome::FhirError;
use super::params::Filter;

/// The search that a Bundle belongs to: its type, filters, base URL and self link.
#[derive(Debug, Clone, Copy)]
pub struct BundleSpec<'a> {
    /// The searched resource type; resources of this type that pass `filters` are the matches.
    pub resource_type: &'a str,
    /// The search parameters to apply to the matches.
    pub filters: &'a [Filter],
    /// The FHIR base of the practice and gegevensdienst, for absolute fullUrls.
    pub base_url: &'a str,
    /// The self link (base + resource type + the request's query string).
    pub self_link: &'a str,
}

/// The built Bundle with its counts.
#[derive(Debug)]
pub struct Assembled {
    /// The searchset Bundle.
    pub bundle: Resource,
    /// The number of matches (`Bundle.total`).
    pub total: usize,
    /// The number of resources in the Bundle, matches and includes.
    pub resources: usize,
}

/// Builds the searchset Bundle.
///
/// Includes are the resources that matches reference, followed transitively (Patient, Practitioner,
/// Condition, Medication, Encounter, journal Observations, …). A resource of the searched type that did
/// not match is never included, so filters cannot be bypassed through a reference.
pub fn assemble(
    resources: Vec<Value>,
    spec: &BundleSpec<'_>,
    issues: Vec<OperationOutcomeIssue>,
    bundle_id: &str,
) -> Result<Assembled, FhirError> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (index, resource) in resources.iter().enumerate() {
        let (resource_type, id) = type_and_id(resource);
        by_key
            .entry(format!("{resource_type}/{id}"))
            .or_insert(index);
        by_id.entry(id.to_owned()).or_insert(index);
    }

    let matches: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r["resourceType"].as_str() == Some(spec.resource_type) && matches_all(r, spec.filters)
        })
        .map(|(index, _)| index)
        .collect();

    let mut seen: HashSet<usize> = matches.iter().copied().collect();
    let mut includes = Vec::new();
    let mut queue: VecDeque<usize> = matches.iter().copied().collect();
    while let Some(index) = queue.pop_front() {
        let mut targets = Vec::new();
        collect_references(&resources[index], &mut targets);
        for target in targets {
            let Some(&found) = resolve(&target, &by_key, &by_id) else {
                continue;
            };
            let same_type_unmatched =
                resources[found]["resourceType"].as_str() == Some(spec.resource_type);
            if same_type_unmatched || !seen.insert(found) {
                continue;
            }
            includes.push(found);
            queue.push_back(found);
        }
    }

    let mut builder = BundleBuilder::searchset(spec.base_url, spec.self_link).id(bundle_id);
    for &index in &matches {
        builder.add_match(to_resource(&resources[index])?);
    }
    for &index in &includes {
        builder.add_include(to_resource(&resources[index])?);
    }
    if !issues.is_empty() {
        builder.add_outcome(OperationOutcome::new(issues).to_resource(Some("lsp-issues")));
    }

    Ok(Assembled {
        bundle: builder.build(),
        total: matches.len(),
        resources: matches.len() + includes.len(),
    })
}

/// Converts a JSON value back to the ordered FHIR element tree.
pub fn to_resource(value: &Value) -> Result<Resource, FhirError> {
    Resource::from_json(&value.to_string()).map_err(|error| {
        tracing::error!(%error, "a disclosed resource could not be converted back to FHIR");
        FhirError::Internal("a resource could not be serialized".to_owned())
    })
}

fn type_and_id(resource: &Value) -> (&str, &str) {
    (
        resource["resourceType"].as_str().unwrap_or_default(),
        resource["id"].as_str().unwrap_or_default(),
    )
}

fn resolve<'m>(
    reference: &str,
    by_key: &'m HashMap<String, usize>,
    by_id: &'m HashMap<String, usize>,
) -> Option<&'m usize> {
    if let Some(id) = reference
        .strip_prefix("urn:uuid:")
        .or_else(|| reference.strip_prefix("urn:oid:"))
    {
        return by_id.get(id);
    }
    let mut segments = reference.trim_end_matches('/').rsplit('/');
    let id = segments.next()?;
    let resource_type = segments.next()?;
    by_key.get(&format!("{resource_type}/{id}"))
}

fn collect_references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("reference", Value::String(reference)) => out.push(reference.clone()),
                    // Contained resources and narratives carry no references to follow.
                    ("contained" | "text", _) => {}
                    _ => collect_references(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_references(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec<'a>(resource_type: &'a str, filters: &'a [Filter]) -> BundleSpec<'a> {
        BundleSpec {
            resource_type,
            filters,
            base_url: "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49",
            self_link: "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare",
        }
    }

    fn bundle_json(assembled: &Assembled) -> Value {
        serde_json::from_str(&assembled.bundle.to_json()).unwrap()
    }

    #[test]
    fn matches_and_referenced_includes() {
        let resources = vec![
            json!({"resourceType": "Patient", "id": "patient"}),
            json!({"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/patient", "display": "p"}}),
            json!({"resourceType": "EpisodeOfCare", "id": "e1", "status": "active",
                   "patient": {"reference": "Patient/patient", "display": "p"},
                   "diagnosis": [{"condition": {"reference": "Condition/c1", "display": "c"}}]}),
            json!({"resourceType": "Organization", "id": "unreferenced"}),
        ];

        let assembled = assemble(resources, &spec("EpisodeOfCare", &[]), vec![], "b1").unwrap();
        let bundle = bundle_json(&assembled);

        assert_eq!(assembled.total, 1);
        assert_eq!(assembled.resources, 3);
        assert_eq!(bundle["total"], 1);
        assert_eq!(bundle["type"], "searchset");
        assert_eq!(bundle["link"][0]["relation"], "self");
        let entries = bundle["entry"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[0]["fullUrl"],
            "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare/e1"
        );
        assert_eq!(entries[0]["search"]["mode"], "match");
        assert_eq!(entries[1]["resource"]["resourceType"], "Patient");
        assert_eq!(entries[1]["search"]["mode"], "include");
        assert_eq!(entries[2]["resource"]["resourceType"], "Condition");
    }

    #[test]
    fn unmatched_search_type_not_included() {
        let resources = vec![
            json!({"resourceType": "DocumentReference", "id": "d1", "status": "current",
                   "relatesTo": [{"code": "replaces", "target": {"reference": "DocumentReference/d0"}}]}),
            json!({"resourceType": "DocumentReference", "id": "d0", "status": "superseded"}),
        ];
        let filters = [Filter::Token {
            name: "status".into(),
            values: vec!["current".into()],
        }];

        let assembled = assemble(
            resources,
            &spec("DocumentReference", &filters),
            vec![],
            "b2",
        )
        .unwrap();

        assert_eq!(assembled.total, 1);
        assert_eq!(assembled.resources, 1);
    }

    #[test]
    fn issues_become_outcome_entry() {
        let issue = OperationOutcomeIssue::new(fhir::IssueSeverity::Error, "timeout");

        let assembled = assemble(vec![], &spec("Observation", &[]), vec![issue], "b3").unwrap();
        let bundle = bundle_json(&assembled);

        assert_eq!(bundle["total"], 0);
        assert_eq!(bundle["entry"][0]["search"]["mode"], "outcome");
        assert_eq!(
            bundle["entry"][0]["resource"]["issue"][0]["code"],
            "timeout"
        );
    }
}
