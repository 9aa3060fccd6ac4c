//! The clinical content of the demo records. Dates are days before the day of generation.
//!
//! NOTE: the NHG table 45 code 2307 for HbA1c and the LOINC letter types were not checked against
//! the code system tables. The other codes appear in the Nictiz Ketenzorg examples.

use time::Date;

use super::builder::{Nhg45, Product, RecordBuilder};
use super::model::ClinicalData;

const SYSTOLIC: Nhg45 = ("1744", "systolische bloeddruk");
const DIASTOLIC: Nhg45 = ("1740", "diastolische bloeddruk");
const WEIGHT: Nhg45 = ("357", "gewicht patiënt");
const LENGTH: Nhg45 = ("560", "lengte patiënt");
const PULSE: Nhg45 = ("1875", "polsfrequentie");
const HBA1C: Nhg45 = ("2307", "HbA1c (IFCC)");
const GLUCOSE: Nhg45 = ("372", "glucose nuchter, veneus (lab)");
const PHADIATOP: Nhg45 = ("852", "Multi-rast (Phadiatop)");

const METFORMIN: Product = (
    "60674",
    "METFORMINE TABLET 1000MG",
    "114421",
    "METFORMINE 1000MG TABLET",
);
const PARACETAMOL: Product = (
    "67903",
    "PARACETAMOL TABLET 500MG",
    "2194",
    "PARACETAMOL TABLET 500MG",
);
const PANTOPRAZOLE: Product = (
    "43044",
    "PANTOPRAZOL TABLET MSR 40MG",
    "96938",
    "PANTOPRAZOL TABLET MSR 40MG",
);
const CARBASALATE: Product = (
    "52191",
    "CARBASALAATCALCIUM BRUISTABLET 100MG",
    "106526",
    "CARBASALAATCALCIUM BRUISTABLET 100MG",
);
const DESLORATADINE: Product = (
    "59021",
    "DESLORATADINE TABLET 5MG",
    "113026",
    "DESLORATADINE TABLET 5MG",
);
const AMOXICLAV: Product = (
    "17809",
    "AMOXICILLINE/CLAVULAANZUUR TABLET 500/125MG",
    "43079",
    "AMOXICILLINE/CLAVULAANZUUR TABLET 500/125MG",
);
const SALBUTAMOL: Product = (
    "73040",
    "SALBUTAMOL INHALATIEPOEDER 100UG/DO PATR 200DO",
    "99473",
    "SALBUTAMOL INHALATIEPOEDER 100UG/DO",
);

const DISCHARGE_LETTER: (&str, &str) = ("18842-5", "Discharge summary");
const SPECIALIST_LETTER: (&str, &str) = ("11488-4", "Consult note");
const RADIOLOGY_REPORT: (&str, &str) = ("18748-4", "Diagnostic imaging study");

/// Days before today of the control visits that make the two-year charts.
const CONTROL_VISITS: [i64; 9] = [700, 610, 520, 430, 340, 250, 160, 70, 10];

/// Builds a record with data in every category: diabetes and hypertension follow-up over two years.
pub(super) fn full(today: Date, prefix: &'static str) -> ClinicalData {
    let mut r = RecordBuilder::new(today, prefix);

    let diabetes = r.episode(
        "Diabetes mellitus type 2",
        ("T90.02", "Diabetes mellitus type 2"),
        2200,
        None,
        true,
    );
    let hypertension = r.episode(
        "Hypertensie",
        ("K86", "Hypertensie zonder orgaanbeschadiging"),
        1500,
        None,
        false,
    );
    let back_pain = r.episode(
        "Lage rugpijn",
        ("L03", "Lage rugpijn zonder uitstraling"),
        300,
        None,
        false,
    );
    let pneumonia = r.episode(
        "Longontsteking",
        ("R81", "Pneumonie"),
        1100,
        Some(1070),
        true,
    );
    let ankle = r.episode(
        "Verzwikte enkel",
        ("L77", "Verstuiking/distorsie enkel"),
        800,
        Some(760),
        false,
    );

    let systolic = [
        "152", "149", "147", "144", "141", "138", "136", "133", "129",
    ];
    let diastolic = ["95", "94", "92", "91", "89", "88", "86", "84", "82"];
    let weight = [
        "88.4", "87.9", "87.1", "86.5", "85.8", "85.0", "84.1", "83.2", "82.6",
    ];
    let hba1c = ["63", "61", "60", "58", "57", "55", "54", "52", "50"];
    for (visit, days) in CONTROL_VISITS.into_iter().enumerate() {
        let soep = [
            "Controle diabetes en bloeddruk. Voelt zich goed, geen klachten van dorst of veel plassen.",
            "RR gemeten, gewicht gemeten. Voeten: sensibiliteit intact, geen wondjes.",
            "Diabetes mellitus type 2, goed ingesteld. Bloeddruk dalend.",
            "Beleid ongewijzigd. Leefstijladvies herhaald. Controle over drie maanden.",
        ];
        let visit_slot = u8::try_from(visit % 4).unwrap_or(0);
        let contact = r.consultation(days, visit_slot, false, Some(diabetes), soep);
        let index = visit;
        let bp_range = (None, Some("140"));
        r.quantity(
            false,
            SYSTOLIC,
            days,
            systolic[index],
            "mm[Hg]",
            bp_range,
            Some(hypertension),
            Some(contact),
        );
        r.quantity(
            false,
            DIASTOLIC,
            days,
            diastolic[index],
            "mm[Hg]",
            (None, Some("90")),
            Some(hypertension),
            Some(contact),
        );
        r.quantity(
            false,
            WEIGHT,
            days,
            weight[index],
            "kg",
            (None, None),
            Some(diabetes),
            Some(contact),
        );
        r.quantity(
            true,
            HBA1C,
            days,
            hba1c[index],
            "mmol/mol",
            (None, Some("53")),
            Some(diabetes),
            Some(contact),
        );
        if visit % 3 == 0 {
            r.quantity(
                true,
                GLUCOSE,
                days,
                "7.4",
                "mmol/L",
                (Some("4.0"), Some("6.1")),
                Some(diabetes),
                Some(contact),
            );
        }
    }
    r.quantity(false, LENGTH, 700, "1.68", "m", (None, None), None, None);
    r.quantity(
        false,
        PULSE,
        10,
        "72",
        "/min",
        (Some("60"), Some("100")),
        None,
        None,
    );
    r.coded_lab(PHADIATOP, 400, ("32", "positief"), None);

    r.consultation(
        300,
        6,
        false,
        Some(back_pain),
        [
            "Sinds een week pijn laag in de rug na tillen. Geen uitstraling naar de benen.",
            "Lumbale wervelkolom drukpijnlijk paravertebraal. Lasègue negatief.",
            "Lage rugpijn zonder uitstraling.",
            "Uitleg over beloop, in beweging blijven, paracetamol zo nodig.",
        ],
    );
    r.consultation(
        1095,
        2,
        true,
        Some(pneumonia),
        [
            "Drie dagen koorts en hoesten, benauwd bij inspanning.",
            "Temperatuur 39,1. Crepitaties rechtsbasaal.",
            "Pneumonie rechts.",
            "Amoxicilline/clavulaanzuur een week. Terugkomen bij verslechtering.",
        ],
    );
    r.consultation(
        800,
        1,
        false,
        Some(ankle),
        [
            "Gisteren enkel verzwikt bij het sporten.",
            "Zwelling laterale malleolus, geen drukpijn op de botranden.",
            "Distorsie enkel rechts.",
            "Tape en oefenen, belasten op geleide van pijn.",
        ],
    );

    r.medication(METFORMIN, 2200, None, 2, Some(diabetes));
    r.medication(CARBASALATE, 1500, None, 1, Some(hypertension));
    r.medication(PARACETAMOL, 300, Some(270), 3, Some(back_pain));
    r.medication(AMOXICLAV, 1095, Some(1088), 3, Some(pneumonia));
    r.medication(PANTOPRAZOLE, 900, Some(600), 1, None);

    r.intolerance(("35", "PENICILLINES"), 1085, None);
    r.intolerance(("7", "BENZODIAZEPINEAGONISTEN"), 3000, Some(2500));

    r.alert(("18", "HYPERTENSIE"));
    r.alert(("219", "VERKEERSDEELNAME"));

    r.letter(
        1060,
        "Ontslagbrief longziekten",
        DISCHARGE_LETTER,
        "Ziekenhuis XXX_Test Utrecht, afdeling longziekten",
        Some(pneumonia),
        &[
            "Opname wegens pneumonie rechts, goed hersteld.",
            "Controle bij de huisarts over zes weken.",
        ],
    );
    r.letter(
        400,
        "Brief internist: diabetes",
        SPECIALIST_LETTER,
        "Ziekenhuis XXX_Test Utrecht, interne geneeskunde",
        Some(diabetes),
        &[
            "Eenmalig consult op verzoek van de huisarts.",
            "Advies: metformine continueren.",
        ],
    );
    r.letter(
        290,
        "Uitslag rontgenfoto lumbale wervelkolom",
        RADIOLOGY_REPORT,
        "Ziekenhuis XXX_Test Utrecht, radiologie",
        Some(back_pain),
        &["Geen afwijkingen aan de lumbale wervelkolom."],
    );
    r.finish()
}

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
