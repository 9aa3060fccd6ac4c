//! The availability check (beschikbaarheidstoets): is the person known at the practice and 16 or older?

use std::future::Future;
use std::pin::Pin;

use common::Bsn;
use time::Date;

use crate::config::Practice;

/// A boxed future, so that directories can be stored as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// MedMij: only persons of 16 and older use a PGO for themselves.
pub const MINIMUM_AGE: u8 = 16;

/// The facts the GP system returns about a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    /// Birth date as the GP system records it.
    pub birth_date: Date,
}

/// A failed lookup at the GP system.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The LSP or the GP system timed out or returned an error.
    #[error("patient lookup failed: {0}")]
    Failed(String),
}

/// Looks up a person at a practice's GP system.
pub trait PatientDirectory: Send + Sync + std::fmt::Debug {
    /// Returns the person's facts, or `None` when the practice does not know the person.
    fn find<'a>(
        &'a self,
        practice: &'a Practice,
        bsn: &'a Bsn,
        correlation_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PatientFacts>, LookupError>>;
}

/// The outcome of the availability check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Known at the practice and old enough.
    Available,
    /// The practice does not know the person.
    UnknownPerson,
    /// The person is younger than [`MINIMUM_AGE`].
    TooYoung,
}

impl Availability {
    /// A stable key for logs and audit events.
    pub fn key(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::UnknownPerson => "unknown-person",
            Availability::TooYoung => "too-young",
        }
    }
}

/// Returns the age in whole years on `today`.
pub fn age_on(birth_date: Date, today: Date) -> i32 {
    let mut age = today.year() - birth_date.year();
    if (today.month() as u8, today.day()) < (birth_date.month() as u8, birth_date.day()) {
        age -= 1;
    }
    age
}

/// Applies the rules to what the GP system returned.
pub fn decide(facts: Option<&PatientFacts>, today: Date) -> Availability {
    match facts {
        None => Availability::UnknownPerson,
        Some(facts) if age_on(facts.birth_date, today) < i32::from(MINIMUM_AGE) => {
            Availability::TooYoung
        }
        Some(_) => Availability::Available,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn age_counts_birthday_itself() {
        assert_eq!(age_on(date!(2010 - 12 - 04), date!(2026 - 12 - 04)), 16);
        assert_eq!(age_on(date!(2010 - 12 - 05), date!(2026 - 12 - 04)), 15);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 17);
    }

    #[test]
    fn decide_rejects_unknown_and_young() {
        let today = date!(2026 - 12 - 04);
        assert_eq!(decide(None, today), Availability::UnknownPerson);
        let young = PatientFacts {
            birth_date: date!(2011 - 01 - 01),
        };
        assert_eq!(decide(Some(&young), today), Availability::TooYoung);
        let adult = PatientFacts {
            birth_date: date!(1980 - 01 - 01),
        };
        assert_eq!(decide(Some(&adult), today), Availability::Available);
    }
}
