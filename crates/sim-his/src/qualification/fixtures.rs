//! Reading the TestScript fixtures: `${DATE, T, D, n}` substitution, FHIR XML parsing, and small
//! accessors over the parsed element tree.

use std::path::{Path, PathBuf};

use fhir::{Element, Resource};
use time::{Date, Duration, Month};

use super::QualificationError;

/// The FHIR resources of the fixture folders, in folder and file name order.
#[derive(Debug, Default)]
pub(super) struct Fixtures {
    resources: Vec<Resource>,
}

impl Fixtures {
    /// Reads every `*.xml` file in `dirs`, with the TestScript date variables resolved against `today`.
    pub(super) fn load(dirs: &[PathBuf], today: Date) -> Result<Fixtures, QualificationError> {
        let mut fixtures = Fixtures::default();
        for dir in dirs {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|source| QualificationError::Io {
                    path: dir.clone(),
                    source,
                })?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
                .collect();
            files.sort();
            for path in files {
                fixtures.resources.push(read_resource(&path, today)?);
            }
        }
        Ok(fixtures)
    }

    /// Returns the resources of one type, in file name order.
    pub(super) fn of_type<'a, 'b>(
        &'a self,
        resource_type: &'b str,
    ) -> impl Iterator<Item = &'a Element> + use<'a, 'b> {
        self.resources
            .iter()
            .filter(move |r| r.resource_type() == resource_type)
            .map(|r| &r.element)
    }

    /// Returns the resource that a literal reference such as `Condition/gpdata-condition-icpc-d02` names.
    pub(super) fn resolve(&self, reference: &str) -> Option<&Element> {
        let (resource_type, id) = reference.split_once('/')?;
        self.resources
            .iter()
            .map(|r| &r.element)
            .find(|r| r.name == resource_type && r.child_value("id") == Some(id))
    }
}

fn read_resource(path: &Path, today: Date) -> Result<Resource, QualificationError> {
    let text = std::fs::read_to_string(path).map_err(|source| QualificationError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = substitute_dates(&text, today).map_err(|variable| QualificationError::Variable {
        path: path.to_path_buf(),
        variable,
    })?;
    Resource::from_xml(&text).map_err(|source| QualificationError::Fhir {
        path: path.to_path_buf(),
        source,
    })
}

/// Replaces the TestScript date variables with ISO dates: `${DATE, T, D, -100}` (the variable `T`,
/// which defaults to `${CURRENTDATE}`, shifted by -100 days; `M` shifts months and `Y` years),
/// `${CURRENTDATE}` and `${CURRENTDATE, M, -14}`. Returns the first variable it cannot resolve.
pub(super) fn substitute_dates(text: &str, today: Date) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(after.chars().take(40).collect());
        };
        let variable = &after[..end];
        let date = resolve(variable, today).ok_or_else(|| variable.to_owned())?;
        out.push_str(&date.to_string());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn resolve(variable: &str, today: Date) -> Option<Date> {
    let parts: Vec<&str> = variable.split(',').map(str::trim).collect();
    let (unit, amount) = match parts.as_slice() {
        ["CURRENTDATE"] => return Some(today),
        ["CURRENTDATE", unit, amount] | ["DATE", "T", unit, amount] => (*unit, *amount),
        _ => return None,
    };
    let amount: i64 = amount.parse().ok()?;
    match unit {
        "D" => today.checked_add(Duration::days(amount)),
        "M" => add_months(today, amount),
        "Y" => add_months(today, amount.checked_mul(12)?),
        _ => None,
    }
}

/// Shifts a date by whole months, keeping the day or clamping it to the last day of the month.
fn add_months(date: Date, months: i64) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// Returns the element at `path` below `element` (first match at each step).
pub(super) fn at<'a>(element: &'a Element, path: &[&str]) -> Option<&'a Element> {
    path.iter()
        .try_fold(element, |current, name| current.child(name))
}

/// Returns the primitive value at `path` below `element`.
pub(super) fn value<'a>(element: &'a Element, path: &[&str]) -> Option<&'a str> {
    at(element, path).and_then(|e| e.value.as_deref())
}

/// Returns the extension with this URL directly below `element`.
pub(super) fn extension<'a>(element: &'a Element, url: &str) -> Option<&'a Element> {
    element
        .children_named("extension")
        .find(|e| e.url() == Some(url))
}

/// Returns the first `coding` of a CodeableConcept as (system, code, display).
pub(super) fn first_coding(concept: &Element) -> Option<(&str, &str, &str)> {
    let coding = concept.child("coding")?;
    Some((
        coding.child_value("system").unwrap_or_default(),
        coding.child_value("code")?,
        coding.child_value("display").unwrap_or_default(),
    ))
}

/// Returns the `coding` of a CodeableConcept with this system, as (code, display).
pub(super) fn coding_in<'a>(concept: &'a Element, system: &str) -> Option<(&'a str, &'a str)> {
    concept
        .children_named("coding")
        .find(|c| c.child_value("system") == Some(system))
        .and_then(|c| {
            Some((
                c.child_value("code")?,
                c.child_value("display").unwrap_or_default(),
            ))
        })
}

/// Reads the date part of a FHIR date or dateTime.
pub(super) fn date_of(text: &str) -> Option<Date> {
    let year = text.get(0..4)?.parse().ok()?;
    let month: u8 = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 12 - 04);

    #[test]
    fn date_variable_shifts_days() {
        let text =
            r#"<start value="${DATE, T, D, -100}"/><x value="${DATE, T, D, -1}T00:00:00+01:00"/>"#;
        let out = substitute_dates(text, TODAY).unwrap();
        assert_eq!(
            out,
            r#"<start value="2026-08-26"/><x value="2026-12-03T00:00:00+01:00"/>"#
        );
    }

    #[test]
    fn current_date_shifts_months() {
        assert_eq!(
            substitute_dates("${CURRENTDATE,M,-14}", TODAY).unwrap(),
            "2025-10-04"
        );
        assert_eq!(
            substitute_dates("${CURRENTDATE}", TODAY).unwrap(),
            "2026-12-04"
        );
        assert_eq!(
            substitute_dates("${CURRENTDATE, M, -9}", date!(2026 - 11 - 30)).unwrap(),
            "2026-02-28"
        );
    }

    #[test]
    fn unknown_variable_rejected() {
        assert_eq!(substitute_dates("a ${UUID} b", TODAY).unwrap_err(), "UUID");
        assert!(substitute_dates("a ${DATE, T, D, x}", TODAY).is_err());
        assert!(substitute_dates("a ${DATE, T, D, 1", TODAY).is_err());
    }

    #[test]
    fn fhir_dates_read() {
        assert_eq!(date_of("2026-08-26"), Some(date!(2026 - 08 - 26)));
        assert_eq!(
            date_of("2026-12-03T00:00:00+01:00"),
            Some(date!(2026 - 12 - 03))
        );
        assert_eq!(date_of("2026"), None);
    }
}
