//! Intolerances: only medication intolerances, whatever their clinical or verification status.

use serde_json::Value;

use crate::json::resource_type;

/// Keeps AllergyIntolerance resources with category `medication`; other resources pass.
pub(crate) fn select(resources: Vec<Value>) -> Vec<Value> {
    resources
        .into_iter()
        .filter(|resource| {
            resource_type(resource) != "AllergyIntolerance" || is_medication(resource)
        })
        .collect()
}

fn is_medication(resource: &Value) -> bool {
    resource["category"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|category| category.as_str() == Some("medication"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inactive_medication_intolerance_kept() {
        let kept = select(vec![json!({
            "resourceType": "AllergyIntolerance",
            "id": "a",
            "clinicalStatus": "inactive",
            "verificationStatus": "refuted",
            "category": ["medication"]
        })]);
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn food_allergy_dropped() {
        let kept = select(vec![
            json!({"resourceType": "AllergyIntolerance", "id": "f", "category": ["food"]}),
            json!({"resourceType": "AllergyIntolerance", "id": "n"}),
        ]);
        assert!(kept.is_empty());
    }
}
