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
        // The id given after a collision. The resource's own id is only copied when it collides.
        let mut renamed: Option<String> = None;
        let mut base_id: Option<String> = None;
        for suffix in 2.. {
            let candidate = match &renamed {
                Some(id) => id.as_str(),
                None => resource.id().unwrap_or_default(),
            };
            let existing = self.entries.iter_mut().find(|(r, _)| {
                r.resource_type() == resource.resource_type() && r.id() == Some(candidate)
            });
            match existing {
                None => break,
                Some((known, known_mode)) if *known == resource => {
                    if mode == SearchMode::Match {
                        *known_mode = SearchMode::Match;
                    }
                    return [resource.resource_type(), "/", candidate].concat();
                }
                Some(_) => {
                    let base = base_id.get_or_insert_with(|| candidate.to_owned());
                    let next = format!("{base}-{suffix}");
                    set_id(&mut resource, &next);
                    renamed = Some(next);
                }
            }
        }
        let candidate = match &renamed {
            Some(id) => id.as_str(),
            None => resource.id().unwrap_or_default(),
        };
        let reference = [resource.resource_type(), "/", candidate].concat();
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
        element.value = Some(id.into());
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
