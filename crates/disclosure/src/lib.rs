//! OPEN disclosure rules over translated FHIR resources.
//!
//! The rules decide which of the resources that the GP system returned a patient may see in a PGO.
//! Resources are FHIR STU3 JSON values (`serde_json::Value`), so the rules work the same on the output of
//! any translator. Everything is pure: the caller passes today's date, the patient's age and the practice's
//! online-access start date.

#![forbid(unsafe_code)]

mod json;
mod rules;

use serde_json::Value;
use time::Date;

pub use json::fhir_date;
pub use rules::documents::PDFA_CUTOFF;
pub use rules::medication::{current_on as medication_current_on, period_of_use};
pub use rules::results::window_start as results_window_start;

/// The minimum age at which a patient gets online access to their own GP record.
pub const MINIMUM_AGE: u32 = 16;

/// The facts the rules depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Today's date in the Netherlands.
    pub today: Date,
    /// The patient's age in whole years on `today`.
    pub patient_age: u32,
    /// The day on which the practice started online access; consultations before it stay hidden.
    /// `None` hides every consultation, because the practice has not set the date.
    pub online_access_start: Option<Date>,
}

/// The OPEN data category of a search; each category has its own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The patient and their own GP (`Patient?_include=Patient:general-practitioner`).
    Patient,
    /// Current episodes and closed episodes with an attentiewaarde.
    Episodes,
    /// Medication agreements that are current today.
    Medication,
    /// Medication intolerances, whatever their clinical status.
    Intolerances,
    /// Lab results and general measurements of the last 14 months.
    Results,
    /// E and P journal lines of consultations on or after the online-access start date.
    Journal,
    /// Consultations (encounters) on or after the online-access start date.
    Encounters,
    /// PDF/A documents added on or after 2020-07-01.
    Documents,
}

/// Why nothing at all may be disclosed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureError {
    /// The patient is younger than [`MINIMUM_AGE`]; parents and guardians get no access through a PGO.
    #[error(
        "the patient is {age}, younger than the minimum age of {MINIMUM_AGE} for online access"
    )]
    UnderAge {
        /// The patient's age in whole years.
        age: u32,
    },
}

/// Keeps the resources of `category` that the OPEN rules allow and drops the rest.
///
/// Resources of other types (Patient, Practitioner, Organization, Medication, Specimen, …) pass through
/// unchanged: the caller decides which of them to include, normally those that kept resources reference.
/// Flags (attentiewaarden) never pass, because they are aimed at the GP and not at the patient; the episode
/// rule only reads them.
///
/// # Errors
/// [`DisclosureError::UnderAge`] when the patient is younger than 16.
pub fn select(
    category: Category,
    resources: Vec<Value>,
    ctx: &Context,
) -> Result<Vec<Value>, DisclosureError> {
    if ctx.patient_age < MINIMUM_AGE {
        return Err(DisclosureError::UnderAge {
            age: ctx.patient_age,
        });
    }

    let selected = match category {
        Category::Patient | Category::Intolerances => resources,
        Category::Episodes => rules::episodes::select(resources),
        Category::Medication => rules::medication::select(resources, ctx.today),
        Category::Results => rules::results::select(resources, ctx.today),
        Category::Journal => rules::journal::select(resources, ctx.online_access_start),
        Category::Encounters => {
            rules::journal::select_encounters(resources, ctx.online_access_start)
        }
        Category::Documents => rules::documents::select(resources),
    };

    let selected = match category {
        Category::Intolerances => rules::intolerances::select(selected),
        _ => selected,
    };

    Ok(selected
        .into_iter()
        .filter(|resource| json::resource_type(resource) != "Flag")
        .collect())
}

/// Computes the age in whole years on `today` of someone born on `birth_date`.
///
/// Someone born on 29 February becomes a year older on 1 March in years without that day.
pub fn age_on(birth_date: Date, today: Date) -> u32 {
    if today < birth_date {
        return 0;
    }
    let mut years = today.year() - birth_date.year();
    let birthday_passed =
        (today.month() as u8, today.day()) >= (birth_date.month() as u8, birth_date.day());
    if !birthday_passed {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn adult(today: Date) -> Context {
        Context {
            today,
            patient_age: 40,
            online_access_start: Some(date!(2020 - 01 - 01)),
        }
    }

    #[test]
    fn under_sixteen_gets_nothing() {
        let ctx = Context {
            patient_age: 15,
            ..adult(date!(2026 - 12 - 04))
        };
        let patient = vec![json!({"resourceType": "Patient", "id": "p"})];

        let result = select(Category::Patient, patient, &ctx);

        assert_eq!(result, Err(DisclosureError::UnderAge { age: 15 }));
    }

    #[test]
    fn sixteen_gets_access() {
        let ctx = Context {
            patient_age: 16,
            ..adult(date!(2026 - 12 - 04))
        };
        let patient = vec![json!({"resourceType": "Patient", "id": "p"})];

        let result = select(Category::Patient, patient, &ctx).unwrap();

        assert_eq!(result.len(), 1);
    }

    #[test]
    fn age_turns_on_birthday() {
        let birth = date!(2010 - 12 - 04);
        assert_eq!(age_on(birth, date!(2026 - 12 - 03)), 15);
        assert_eq!(age_on(birth, date!(2026 - 12 - 04)), 16);
        assert_eq!(age_on(birth, date!(2026 - 12 - 05)), 16);
    }

    #[test]
    fn age_of_leap_day_birth() {
        let birth = date!(2008 - 02 - 29);
        assert_eq!(age_on(birth, date!(2024 - 02 - 28)), 15);
        assert_eq!(age_on(birth, date!(2024 - 02 - 29)), 16);
        assert_eq!(age_on(birth, date!(2025 - 02 - 28)), 16);
        assert_eq!(age_on(birth, date!(2026 - 03 - 01)), 18);
        assert_eq!(age_on(birth, date!(2007 - 01 - 01)), 0);
    }

    #[test]
    fn flags_never_pass() {
        let resources = vec![
            json!({"resourceType": "Flag", "id": "f"}),
            json!({"resourceType": "Patient", "id": "p"}),
        ];

        let result = select(Category::Patient, resources, &adult(date!(2026 - 12 - 04))).unwrap();

        assert_eq!(result.len(), 1);
        assert_eq!(result[0]["resourceType"], "Patient");
    }
}
