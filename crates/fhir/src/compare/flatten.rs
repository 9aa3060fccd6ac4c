//! Flattening resources into (path, value) leaves, with references resolved to Bundle entries.

use std::collections::HashMap;

use crate::element::{Element, Kind};

/// One compared leaf: a path such as `identifier[1].system` and its value.
pub type Leaf = (String, String);

/// A Bundle entry (or a lone resource) under comparison.
pub struct Entry<'a> {
    /// The resource element.
    pub resource: &'a Element,
    /// The entry's fullUrl, if any.
    pub full_url: Option<String>,
    /// The entry's search mode, if any.
    pub mode: Option<String>,
    /// The key that references to this entry are replaced with.
    pub key: String,
}

/// Returns the entries of a Bundle, or the resource itself as one entry.
pub fn entries_of(root: &Element) -> Vec<Entry<'_>> {
    if root.name != "Bundle" {
        return vec![Entry {
            resource: root,
            full_url: None,
            mode: None,
            key: key_of(root, None, 0),
        }];
    }
    root.children_named("entry")
        .enumerate()
        .filter_map(|(index, entry)| {
            let resource = entry.child("resource")?.children.first()?;
            let full_url = entry.child_value("fullUrl").map(str::to_owned);
            Some(Entry {
                resource,
                key: key_of(resource, full_url.as_deref(), index),
                mode: entry
                    .child("search")
                    .and_then(|s| s.child_value("mode"))
                    .map(str::to_owned),
                full_url,
            })
        })
        .collect()
}

fn key_of(resource: &Element, full_url: Option<&str>, index: usize) -> String {
    match (full_url, resource.child_value("id")) {
        (Some(url), _) => url.to_owned(),
        (None, Some(id)) => format!("{}/{id}", resource.name),
        (None, None) => format!("{}#{index}", resource.name),
    }
}

impl Entry<'_> {
    /// Returns a readable name for the entry: `Type/id`, or the type alone.
    pub fn label(&self) -> String {
        match self.resource.child_value("id") {
            Some(id) => format!("{}/{id}", self.resource.name),
            None => self.resource.name.to_string(),
        }
    }

    /// Returns the leaves, with each resolvable reference replaced by `rename(target index)`.
    pub fn leaves(&self, all: &[Entry<'_>], rename: &dyn Fn(usize) -> String) -> Vec<Leaf> {
        let mut out = Vec::new();
        if let Some(mode) = &self.mode {
            out.push(("(search.mode)".to_owned(), mode.clone()));
        }
        let reference = |value: &str| resolve(all, value).map_or_else(|| value.to_owned(), rename);
        walk_resource(self.resource, &reference, &mut out);
        out
    }

    /// Returns the leaves for matching, with resolvable references replaced by the target type.
    pub fn scoring_leaves(&self, all: &[Entry<'_>]) -> HashMap<Leaf, usize> {
        let leaves = self.leaves(all, &|target| {
            format!("(reference to {})", all[target].resource.name)
        });
        let mut counts = HashMap::new();
        for leaf in leaves {
            *counts.entry(leaf).or_insert(0) += 1;
        }
        counts
    }
}

/// Finds the entry a reference points at, by fullUrl or by a trailing `Type/id`.
fn resolve(all: &[Entry<'_>], reference: &str) -> Option<usize> {
    if let Some(index) = all
        .iter()
        .position(|e| e.full_url.as_deref() == Some(reference))
    {
        return Some(index);
    }
    all.iter().position(|e| {
        e.resource.child_value("id").is_some_and(|id| {
            let relative = format!("{}/{id}", e.resource.name);
            reference == relative || reference.ends_with(&format!("/{relative}"))
        })
    })
}

fn walk_resource(resource: &Element, reference: &dyn Fn(&str) -> String, out: &mut Vec<Leaf>) {
    for (child, segment) in with_segments(resource) {
        match child.name.as_ref() {
            "id" | "text" => {}
            "meta" => {
                let mut meta = child.clone();
                meta.children.retain(|c| c.name != "lastUpdated");
                walk(&meta, &segment, reference, out);
            }
            _ => walk(child, &segment, reference, out),
        }
    }
}

fn walk(element: &Element, path: &str, reference: &dyn Fn(&str) -> String, out: &mut Vec<Leaf>) {
    if element.kind == Kind::Xhtml {
        return;
    }
    if let Some(id) = element.element_id() {
        out.push((format!("{path}@id"), id.to_owned()));
    }
    if element.is_resource() {
        walk_resource(element, reference, out);
        return;
    }
    match &element.value {
        Some(value) if element.name == "reference" => out.push((path.to_owned(), reference(value))),
        Some(value) => out.push((path.to_owned(), value.to_string())),
        None if element.children.is_empty() && element.url().is_none() => {
            out.push((path.to_owned(), "(empty)".into()))
        }
        None => {}
    }
    for (child, segment) in with_segments(element) {
        walk(child, &format!("{path}.{segment}"), reference, out);
    }
}

/// Pairs each child with its path segment: `name`, `name[i]` when the name repeats, or
/// `extension[url]` for extensions.
fn with_segments(element: &Element) -> Vec<(&Element, String)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    element
        .children
        .iter()
        .map(|child| {
            let segment = match child.url() {
                Some(url) => format!("{}[{url}]", child.name),
                None => {
                    let total = element.children_named(&child.name).count();
                    let index = seen.entry(&child.name).or_insert(0);
                    *index += 1;
                    if total > 1 {
                        format!("{}[{}]", child.name, *index - 1)
                    } else {
                        child.name.to_string()
                    }
                }
            };
            (child, segment)
        })
        .collect()
}
