//! The CapabilityStatement (`GET [base]/metadata`) of each gegevensdienst, generated from the search table.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::bundle::to_resource;
use super::format::Format;
use super::outcome::FhirError;
use super::searches;

/// Builds the CapabilityStatement of `gegevensdienst`, served at `base_url`, as FHIR JSON.
///
/// The statement stays JSON because the `fhir` crate's JSON writer lists repeating elements only for the
/// resources lspplus translates; XML goes through the element tree, which needs no such knowledge.
pub(super) fn statement(
    gegevensdienst: &str,
    base_url: &str,
    now: OffsetDateTime,
) -> Result<Value, FhirError> {
    if !searches::is_known_gegevensdienst(gegevensdienst) {
        return Err(FhirError::NotSupported(format!(
            "gegevensdienst {gegevensdienst} is not offered"
        )));
    }

    let resources: Vec<Value> = searches::of(gegevensdienst).map(resource_entry).collect();
    let name = if gegevensdienst == searches::HUISARTSGEGEVENS {
        "lspplus Huisartsgegevens (MedMij gegevensdienst 49)"
    } else {
        "lspplus Documenten PDF/A (MedMij gegevensdienst 51)"
    };
    let statement = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now.format(&Rfc3339).unwrap_or_default(),
        "publisher": "lspplus",
        "kind": "instance",
        "software": {"name": "lspplus", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": name, "url": base_url},
        "fhirVersion": "3.0.2",
        "acceptUnknown": "no",
        "format": ["json", "xml"],
        "rest": [{
            "mode": "server",
            "security": {
                "service": [{
                    "coding": [{"system": "http://hl7.org/fhir/restful-security-service", "code": "OAuth", "display": "OAuth"}],
                    "text": "MedMij OAuth 2.0 bearer token; the patient follows from the token"
                }]
            },
            "resource": resources
        }]
    });
    Ok(statement)
}

/// Serializes the statement in `format`.
pub(super) fn render(statement: &Value, format: Format) -> Result<String, FhirError> {
    match format {
        Format::Json => Ok(statement.to_string()),
        Format::Xml => Ok(to_resource(statement)?.to_xml()),
    }
}

fn resource_entry(search: &searches::Search) -> Value {
    let mut interactions = Vec::new();
    if search.resource_type != "Binary" {
        interactions.push(json!({"code": "search-type"}));
    }
    if searches::readable(search.gegevensdienst, search.resource_type) {
        interactions.push(json!({"code": "read"}));
    }
    let params: Vec<Value> = search
        .params
        .iter()
        .map(|name| {
            let kind = if matches!(*name, "date" | "periodofuse" | "indexed" | "created") {
                "date"
            } else {
                "token"
            };
            json!({"name": name, "type": kind})
        })
        .collect();
    let mut entry = json!({
        "type": search.resource_type,
        "interaction": interactions,
    });
    if !search.includes.is_empty() {
        entry["searchInclude"] = json!(search.includes);
    }
    if !params.is_empty() {
        entry["searchParam"] = json!(params);
    }
    entry
}
