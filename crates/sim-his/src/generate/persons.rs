//! The demo practices and the fictitious demo persons with their records.

use common::Bsn;
use time::{Date, Duration};

use super::SynthPatient;
use super::model::{ClinicalData, Clinician, Gender, Practice};
use super::{other_records, records};
use crate::person::{DemoPerson, age_on};

/// AORTA application id of the GP system of Huisartsenpraktijk De Linde.
pub const DE_LINDE: &str = "4001";
/// AORTA application id of the GP system of Huisartsenpraktijk Het Anker.
pub const HET_ANKER: &str = "4002";

/// Returns the demo practices: De Linde (4001, URA 00001111) and Het Anker (4002, URA 00002222).
pub fn practices() -> Vec<Practice> {
    vec![
        Practice {
            app_id: DE_LINDE.to_owned(),
            ura: "00001111".to_owned(),
            name: "Huisartsenpraktijk De Linde".to_owned(),
            city: "Utrecht".to_owned(),
            uzi_system_number: "00004001".to_owned(),
            gp: Clinician {
                uzi: "900000401".to_owned(),
                name: "L. XXX_Testarts-Linde".to_owned(),
                role_code: "01.015".to_owned(),
                role_display: "Huisarts".to_owned(),
            },
        },
        Practice {
            app_id: HET_ANKER.to_owned(),
            ura: "00002222".to_owned(),
            name: "Huisartsenpraktijk Het Anker".to_owned(),
            city: "Zwolle".to_owned(),
            uzi_system_number: "00004002".to_owned(),
            gp: Clinician {
                uzi: "900000402".to_owned(),
                name: "A. XXX_Testarts-Anker".to_owned(),
                role_code: "01.015".to_owned(),
                role_display: "Huisarts".to_owned(),
            },
        },
    ]
}

/// One demo person before generation.
struct Seed {
    bsn: &'static str,
    given: &'static str,
    family: &'static str,
    gender: Gender,
    /// Age on the day of generation, in whole years, plus extra days since the last birthday.
    age: (i32, i64),
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
}

/// Returns the demo persons with records relative to `today`. Every BSN is fictitious but passes
/// the 11-test, and every family name starts with "XXX_Test":
///
/// | BSN | name | age | practices | data |
/// |---|---|---|---|---|
/// | 999991103 | Anna XXX_Testveld | 54 | 4001 | every category |
/// | 999991115 | Sem XXX_Testjong | 15 | 4001 | episodes, journal, encounters, measurements |
/// | 999991127 | Karel XXX_Testanker | 67 | 4002 | episodes, medication, journal, encounters, measurements |
/// | 999991139 | Fatima XXX_Testbeide | 38 | 4001 and 4002 | different data at each practice |
/// | 999991140 | Pieter XXX_Testleeg | 45 | 4001 | nothing (every answer is `NF`) |
pub fn demo_patients(today: Date) -> Vec<SynthPatient> {
    let practices = practices();
    let linde = || practices.iter().find(|p| p.app_id == DE_LINDE).cloned();
    let anker = || practices.iter().find(|p| p.app_id == HET_ANKER).cloned();

    let mut patients = Vec::new();
    let mut add = |seed: Seed, records: Vec<(Option<Practice>, ClinicalData)>| {
        let records: Vec<(Practice, ClinicalData)> = records
            .into_iter()
            .filter_map(|(practice, data)| practice.map(|p| (p, data)))
            .collect();
        if let Some(patient) = build(seed, today, records) {
            patients.push(patient);
        }
    };

    add(
        Seed {
            bsn: "999991103",
            given: "Anna",
            family: "XXX_Testveld",
            gender: Gender::Female,
            age: (54, 120),
            street: "Lindelaan 12",
            postal_code: "3500 AA",
            city: "Utrecht",
        },
        vec![(linde(), records::full(today, "anna"))],
    );
    add(
        Seed {
            bsn: "999991115",
            given: "Sem",
            family: "XXX_Testjong",
            gender: Gender::Male,
            age: (15, 200),
            street: "Lindelaan 14",
            postal_code: "3500 AA",
            city: "Utrecht",
        },
        vec![(linde(), other_records::teenager(today))],
    );
    add(
        Seed {
            bsn: "999991127",
            given: "Karel",
            family: "XXX_Testanker",
            gender: Gender::Male,
            age: (67, 30),
            street: "Havenkade 3",
            postal_code: "8000 AB",
            city: "Zwolle",
        },
        vec![(anker(), other_records::elderly(today))],
    );
    add(
        Seed {
            bsn: "999991139",
            given: "Fatima",
            family: "XXX_Testbeide",
            gender: Gender::Female,
            age: (38, 45),
            street: "Kerkstraat 7",
            postal_code: "3500 AC",
            city: "Utrecht",
        },
        vec![
            (linde(), other_records::moved_away(today)),
            (anker(), other_records::new_practice(today)),
        ],
    );
    add(
        Seed {
            bsn: "999991140",
            given: "Pieter",
            family: "XXX_Testleeg",
            gender: Gender::Male,
            age: (45, 10),
            street: "Lindelaan 20",
            postal_code: "3500 AA",
            city: "Utrecht",
        },
        vec![(linde(), ClinicalData::default())],
    );
    patients
}

fn build(seed: Seed, today: Date, records: Vec<(Practice, ClinicalData)>) -> Option<SynthPatient> {
    let bsn = Bsn::parse(seed.bsn).ok()?;
    let (years, days) = seed.age;
    let birth_date = years_before(today, years).saturating_sub(Duration::days(days));
    let age = age_on(birth_date, today);

    let note = if age < 16 {
        format!("{age} jaar: geen toegang")
    } else if records.iter().all(|(_, data)| is_empty(data)) {
        format!("{age} jaar, geen gegevens")
    } else if records.len() > 1 {
        format!("{age} jaar, gegevens bij twee praktijken")
    } else {
        format!("{age} jaar")
    };

    Some(SynthPatient {
        person: DemoPerson {
            bsn,
            name: format!("{} {}", seed.given, seed.family),
            birth_date: Some(birth_date),
            practice_app_ids: records.iter().map(|(p, _)| p.app_id.clone()).collect(),
            note,
        },
        given: seed.given.to_owned(),
        family: seed.family.to_owned(),
        gender: seed.gender,
        birth_date,
        street: seed.street.to_owned(),
        postal_code: seed.postal_code.to_owned(),
        city: seed.city.to_owned(),
        records,
    })
}

fn is_empty(data: &ClinicalData) -> bool {
    data.episodes.is_empty()
        && data.consultations.is_empty()
        && data.lab_results.is_empty()
        && data.measurements.is_empty()
        && data.medication.is_empty()
        && data.intolerances.is_empty()
        && data.alerts.is_empty()
        && data.letter_count() == 0
}

/// Returns the same calendar day `years` years earlier (28 February for 29 February).
pub(crate) fn years_before(today: Date, years: i32) -> Date {
    let year = today.year() - years;
    today
        .replace_year(year)
        .or_else(|_| today.replace_day(28).and_then(|d| d.replace_year(year)))
        .unwrap_or(today)
}
