//! Lab results answer (`POLB_IN364001NL03`) and general measurements answer (`POOB_IN990003NL`):
//! observations coded in NHG table 45 with value, interpretation and reference range.

use super::model::{Measurement, ResultValue};
use super::organizer::{IdKind, LOINC, Record, template, write_code};
use crate::xmlw::{XmlWriter, ts_date};

/// NHG table 45 "Codes diagnostische bepalingen".
const NHG_TABLE_45: &str = "2.16.840.1.113883.2.4.4.30.45";
/// NHG table 45 result codes (coded results such as "positief").
const NHG_TABLE_45_RESULTS: &str = "2.16.840.1.113883.2.4.4.30.1045";
/// HL7 ObservationInterpretation.
const INTERPRETATION: &str = "2.16.840.1.113883.5.83";
/// Templates of a lab observation: the Nictiz lab result and the IHE lab observation.
const LAB_TEMPLATES: [&str; 2] = [
    "2.16.840.1.113883.2.4.3.11.60.7.10.31",
    "1.3.6.1.4.1.19376.1.3.1.6",
];

impl Record<'_> {
    pub(crate) fn write_lab(&self, w: &mut XmlWriter) {
        let code = ("26436-6", LOINC, "LOINC", "Laboratory studies");
        self.organizer(w, &template(77), code, true, |w| {
            for result in &self.data.lab_results {
                self.write_observation(w, &LAB_TEMPLATES, result);
            }
        });
    }

    pub(crate) fn write_measurements(&self, w: &mut XmlWriter) {
        let code = ("27899-4", LOINC, "LOINC", "Diagnostic studies non lab");
        let templates = [template(202)];
        let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
        self.organizer(w, &template(8), code, true, |w| {
            for measurement in &self.data.measurements {
                self.write_observation(w, &templates, measurement);
            }
        });
    }

    fn write_observation(&self, w: &mut XmlWriter, templates: &[&str], measurement: &Measurement) {
        w.element(
            "component",
            &[("typeCode", "COMP"), ("contextControlCode", "OP")],
            |w| {
                w.element(
                    "observation",
                    &[("classCode", "OBS"), ("moodCode", "EVN")],
                    |w| {
                        for root in templates {
                            w.empty("templateId", &[("root", root)]);
                        }
                        self.id(w, IdKind::Measurement, &measurement.id);
                        w.empty(
                            "code",
                            &[
                                ("code", &measurement.code),
                                ("codeSystem", NHG_TABLE_45),
                                ("codeSystemName", "Codes diagnostische bepalingen"),
                                ("displayName", &measurement.display),
                            ],
                        );
                        w.empty("statusCode", &[("code", "completed")]);
                        w.empty("effectiveTime", &[("value", &ts_date(measurement.date))]);
                        write_value(w, &measurement.value);
                        if let Some((code, display)) = interpretation(measurement) {
                            write_code(
                                w,
                                "interpretationCode",
                                (
                                    code,
                                    INTERPRETATION,
                                    "HL7 ObservationInterpretation",
                                    display,
                                ),
                            );
                        }
                        w.element("participant", &[("typeCode", "RESP")], |w| {
                            self.participant_role(w, &self.practice.gp);
                        });
                        write_reference_range(w, measurement);
                        self.episode_reference(w, measurement.episode);
                        self.encounter_reference(w, measurement.consultation);
                    },
                );
            },
        );
    }
}

fn write_value(w: &mut XmlWriter, value: &ResultValue) {
    match value {
        ResultValue::Quantity { value, unit } => {
            w.empty(
                "value",
                &[("xsi:type", "PQ"), ("value", value), ("unit", unit)],
            );
        }
        ResultValue::Coded { code, display } => {
            w.empty(
                "value",
                &[
                    ("xsi:type", "CE"),
                    ("code", code),
                    ("codeSystem", NHG_TABLE_45_RESULTS),
                    ("displayName", display),
                ],
            );
        }
        ResultValue::Text(text) => w.leaf("value", &[("xsi:type", "ST")], text),
    }
}

fn write_reference_range(w: &mut XmlWriter, measurement: &Measurement) {
    let (Some((low, high)), ResultValue::Quantity { unit, .. }) =
        (&measurement.reference_range, &measurement.value)
    else {
        return;
    };
    w.element("referenceRange", &[("typeCode", "REFV")], |w| {
        w.element(
            "observationRange",
            &[("classCode", "OBS"), ("moodCode", "EVN.CRT")],
            |w| {
                w.element("value", &[("xsi:type", "IVL_PQ")], |w| {
                    match low {
                        Some(low) => w.empty("low", &[("value", low), ("unit", unit)]),
                        None => w.empty("low", &[("nullFlavor", "NINF")]),
                    }
                    match high {
                        Some(high) => w.empty("high", &[("value", high), ("unit", unit)]),
                        None => w.empty("high", &[("nullFlavor", "PINF")]),
                    }
                });
                write_code(
                    w,
                    "interpretationCode",
                    (
                        "N",
                        INTERPRETATION,
                        "HL7 ObservationInterpretation",
                        "Normal",
                    ),
                );
            },
        );
    });
}

/// Returns `H`, `L` or `N` for a quantity with a reference range.
fn interpretation(measurement: &Measurement) -> Option<(&'static str, &'static str)> {
    let ResultValue::Quantity { value, .. } = &measurement.value else {
        return None;
    };
    let (low, high) = measurement.reference_range.as_ref()?;
    let value: f64 = value.parse().ok()?;
    let parse = |bound: &Option<String>| bound.as_deref().and_then(|b| b.parse::<f64>().ok());
    if parse(high).is_some_and(|high| value > high) {
        Some(("H", "High"))
    } else if parse(low).is_some_and(|low| value < low) {
        Some(("L", "Low"))
    } else {
        Some(("N", "Normal"))
    }
}
