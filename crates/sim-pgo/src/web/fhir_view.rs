//! Reads the FHIR searchset Bundles (JSON) that the demo PGO shows and turns them into rows.

use serde_json::Value;

/// Returns the resources of a Bundle with the given `resourceType`.
pub fn resources<'a>(bundle: &'a Value, resource_type: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| &entry["resource"])
                .filter(|resource| resource["resourceType"] == resource_type)
                .collect()
        })
        .unwrap_or_default()
}

/// Returns the text of a CodeableConcept: `text`, else the first coding's display, else its code.
pub fn concept_text(concept: &Value) -> String {
    if let Some(text) = concept["text"].as_str() {
        return text.to_owned();
    }
    let codings = concept["coding"].as_array().cloned().unwrap_or_default();
    codings
        .iter()
        .find_map(|coding| coding["display"].as_str())
        .or_else(|| codings.iter().find_map(|coding| coding["code"].as_str()))
        .unwrap_or_default()
        .to_owned()
}

/// Returns the `valueString` of the extension whose URL ends with `suffix`.
pub fn extension_string(resource: &Value, suffix: &str) -> Option<String> {
    resource["extension"]
        .as_array()?
        .iter()
        .find_map(|extension| {
            let url = extension["url"].as_str()?;
            if url.ends_with(suffix) {
                extension["valueString"].as_str().map(str::to_owned)
            } else {
                None
            }
        })
}

/// Returns the first 10 characters (the date) of a FHIR date or dateTime.
pub fn date_part(value: &Value) -> String {
    value
        .as_str()
        .map(|text| text.chars().take(10).collect())
        .unwrap_or_default()
}

/// Finds a resource in the Bundle by a reference such as `Medication/123` or a full URL.
pub fn resolve<'a>(bundle: &'a Value, reference: &str) -> Option<&'a Value> {
    bundle["entry"].as_array()?.iter().find_map(|entry| {
        let full_url = entry["fullUrl"].as_str().unwrap_or_default();
        let resource = &entry["resource"];
        let local = format!(
            "{}/{}",
            resource["resourceType"].as_str().unwrap_or_default(),
            resource["id"].as_str().unwrap_or_default()
        );
        (full_url == reference
            || local == reference
            || full_url.ends_with(&format!("/{reference}")))
        .then_some(resource)
    })
}

/// An episode row.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Title or diagnosis text.
    pub name: String,
    /// `active` or `finished`.
    pub status: String,
    /// Start date.
    pub start: String,
}

/// Reads the EpisodeOfCare resources.
pub fn episodes(bundle: &Value) -> Vec<Episode> {
    resources(bundle, "EpisodeOfCare")
        .into_iter()
        .map(|episode| {
            let name = extension_string(episode, "EpisodeOfCare-Title")
                .or_else(|| {
                    let reference = episode["diagnosis"][0]["condition"]["reference"].as_str()?;
                    resolve(bundle, reference).map(|condition| concept_text(&condition["code"]))
                })
                .or_else(|| {
                    episode["diagnosis"][0]["condition"]["display"]
                        .as_str()
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            Episode {
                name,
                status: episode["status"].as_str().unwrap_or_default().to_owned(),
                start: date_part(&episode["period"]["start"]),
            }
        })
        .collect()
}

/// A medication row.
#[derive(Debug, Clone, PartialEq)]
pub struct Medication {
    /// Product name.
    pub name: String,
    /// Dosage instruction text.
    pub dosage: String,
    /// Period of use, `start – end`.
    pub period: String,
}

/// Reads the MedicationRequest resources, resolving the included Medication.
pub fn medication(bundle: &Value) -> Vec<Medication> {
    resources(bundle, "MedicationRequest")
        .into_iter()
        .map(|request| {
            let name = request["medicationReference"]["reference"]
                .as_str()
                .and_then(|reference| resolve(bundle, reference))
                .map(|medication| concept_text(&medication["code"]))
                .or_else(|| {
                    request["medicationReference"]["display"]
                        .as_str()
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| concept_text(&request["medicationCodeableConcept"]));
            let dosage = request["dosageInstruction"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let period_of_use = request["extension"]
                .as_array()
                .and_then(|extensions| {
                    extensions.iter().find(|extension| {
                        extension["url"]
                            .as_str()
                            .is_some_and(|url| url.ends_with("PeriodOfUse"))
                    })
                })
                .map(|extension| &extension["valuePeriod"]);
            let period = period_of_use
                .map(|period| {
                    let start = date_part(&period["start"]);
                    let end = date_part(&period["end"]);
                    format!("{start} – {end}")
                        .trim_end_matches(" – ")
                        .to_owned()
                })
                .unwrap_or_else(|| date_part(&request["authoredOn"]));
            Medication {
                name,
                dosage,
                period,
            }
        })
        .collect()
}

/// An intolerance row.
#[derive(Debug, Clone, PartialEq)]
pub struct Intolerance {
    /// Substance or description.
    pub name: String,
    /// Clinical status.
    pub status: String,
    /// Date recorded.
    pub date: String,
}

/// Reads the AllergyIntolerance resources.
pub fn intolerances(bundle: &Value) -> Vec<Intolerance> {
    resources(bundle, "AllergyIntolerance")
        .into_iter()
        .map(|intolerance| Intolerance {
            name: concept_text(&intolerance["code"]),
            status: intolerance["clinicalStatus"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            date: date_part(&intolerance["assertedDate"]),
        })
        .collect()
}

/// One measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Name of the measurement.
    pub name: String,
    /// Date of the measurement.
    pub date: String,
    /// Numeric value, when the result is a quantity.
    pub value: Option<f64>,
    /// The value as shown (with unit, or the text result).
    pub shown: String,
}

/// Reads the Observation resources.
pub fn measurements(bundle: &Value) -> Vec<Measurement> {
    resources(bundle, "Observation")
        .into_iter()
        .map(|observation| {
            let quantity = &observation["valueQuantity"];
            let value = quantity["value"].as_f64();
            let shown = match value {
                Some(number) => {
                    format!("{number} {}", quantity["unit"].as_str().unwrap_or_default())
                        .trim()
                        .to_owned()
                }
                None => observation["valueString"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| concept_text(&observation["valueCodeableConcept"])),
            };
            let date = if observation["effectiveDateTime"].is_string() {
                date_part(&observation["effectiveDateTime"])
            } else {
                date_part(&observation["effectivePeriod"]["start"])
            };
            Measurement {
                name: concept_text(&observation["code"]),
                date,
                value,
                shown,
            }
        })
        .collect()
}

/// One E or P line of a consultation.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalLine {
    /// Consultation date.
    pub date: String,
    /// `E` or `P` (or the section code as given).
    pub kind: String,
    /// The line's text.
    pub text: String,
}

/// Reads the E and P sections of the Composition resources.
pub fn journal(bundle: &Value) -> Vec<JournalLine> {
    let mut lines = Vec::new();
    for composition in resources(bundle, "Composition") {
        let date = date_part(&composition["date"]);
        for section in composition["section"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let kind = section["code"]["coding"][0]["code"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| section["title"].as_str().unwrap_or_default().to_owned());
            let text = crate::html::text_of(section["text"]["div"].as_str().unwrap_or_default());
            lines.push(JournalLine {
                date: date.clone(),
                kind,
                text,
            });
        }
    }
    lines
}

/// A letter.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    /// Description or type.
    pub name: String,
    /// Date indexed.
    pub date: String,
    /// The attachment URL as given (absolute or relative to the FHIR base).
    pub url: String,
}

/// Reads the DocumentReference resources.
pub fn letters(bundle: &Value) -> Vec<Letter> {
    resources(bundle, "DocumentReference")
        .into_iter()
        .map(|document| {
            let attachment = &document["content"][0]["attachment"];
            let name = document["description"]
                .as_str()
                .or_else(|| attachment["title"].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| concept_text(&document["type"]));
            Letter {
                name,
                date: date_part(&document["indexed"]),
                url: attachment["url"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn medication_resolves_included_product() {
        let bundle = json!({"resourceType": "Bundle", "entry": [
            {"fullUrl": "https://x/fhir/MedicationRequest/1", "resource": {"resourceType": "MedicationRequest", "id": "1",
              "medicationReference": {"reference": "Medication/m1"},
              "dosageInstruction": [{"text": "1 maal per dag 1 tablet"}],
              "extension": [{"url": "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-PeriodOfUse",
                             "valuePeriod": {"start": "2026-01-02T00:00:00+01:00"}}]}},
            {"fullUrl": "https://x/fhir/Medication/m1", "resource": {"resourceType": "Medication", "id": "m1",
              "code": {"coding": [{"code": "123", "display": "METFORMINE 500MG TABLET"}]}}}
        ]});
        let rows = medication(&bundle);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "METFORMINE 500MG TABLET");
        assert_eq!(rows[0].dosage, "1 maal per dag 1 tablet");
        assert_eq!(rows[0].period, "2026-01-02");
    }

    #[test]
    fn episodes_use_title_extension() {
        let bundle = json!({"entry": [{"resource": {"resourceType": "EpisodeOfCare", "status": "active",
            "period": {"start": "2019-03-01"},
            "extension": [{"url": "http://nictiz.nl/fhir/StructureDefinition/EpisodeOfCare-Title", "valueString": "Diabetes mellitus"}]}},
            {"resource": {"resourceType": "Flag"}}]});
        let rows = episodes(&bundle);
        assert_eq!(
            rows,
            vec![Episode {
                name: "Diabetes mellitus".into(),
                status: "active".into(),
                start: "2019-03-01".into()
            }]
        );
    }

    #[test]
    fn measurements_read_quantities() {
        let bundle = json!({"entry": [{"resource": {"resourceType": "Observation",
            "code": {"text": "HbA1c"}, "effectiveDateTime": "2026-05-01T10:00:00+02:00",
            "valueQuantity": {"value": 53, "unit": "mmol/mol"}}}]});
        let rows = measurements(&bundle);
        assert_eq!(rows[0].value, Some(53.0));
        assert_eq!(rows[0].shown, "53 mmol/mol");
        assert_eq!(rows[0].date, "2026-05-01");
    }
}
