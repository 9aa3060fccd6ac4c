//! Documents: PDF/A documents added to the record on or after 2020-07-01.

use serde_json::Value;
use time::{Date, macros::date};

use crate::json::{date_at, id, points_at, resource_type};

/// Documents added before this day stay hidden.
pub const PDFA_CUTOFF: Date = date!(2020 - 07 - 01);

/// Keeps PDF DocumentReferences indexed since [`PDFA_CUTOFF`], the DocumentManifests created since then,
/// and the Binaries that a kept DocumentReference points at; other resources pass.
pub(crate) fn select(resources: Vec<Value>) -> Vec<Value> {
    let (documents, others): (Vec<Value>, Vec<Value>) = resources
        .into_iter()
        .partition(|r| resource_type(r) == "DocumentReference");
    let documents: Vec<Value> = documents
        .into_iter()
        .filter(is_disclosed_document)
        .collect();

    let attachment_urls: Vec<&str> = documents
        .iter()
        .flat_map(|document| document["content"].as_array().into_iter().flatten())
        .filter_map(|content| content["attachment"]["url"].as_str())
        .collect();
    let binary_allowed = |binary: &Value| {
        attachment_urls
            .iter()
            .any(|url| points_at(url, "Binary", id(binary)))
    };

    let mut kept_others = Vec::with_capacity(others.len());
    for resource in others {
        let keep = match resource_type(&resource) {
            "Binary" => binary_allowed(&resource),
            "DocumentManifest" => {
                date_at(&resource, "created").is_some_and(|created| created >= PDFA_CUTOFF)
            }
            _ => true,
        };
        if keep {
            kept_others.push(resource);
        }
    }

    let mut kept = documents;
    kept.extend(kept_others);
    kept
}

fn is_disclosed_document(document: &Value) -> bool {
    let indexed = date_at(document, "indexed").is_some_and(|indexed| indexed >= PDFA_CUTOFF);
    let pdf = document["content"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|content| content["attachment"]["contentType"].as_str() == Some("application/pdf"));
    indexed && pdf
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(id: &str, indexed: &str, content_type: &str) -> Value {
        json!({
            "resourceType": "DocumentReference",
            "id": id,
            "status": "current",
            "indexed": indexed,
            "content": [{"attachment": {"contentType": content_type, "url": format!("Binary/bin-{id}")}}]
        })
    }

    fn ids(resources: &[Value]) -> Vec<&str> {
        resources
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn cutoff_boundaries() {
        let kept = select(vec![
            document("before", "2020-06-30T23:59:59+02:00", "application/pdf"),
            document("on", "2020-07-01T00:00:00+02:00", "application/pdf"),
            document("after", "2020-07-02", "application/pdf"),
        ]);
        assert_eq!(ids(&kept), ["on", "after"]);
    }

    #[test]
    fn non_pdf_dropped() {
        let kept = select(vec![document("doc", "2024-01-01", "text/plain")]);
        assert!(kept.is_empty());
    }

    #[test]
    fn binary_follows_its_document() {
        let kept = select(vec![
            document("old", "2019-01-01", "application/pdf"),
            document("new", "2024-01-01", "application/pdf"),
            json!({"resourceType": "Binary", "id": "bin-old", "contentType": "application/pdf"}),
            json!({"resourceType": "Binary", "id": "bin-new", "contentType": "application/pdf"}),
        ]);
        assert_eq!(ids(&kept), ["new", "bin-new"]);
    }

    #[test]
    fn manifest_created_boundaries() {
        let manifest = |id: &str, created: &str| json!({"resourceType": "DocumentManifest", "id": id, "created": created});
        let kept = select(vec![
            manifest("before", "2020-06-30"),
            manifest("on", "2020-07-01"),
            manifest("after", "2020-07-02"),
        ]);
        assert_eq!(ids(&kept), ["on", "after"]);
    }
}
