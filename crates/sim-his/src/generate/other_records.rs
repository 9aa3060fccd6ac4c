//! The smaller demo records: a teenager, an elderly patient at the second practice, and a patient
//! with records at both practices. Dates are days before the day of generation.

use time::Date;

use super::builder::RecordBuilder;
use super::model::ClinicalData;
use super::records::{
    CARBASALATE, DESLORATADINE, DIASTOLIC, PANTOPRAZOLE, PARACETAMOL, PHADIATOP, PULSE, SALBUTAMOL,
    SPECIALIST_LETTER, SYSTOLIC, WEIGHT,
};

/// Builds the record of a 15-year-old with a little data, whom the gateway must refuse (patients under 16).
pub(super) fn teenager(today: Date) -> ClinicalData {
    let mut r = RecordBuilder::new(today, "sem");
    let asthma = r.episode("Astma", ("R96", "Astma"), 900, None, false);
    let contact = r.consultation(
        120,
        3,
        false,
        Some(asthma),
        [
            "Benauwd bij sporten, vooral in de winter.",
            "Longen: verlengd exspirium, geen crepitaties.",
            "Astma, matig onder controle.",
            "Salbutamol voor het sporten. Inhalatie-instructie gegeven.",
        ],
    );
    r.quantity(
        false,
        WEIGHT,
        120,
        "58.0",
        "kg",
        (None, None),
        None,
        Some(contact),
    );
    r.quantity(
        false,
        PULSE,
        120,
        "80",
        "/min",
        (Some("60"), Some("100")),
        None,
        Some(contact),
    );
    r.medication(SALBUTAMOL, 120, None, 2, Some(asthma));
    r.finish()
}

/// Builds the record of an elderly patient known only at the second practice.
pub(super) fn elderly(today: Date) -> ClinicalData {
    let mut r = RecordBuilder::new(today, "karel");
    let hypertension = r.episode(
        "Hypertensie",
        ("K86", "Hypertensie zonder orgaanbeschadiging"),
        4000,
        None,
        true,
    );
    let reflux = r.episode(
        "Maagklachten",
        ("D84", "Oesofagusaandoening"),
        500,
        Some(400),
        false,
    );
    for (slot, days) in [20_i64, 200, 380].into_iter().enumerate() {
        let contact = r.consultation(
            days,
            u8::try_from(slot).unwrap_or(0),
            false,
            Some(hypertension),
            [
                "Controle bloeddruk, geen klachten.",
                "RR gemeten.",
                "Hypertensie, redelijk ingesteld.",
                "Beleid ongewijzigd.",
            ],
        );
        r.quantity(
            false,
            SYSTOLIC,
            days,
            "146",
            "mm[Hg]",
            (None, Some("140")),
            Some(hypertension),
            Some(contact),
        );
        r.quantity(
            false,
            DIASTOLIC,
            days,
            "84",
            "mm[Hg]",
            (None, Some("90")),
            Some(hypertension),
            Some(contact),
        );
    }
    r.medication(CARBASALATE, 4000, None, 1, Some(hypertension));
    r.medication(PANTOPRAZOLE, 500, Some(400), 1, Some(reflux));
    r.alert(("18", "HYPERTENSIE"));
    r.finish()
}

/// Builds the older record of a patient who moved from the first to the second practice.
pub(super) fn moved_away(today: Date) -> ClinicalData {
    let mut r = RecordBuilder::new(today, "fatima-linde");
    let hay_fever = r.episode(
        "Hooikoorts",
        ("R97", "Hooikoorts/allergische rhinitis"),
        1500,
        None,
        false,
    );
    r.consultation(
        600,
        2,
        false,
        Some(hay_fever),
        [
            "Niezen en jeukende ogen in het voorjaar.",
            "Neusslijmvlies gezwollen, ogen licht rood.",
            "Hooikoorts.",
            "Desloratadine in het seizoen.",
        ],
    );
    r.medication(DESLORATADINE, 600, None, 1, Some(hay_fever));
    r.coded_lab(PHADIATOP, 610, ("32", "positief"), Some(hay_fever));
    r.finish()
}

/// Builds the newer record of the same patient at the second practice.
pub(super) fn new_practice(today: Date) -> ClinicalData {
    let mut r = RecordBuilder::new(today, "fatima-anker");
    let migraine = r.episode("Migraine", ("N89", "Migraine"), 200, None, false);
    let contact = r.consultation(
        200,
        1,
        false,
        Some(migraine),
        [
            "Nieuw in de praktijk. Aanvallen van bonzende hoofdpijn met misselijkheid.",
            "Neurologisch onderzoek zonder afwijkingen.",
            "Migraine zonder aura.",
            "Hoofdpijndagboek, paracetamol bij een aanval.",
        ],
    );
    r.quantity(
        false,
        SYSTOLIC,
        200,
        "118",
        "mm[Hg]",
        (None, Some("140")),
        None,
        Some(contact),
    );
    r.quantity(
        false,
        DIASTOLIC,
        200,
        "76",
        "mm[Hg]",
        (None, Some("90")),
        None,
        Some(contact),
    );
    r.medication(PARACETAMOL, 200, None, 3, Some(migraine));
    r.intolerance(("57", "AMOXICILLINE/AMPICILLINE"), 190, None);
    r.letter(
        60,
        "Verwijsbrief neuroloog",
        SPECIALIST_LETTER,
        "Huisartsenpraktijk Het Anker",
        Some(migraine),
        &["Verwijzing wegens migraine die niet reageert op eerste stap medicatie."],
    );
    r.finish()
}
