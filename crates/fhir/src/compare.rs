//! FHIR-aware comparison of a produced Bundle (or resource) with an expected one.
//!
//! Ignored: resource ids and consistently renamed references, fullUrls, `Bundle.id`, the Bundle's
//! self link, `meta.lastUpdated`, narrative `text` and the entry order. Everything else is compared
//! leaf by leaf, and every difference is listed with its path.

mod flatten;

use std::collections::HashMap;

use crate::element::{Element, Resource};
use flatten::{Entry, Leaf, entries_of};

/// The kind of a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceKind {
    /// The expected leaf (or resource) is absent from the actual output.
    Missing,
    /// The actual output has a leaf (or resource) that was not expected.
    Unexpected,
    /// Both have the path, with different values.
    Changed,
}

/// One difference between actual and expected output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The path, e.g. `EpisodeOfCare/e1.identifier.system` (the expected resource's id when matched).
    pub path: String,
    /// The kind of difference.
    pub kind: DifferenceKind,
    /// The expected value, if any.
    pub expected: Option<String>,
    /// The actual value, if any.
    pub actual: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let expected = self.expected.as_deref().unwrap_or("-");
        let actual = self.actual.as_deref().unwrap_or("-");
        match self.kind {
            DifferenceKind::Missing => write!(f, "missing    {} = {expected}", self.path),
            DifferenceKind::Unexpected => write!(f, "unexpected {} = {actual}", self.path),
            DifferenceKind::Changed => write!(
                f,
                "changed    {}: expected {expected}, actual {actual}",
                self.path
            ),
        }
    }
}

/// The result of a comparison, with agreement counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Every difference, expected resources first in their order.
    pub differences: Vec<Difference>,
    /// Number of expected leaves that the actual output has with the same value.
    pub agreeing: usize,
    /// Number of compared leaves in the expected output.
    pub expected_leaves: usize,
    /// Number of compared leaves in the actual output.
    pub actual_leaves: usize,
}

/// Compares actual with expected output and lists the differences.
pub fn compare(actual: &Resource, expected: &Resource) -> Vec<Difference> {
    compare_resources(actual, expected).differences
}

/// Compares actual with expected output and counts the agreeing leaves.
pub fn compare_resources(actual: &Resource, expected: &Resource) -> Comparison {
    let actual_entries = entries_of(&actual.element);
    let expected_entries = entries_of(&expected.element);
    let pairs = match_entries(&actual_entries, &expected_entries);
    let mut comparison = Comparison::default();
    compare_totals(&actual.element, &expected.element, &mut comparison);
    let renamed = rename_map(&expected_entries, &pairs);
    for (index, expected_entry) in expected_entries.iter().enumerate() {
        let expected_leaves = expected_entry.leaves(&expected_entries, &|target| {
            expected_entries[target].key.clone()
        });
        comparison.expected_leaves += expected_leaves.len();
        let label = expected_entry.label();
        match pairs.iter().find(|(_, e)| *e == index) {
            Some((a, _)) => {
                let actual_leaves = actual_entries[*a].leaves(&actual_entries, &|target| {
                    renamed.get(&target).cloned().unwrap_or_else(|| {
                        format!("(unmatched {})", actual_entries[target].label())
                    })
                });
                diff_leaves(&label, &expected_leaves, &actual_leaves, &mut comparison);
            }
            None => comparison.differences.push(Difference {
                path: label,
                kind: DifferenceKind::Missing,
                expected: Some("(resource)".into()),
                actual: None,
            }),
        }
    }
    for (index, actual_entry) in actual_entries.iter().enumerate() {
        let leaves = actual_entry.leaves(&actual_entries, &|target| {
            actual_entries[target].key.clone()
        });
        comparison.actual_leaves += leaves.len();
        if !pairs.iter().any(|(a, _)| *a == index) {
            comparison.differences.push(Difference {
                path: actual_entry.label(),
                kind: DifferenceKind::Unexpected,
                expected: None,
                actual: Some("(resource)".into()),
            });
        }
    }
    comparison
}

fn compare_totals(actual: &Element, expected: &Element, comparison: &mut Comparison) {
    if expected.name != "Bundle" {
        return;
    }
    let expected_total = expected.child_value("total").map(str::to_owned);
    let actual_total = actual.child_value("total").map(str::to_owned);
    comparison.expected_leaves += 1;
    if expected_total == actual_total {
        comparison.agreeing += 1;
    } else {
        comparison.differences.push(Difference {
            path: "Bundle.total".into(),
            kind: DifferenceKind::Changed,
            expected: expected_total,
            actual: actual_total,
        });
    }
}

/// Maps actual entry indices to the reference key of the expected entry they matched.
fn rename_map(expected: &[Entry<'_>], pairs: &[(usize, usize)]) -> HashMap<usize, String> {
    pairs
        .iter()
        .map(|(a, e)| (*a, expected[*e].key.clone()))
        .collect()
}

/// Pairs actual with expected entries of the same type, best leaf overlap first.
fn match_entries(actual: &[Entry<'_>], expected: &[Entry<'_>]) -> Vec<(usize, usize)> {
    let actual_sets: Vec<HashMap<Leaf, usize>> =
        actual.iter().map(|e| e.scoring_leaves(actual)).collect();
    let expected_sets: Vec<HashMap<Leaf, usize>> = expected
        .iter()
        .map(|e| e.scoring_leaves(expected))
        .collect();
    let mut scored = Vec::new();
    for (a, actual_entry) in actual.iter().enumerate() {
        for (e, expected_entry) in expected.iter().enumerate() {
            if actual_entry.resource.name == expected_entry.resource.name {
                let score = overlap(&actual_sets[a], &expected_sets[e]);
                scored.push((score, a.abs_diff(e), a, e));
            }
        }
    }
    scored.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
            .then(x.3.cmp(&y.3))
    });
    let mut used_actual = vec![false; actual.len()];
    let mut used_expected = vec![false; expected.len()];
    let mut pairs = Vec::new();
    for (_, _, a, e) in scored {
        if !used_actual[a] && !used_expected[e] {
            used_actual[a] = true;
            used_expected[e] = true;
            pairs.push((a, e));
        }
    }
    pairs
}

fn overlap(left: &HashMap<Leaf, usize>, right: &HashMap<Leaf, usize>) -> usize {
    left.iter()
        .map(|(leaf, count)| right.get(leaf).map_or(0, |other| (*count).min(*other)))
        .sum()
}

fn diff_leaves(label: &str, expected: &[Leaf], actual: &[Leaf], comparison: &mut Comparison) {
    let mut remaining: Vec<Option<&Leaf>> = actual.iter().map(Some).collect();
    let mut missing = Vec::new();
    for leaf in expected {
        match remaining.iter().position(|r| *r == Some(leaf)) {
            Some(position) => {
                remaining[position] = None;
                comparison.agreeing += 1;
            }
            None => missing.push(leaf),
        }
    }
    for leaf in missing {
        let same_path = remaining
            .iter()
            .position(|r| r.is_some_and(|a| a.0 == leaf.0));
        let difference = match same_path {
            Some(position) => {
                let actual_value = remaining[position].map(|a| a.1.clone());
                remaining[position] = None;
                Difference {
                    path: format!("{label}.{}", leaf.0),
                    kind: DifferenceKind::Changed,
                    expected: Some(leaf.1.clone()),
                    actual: actual_value,
                }
            }
            None => Difference {
                path: format!("{label}.{}", leaf.0),
                kind: DifferenceKind::Missing,
                expected: Some(leaf.1.clone()),
                actual: None,
            },
        };
        comparison.differences.push(difference);
    }
    for leaf in remaining.into_iter().flatten() {
        comparison.differences.push(Difference {
            path: format!("{label}.{}", leaf.0),
            kind: DifferenceKind::Unexpected,
            expected: None,
            actual: Some(leaf.1.clone()),
        });
    }
}

#[cfg(test)]
mod tests;
