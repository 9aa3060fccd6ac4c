//! Episodes: every current episode, and a closed episode only when an attentiewaarde (Flag) points at it.

use serde_json::Value;

use crate::json::{id, points_at, references, resource_type};

/// Keeps active episodes and finished episodes that a Flag references; other resources pass.
pub(crate) fn select(resources: Vec<Value>) -> Vec<Value> {
    let mut flag_targets = Vec::new();
    for flag in resources.iter().filter(|r| resource_type(r) == "Flag") {
        references(flag, &mut flag_targets);
    }

    resources
        .into_iter()
        .filter(|resource| {
            if resource_type(resource) != "EpisodeOfCare" {
                return true;
            }
            match resource["status"].as_str() {
                Some("active") => true,
                Some("finished") => flag_targets
                    .iter()
                    .any(|target| points_at(target, "EpisodeOfCare", id(resource))),
                _ => false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn episode(id: &str, status: &str) -> Value {
        json!({"resourceType": "EpisodeOfCare", "id": id, "status": status})
    }

    fn flag_on(episode_id: &str) -> Value {
        json!({
            "resourceType": "Flag",
            "id": format!("flag-{episode_id}"),
            "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/flag-detail",
                "valueReference": {"reference": format!("EpisodeOfCare/{episode_id}"), "display": "episode"}
            }]
        })
    }

    fn kept_ids(resources: &[Value]) -> Vec<&str> {
        resources
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn active_episode_kept() {
        let kept = select(vec![episode("a", "active")]);
        assert_eq!(kept_ids(&kept), ["a"]);
    }

    #[test]
    fn closed_episode_without_flag_dropped() {
        let kept = select(vec![episode("closed", "finished"), flag_on("other")]);
        assert_eq!(kept_ids(&kept), ["flag-other"]);
    }

    #[test]
    fn closed_episode_with_flag_kept() {
        let kept = select(vec![episode("closed", "finished"), flag_on("closed")]);
        assert_eq!(kept_ids(&kept), ["closed", "flag-closed"]);
    }

    #[test]
    fn cancelled_or_erroneous_episode_dropped() {
        let kept = select(vec![
            episode("x", "cancelled"),
            episode("y", "entered-in-error"),
            flag_on("y"),
            episode("z", "planned"),
        ]);
        assert_eq!(kept_ids(&kept), ["flag-y"]);
    }

    #[test]
    fn conditions_pass() {
        let condition = json!({"resourceType": "Condition", "id": "c"});
        let kept = select(vec![condition]);
        assert_eq!(kept_ids(&kept), ["c"]);
    }
}
