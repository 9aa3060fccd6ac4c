//! Persons known to the simulated GP systems, for the gateway's availability check and for printing.

use common::Bsn;
use time::Date;

/// A person as the demo prints them and the availability check reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// The person's BSN (masked in `Debug`).
    pub bsn: Bsn,
    /// Display name, e.g. "Anna XXX_Testveld".
    pub name: String,
    /// Birth date, when the source has one.
    pub birth_date: Option<Date>,
    /// AORTA application ids of the GP systems that know the person; empty means every one
    /// (answers loaded from files are not tied to a practice).
    pub practice_app_ids: Vec<String>,
    /// A short note for the demo list, e.g. "15 jaar: geen toegang".
    pub note: String,
}

impl DemoPerson {
    /// Tells whether the GP system with this application id knows the person.
    pub fn known_at(&self, practice_app_id: &str) -> bool {
        self.practice_app_ids.is_empty()
            || self.practice_app_ids.iter().any(|id| id == practice_app_id)
    }

    /// Returns the age in whole years on `today`, if the birth date is known.
    pub fn age_on(&self, today: Date) -> Option<i32> {
        self.birth_date.map(|birth| age_on(birth, today))
    }
}

/// Returns the age in whole years of someone born on `birth`, on `today`.
pub fn age_on(birth: Date, today: Date) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (birth.month(), birth.day());
    today.year() - birth.year() - if had_birthday { 0 } else { 1 }
}
