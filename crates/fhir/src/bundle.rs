//! Building `searchset` Bundles: total, self link, absolute fullUrls and search modes.

use crate::element::{Element, Resource};

/// Builds a FHIR `searchset` Bundle.
#[derive(Debug, Clone)]
pub struct BundleBuilder {
    id: Option<String>,
    base_url: String,
    self_link: String,
    entries: Vec<(Resource, &'static str)>,
}

impl BundleBuilder {
    /// Starts a searchset whose fullUrls are `<base_url>/<type>/<id>` and whose self link is `self_link`.
    pub fn searchset(base_url: &str, self_link: &str) -> Self {
        Self {
            id: None,
            base_url: base_url.trim_end_matches('/').to_owned(),
            self_link: self_link.to_owned(),
            entries: Vec::new(),
        }
    }

    /// Sets the Bundle's id.
    #[must_use]
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }

    /// Adds a resource that matched the search (counted in `total`).
    pub fn add_match(&mut self, resource: Resource) {
        self.entries.push((resource, "match"));
    }

    /// Adds a resource included for context (not counted in `total`).
    pub fn add_include(&mut self, resource: Resource) {
        self.entries.push((resource, "include"));
    }

    /// Adds an OperationOutcome with search mode `outcome` (not counted in `total`).
    pub fn add_outcome(&mut self, resource: Resource) {
        self.entries.push((resource, "outcome"));
    }

    /// Returns the absolute URL of a resource in this Bundle.
    pub fn full_url(&self, resource: &Resource) -> String {
        match resource.id() {
            Some(id) => format!("{}/{}/{}", self.base_url, resource.resource_type(), id),
            None => format!("{}/{}", self.base_url, resource.resource_type()),
        }
    }

    /// Builds the Bundle resource.
    pub fn build(self) -> Resource {
        let total = self
            .entries
            .iter()
            .filter(|(_, mode)| *mode == "match")
            .count();
        let mut bundle = Element::new("Bundle")
            .with_opt(self.id.as_deref().map(|id| Element::primitive("id", id)))
            .with(Element::primitive("type", "searchset"))
            .with(Element::integer(
                "total",
                i64::try_from(total).unwrap_or(i64::MAX),
            ))
            .with(
                Element::new("link")
                    .with(Element::primitive("relation", "self"))
                    .with(Element::primitive("url", self.self_link.clone())),
            );
        for (resource, mode) in &self.entries {
            let entry = Element::new("entry")
                .with(Element::primitive("fullUrl", self.full_url(resource)))
                .with(Element::new("resource").with(resource.element.clone()))
                .with(Element::new("search").with(Element::primitive("mode", *mode)));
            bundle.push(entry);
        }
        Resource::from_element(bundle)
    }
}

/// Returns the resources of a Bundle's entries, in order.
pub fn entries(bundle: &Element) -> Vec<&Element> {
    bundle
        .children_named("entry")
        .filter_map(|entry| entry.child("resource"))
        .filter_map(|wrapper| wrapper.children.first())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn searchset_counts_matches_only() {
        let mut builder = BundleBuilder::searchset(
            "https://h.localhost/fhir/p/49/",
            "https://h.localhost/fhir/p/49/EpisodeOfCare",
        );
        builder.add_match(Resource::from_element(
            Element::new("EpisodeOfCare").with(Element::primitive("id", "e1")),
        ));
        builder.add_include(Resource::from_element(
            Element::new("Patient").with(Element::primitive("id", "p1")),
        ));
        let bundle = builder.build();
        let json = bundle.to_json();
        assert!(json.contains(r#""total":1"#), "{json}");
        assert!(
            json.contains(r#""fullUrl":"https://h.localhost/fhir/p/49/EpisodeOfCare/e1""#),
            "{json}"
        );
        assert!(json.contains(r#""mode":"include""#), "{json}");
        assert_eq!(entries(&bundle.element).len(), 2);
    }
}
