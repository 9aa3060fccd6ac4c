//! Medication agreements answer (`QUMA_IN991203NL02`, MP 9.0.7 building blocks): one
//! medicatieafspraak per agreement with product, period of use, dosage and reason.

use super::model::{GStandaardCode, MedicationAgreement};
use super::organizer::{ICPC, IdKind, Record, SNOMED, write_code};
use crate::xmlw::{XmlWriter, ts_date};

/// Prefix of the MP 9.0.7 template ids.
const MP_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10";
/// "Medicatieproces observaties" codes.
const MP_OBSERVATIONS: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.5.2";
/// G-Standaard Thesaurus 7, routes of administration.
const ROUTES: &str = "2.16.840.1.113883.2.4.4.9";
/// G-Standaard Thesaurus 2, units.
const UNITS: &str = "2.16.840.1.113883.2.4.4.1.900.2";

fn mp_template(number: u16) -> String {
    format!("{MP_TEMPLATE}.{number}")
}

impl Record<'_> {
    pub(crate) fn write_medication(&self, w: &mut XmlWriter) {
        let code = ("419891008", SNOMED, "SNOMED CT", "Gegevensobject");
        self.organizer(w, &mp_template(9265), code, false, |w| {
            for agreement in &self.data.medication {
                w.element("component", &[("typeCode", "COMP")], |w| {
                    self.write_agreement(w, agreement);
                });
            }
        });
    }

    fn write_agreement(&self, w: &mut XmlWriter, agreement: &MedicationAgreement) {
        w.element(
            "substanceAdministration",
            &[("classCode", "SBADM"), ("moodCode", "RQO")],
            |w| {
                w.empty("templateId", &[("root", &mp_template(9235))]);
                w.empty("templateId", &[("root", &mp_template(9233))]);
                self.id(w, IdKind::Medication, &agreement.id);
                write_code(
                    w,
                    "code",
                    ("16076005", SNOMED, "SNOMED CT", "Medicatieafspraak"),
                );
                w.leaf(
                    "text",
                    &[("mediaType", "text/plain")],
                    &description(agreement),
                );
                w.element("effectiveTime", &[("xsi:type", "IVL_TS")], |w| {
                    w.empty("low", &[("value", &ts_date(agreement.start))]);
                    match agreement.end {
                        Some(end) => w.empty("high", &[("value", &ts_date(end))]),
                        None => w.empty("high", &[("nullFlavor", "NI")]),
                    }
                });
                w.empty(
                    "routeCode",
                    &[
                        ("code", "9"),
                        ("codeSystem", ROUTES),
                        (
                            "codeSystemName",
                            "G-Standaard tabel voor toedieningswegen: subtabel 0007",
                        ),
                        ("displayName", "oraal"),
                    ],
                );
                w.element("consumable", &[], |w| {
                    w.element("manufacturedProduct", &[("classCode", "MANU")], |w| {
                        w.empty("templateId", &[("root", &mp_template(9254))]);
                        w.element(
                            "manufacturedMaterial",
                            &[("classCode", "MMAT"), ("determinerCode", "KIND")],
                            |w| {
                                write_product(w, &agreement.product);
                            },
                        );
                    });
                });
                w.element("author", &[], |w| {
                    w.empty("time", &[("value", &ts_date(agreement.start))]);
                    self.assigned_gp(
                        w,
                        "assignedAuthor",
                        "assignedPerson",
                        "representedOrganization",
                    );
                });
                self.encounter_reference(w, agreement.consultation);
                self.write_reason(w, agreement);
                write_dosage(w, agreement);
                w.element(
                    "entryRelationship",
                    &[("typeCode", "COMP"), ("inversionInd", "true")],
                    |w| {
                        w.element(
                            "procedure",
                            &[("classCode", "PROC"), ("moodCode", "EVN")],
                            |w| {
                                w.empty("templateId", &[("root", &mp_template(9084))]);
                                self.id(w, IdKind::Treatment, &agreement.id);
                                w.empty(
                                    "code",
                                    &[
                                        ("code", "1"),
                                        ("codeSystem", "2.16.840.1.113883.2.4.3.11.60.20.77.5.3"),
                                        ("displayName", "Medicamenteuze behandeling"),
                                    ],
                                );
                            },
                        );
                    },
                );
            },
        );
    }

    /// Writes the reason for prescribing: the ICPC code of the agreement's episode.
    fn write_reason(&self, w: &mut XmlWriter, agreement: &MedicationAgreement) {
        let Some(episode) = agreement
            .episode
            .and_then(|index| self.data.episodes.get(index))
        else {
            return;
        };
        w.element("entryRelationship", &[("typeCode", "RSON")], |w| {
            w.element(
                "observation",
                &[("classCode", "OBS"), ("moodCode", "EVN")],
                |w| {
                    w.empty("templateId", &[("root", &mp_template(9160))]);
                    write_code(
                        w,
                        "code",
                        (
                            "10",
                            MP_OBSERVATIONS,
                            "Medicatieproces observaties",
                            "Reden van voorschrijven",
                        ),
                    );
                    w.empty(
                        "value",
                        &[
                            ("xsi:type", "CE"),
                            ("code", &episode.icpc),
                            ("codeSystem", ICPC),
                            ("codeSystemName", "ICPC-1-NL"),
                            ("displayName", &episode.icpc_display),
                        ],
                    );
                },
            );
        });
    }
}

/// Writes the product code: the first G-Standaard code with the others as translations, or a
/// `nullFlavor` code when none is known.
fn write_product(w: &mut XmlWriter, product: &[GStandaardCode]) {
    let Some((main, others)) = product.split_first() else {
        w.empty("code", &[("nullFlavor", "NI")]);
        return;
    };
    let attributes = |code: &GStandaardCode| {
        [
            ("code", code.code.clone()),
            ("codeSystem", code.system.oid().to_owned()),
            ("codeSystemName", code.system.name().to_owned()),
            ("displayName", code.display.clone()),
        ]
    };
    let main = attributes(main);
    let main: Vec<(&str, &str)> = main.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.element("code", &main, |w| {
        for other in others {
            let other = attributes(other);
            let other: Vec<(&str, &str)> = other.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.empty("translation", &other);
        }
    });
}

fn write_dosage(w: &mut XmlWriter, agreement: &MedicationAgreement) {
    let times = agreement.times_per_day.to_string();
    w.element("entryRelationship", &[("typeCode", "COMP")], |w| {
        w.empty("sequenceNumber", &[("value", "1")]);
        w.element(
            "substanceAdministration",
            &[("classCode", "SBADM"), ("moodCode", "RQO")],
            |w| {
                w.empty("templateId", &[("root", &mp_template(9149))]);
                let pivl = [
                    ("xsi:type", "hl7nl:PIVL_TS"),
                    ("isFlexible", "true"),
                    ("operator", "A"),
                ];
                w.element("effectiveTime", &pivl, |w| {
                    w.element("hl7nl:frequency", &[], |w| {
                        w.empty(
                            "hl7nl:numerator",
                            &[("xsi:type", "hl7nl:INT"), ("value", &times)],
                        );
                        w.empty(
                            "hl7nl:denominator",
                            &[("xsi:type", "hl7nl:PQ"), ("value", "1"), ("unit", "d")],
                        );
                    });
                });
                w.element("doseQuantity", &[], |w| {
                    w.element("center", &[("value", "1"), ("unit", "1")], |w| {
                        w.empty(
                            "translation",
                            &[
                                ("value", "1"),
                                ("code", "245"),
                                ("codeSystem", UNITS),
                                ("displayName", "stuk"),
                            ],
                        );
                    });
                });
                w.empty("consumable", &[("xsi:nil", "true")]);
            },
        );
    });
}

/// Returns the Dutch free-text description of an agreement, e.g. "Vanaf 3 maart 2025, tot nader order, 2 maal daags 1 stuk".
fn description(agreement: &MedicationAgreement) -> String {
    let until = match agreement.end {
        Some(end) => format!("tot en met {}", dutch_date(end)),
        None => "tot nader order".to_owned(),
    };
    format!(
        "Vanaf {}, {until}, {} maal daags 1 stuk",
        dutch_date(agreement.start),
        agreement.times_per_day
    )
}

fn dutch_date(date: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let month = MONTHS[usize::from(u8::from(date.month())) - 1];
    format!("{} {month} {}", date.day(), date.year())
}
