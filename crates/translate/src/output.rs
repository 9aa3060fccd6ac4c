//! Collecting translated resources: search modes, and de-duplication of resources that several
//! answers (or several acts) yield with the same id.

use fhir::Resource;

/// The role of a resource in the search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// The resource matches the search (counted in `Bundle.total`).
    Match,
    /// The resource is included as context (Patient, Organization, ...).
    Include,
}

impl SearchMode {
    /// Returns the FHIR code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Match => "match",
            Self::Include => "include",
        }
    }
}

/// The resources collected so far, in insertion order.
#[derive(Debug, Default)]
pub struct Output {
    /// The resources with their search mode.
    pub entries: Vec<(Resource, SearchMode)>,
}

impl Output {
    /// Adds a resource and returns its relative reference (`Type/id`).
    ///
    /// An identical resource with the same id is stored once (a match wins over an include). A
    /// different resource with a taken id gets the id with a `-2`, `-3`, ... suffix.
    pub fn add(&mut self, mut resource: Resource, mode: SearchMode) -> String {
        let base_id = resource.id().unwrap_or_default().to_owned();
        let mut candidate = base_id.clone();
        for suffix in 2.. {
            set_id(&mut resource, &candidate);
            let existing = self.entries.iter_mut().find(|(r, _)| {
                r.resource_type() == resource.resource_type() && r.id() == Some(candidate.as_str())
            });
            match existing {
                None => break,
                Some((known, known_mode)) if *known == resource => {
                    if mode == SearchMode::Match {
                        *known_mode = SearchMode::Match;
                    }
                    return format!("{}/{candidate}", resource.resource_type());
                }
                Some(_) => candidate = format!("{base_id}-{suffix}"),
            }
        }
        let reference = format!("{}/{candidate}", resource.resource_type());
        shrink(&mut resource.element);
        self.entries.push((resource, mode));
        reference
    }
}

/// Gives back the spare capacity of every children list (builders grow them by doubling), which
/// lowers the peak memory of a translation by about a fifth.
fn shrink(element: &mut fhir::Element) {
    element.children.shrink_to_fit();
    for child in &mut element.children {
        shrink(child);
    }
}

fn set_id(resource: &mut Resource, id: &str) {
    if let Some(element) = resource
        .element
        .children
        .iter_mut()
        .find(|c| c.name == "id")
    {
        element.value = Some(id.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fhir::Element;

    fn flag(id: &str, status: &str) -> Resource {
        Resource::from_element(
            Element::new("Flag")
                .with(Element::primitive("id", id))
                .with(Element::primitive("status", status)),
        )
    }

    #[test]
    fn identical_resources_are_stored_once() {
        let mut output = Output::default();
        assert_eq!(
            output.add(flag("a", "active"), SearchMode::Include),
            "Flag/a"
        );
        assert_eq!(output.add(flag("a", "active"), SearchMode::Match), "Flag/a");
        assert_eq!(output.entries.len(), 1);
        assert_eq!(output.entries[0].1, SearchMode::Match);
    }

    #[test]
    fn different_resources_with_same_id_get_suffix() {
        let mut output = Output::default();
        output.add(flag("a", "active"), SearchMode::Match);
        assert_eq!(
            output.add(flag("a", "inactive"), SearchMode::Match),
            "Flag/a-2"
        );
        assert_eq!(
            output.add(flag("a", "entered-in-error"), SearchMode::Match),
            "Flag/a-3"
        );
        assert_eq!(
            output.add(flag("a", "inactive"), SearchMode::Match),
            "Flag/a-2"
        );
    }
}
