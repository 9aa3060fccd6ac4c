//! The clinical content of the demo records. Dates are days before the day of generation.
//!
//! NOTE: the NHG table 45 code 2307 for HbA1c and the LOINC letter types were not checked against
//! the code system tables. The other codes appear in the Nictiz Ketenzorg examples.

use time::Date;

use super::builder::{Nhg45, Product, RecordBuilder};
use super::model::ClinicalData;

pub(super) const SYSTOLIC: Nhg45 = ("1744", "systolische bloeddruk");
pub(super) const DIASTOLIC: Nhg45 = ("1740", "diastolische bloeddruk");
pub(super) const WEIGHT: Nhg45 = ("357", "gewicht patiënt");
pub(super) const LENGTH: Nhg45 = ("560", "lengte patiënt");
pub(super) const PULSE: Nhg45 = ("1875", "polsfrequentie");
pub(super) const HBA1C: Nhg45 = ("2307", "HbA1c (IFCC)");
pub(super) const GLUCOSE: Nhg45 = ("372", "glucose nuchter, veneus (lab)");
pub(super) const PHADIATOP: Nhg45 = ("852", "Multi-rast (Phadiatop)");

pub(super) const METFORMIN: Product = (
    "60674",
    "METFORMINE TABLET 1000MG",
    "114421",
    "METFORMINE 1000MG TABLET",
);
pub(super) const PARACETAMOL: Product = (
    "67903",
    "PARACETAMOL TABLET 500MG",
    "2194",
    "PARACETAMOL TABLET 500MG",
);
pub(super) const PANTOPRAZOLE: Product = (
    "43044",
    "PANTOPRAZOL TABLET MSR 40MG",
    "96938",
    "PANTOPRAZOL TABLET MSR 40MG",
);
pub(super) const CARBASALATE: Product = (
    "52191",
    "CARBASALAATCALCIUM BRUISTABLET 100MG",
    "106526",
    "CARBASALAATCALCIUM BRUISTABLET 100MG",
);
pub(super) const DESLORATADINE: Product = (
    "59021",
    "DESLORATADINE TABLET 5MG",
    "113026",
    "DESLORATADINE TABLET 5MG",
);
pub(super) const AMOXICLAV: Product = (
    "17809",
    "AMOXICILLINE/CLAVULAANZUUR TABLET 500/125MG",
    "43079",
    "AMOXICILLINE/CLAVULAANZUUR TABLET 500/125MG",
);
pub(super) const SALBUTAMOL: Product = (
    "73040",
    "SALBUTAMOL INHALATIEPOEDER 100UG/DO PATR 200DO",
    "99473",
    "SALBUTAMOL INHALATIEPOEDER 100UG/DO",
);

pub(super) const DISCHARGE_LETTER: (&str, &str) = ("18842-5", "Discharge summary");
pub(super) const SPECIALIST_LETTER: (&str, &str) = ("11488-4", "Consult note");
pub(super) const RADIOLOGY_REPORT: (&str, &str) = ("18748-4", "Diagnostic imaging study");

/// Days before today of the control visits that make the two-year charts.
pub(super) const CONTROL_VISITS: [i64; 9] = [700, 610, 520, 430, 340, 250, 160, 70, 10];

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
