//! Medication intolerances answer (`REPC_IN990131NL`) and alerts answer (`REPC_IN990121NL`).

use super::model::Intolerance;
use super::organizer::{ACT_CLASS, IdKind, LOINC, Record, SNOMED, template, write_code};
use crate::xmlw::{XmlWriter, ts_date};

/// HL7 ActCode.
const ACT_CODE: &str = "2.16.840.1.113883.5.4";
/// G-Standaard Thesaurus 40 contra-indications.
const THESAURUS_40: &str = "2.16.840.1.113883.2.4.4.1.902.40";

impl Record<'_> {
    pub(crate) fn write_intolerances(&self, w: &mut XmlWriter) {
        let code = (
            "48765-2",
            LOINC,
            "LOINC",
            "Allergies and/or adverse reactions",
        );
        self.organizer(w, &template(20), code, true, |w| {
            for intolerance in &self.data.intolerances {
                w.element("component", &[("typeCode", "COMP")], |w| {
                    self.write_intolerance_concern(w, intolerance);
                });
            }
        });
    }

    fn write_intolerance_concern(&self, w: &mut XmlWriter, intolerance: &Intolerance) {
        w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
            w.empty("templateId", &[("root", &template(215))]);
            self.id(w, IdKind::IntoleranceConcern, &intolerance.id);
            write_code(w, "code", ("CONC", ACT_CLASS, "HL7ActClass", "Concern"));
            let status = if intolerance.end.is_some() {
                "completed"
            } else {
                "active"
            };
            w.empty("statusCode", &[("code", status)]);
            w.element("entryRelationship", &[("typeCode", "SUBJ")], |w| {
                w.element(
                    "observation",
                    &[("classCode", "OBS"), ("moodCode", "EVN")],
                    |w| {
                        w.empty("templateId", &[("root", &template(216))]);
                        self.id(w, IdKind::Intolerance, &intolerance.id);
                        w.empty("code", &[("code", "ASSERTION"), ("codeSystem", ACT_CODE)]);
                        w.empty("statusCode", &[("code", "completed")]);
                        w.element("effectiveTime", &[], |w| {
                            w.empty("low", &[("value", &ts_date(intolerance.start))]);
                            if let Some(end) = intolerance.end {
                                w.empty("high", &[("value", &ts_date(end))]);
                            }
                        });
                        w.empty(
                            "value",
                            &[
                                ("xsi:type", "CD"),
                                ("code", "419511003"),
                                ("codeSystem", SNOMED),
                                ("displayName", "Propensity to adverse reactions to drug"),
                            ],
                        );
                        w.element("author", &[], |w| {
                            w.empty("time", &[("value", &ts_date(intolerance.start))]);
                            self.assigned_gp(
                                w,
                                "assignedAuthor",
                                "assignedPerson",
                                "representedOrganization",
                            );
                        });
                        w.element("participant", &[("typeCode", "CSM")], |w| {
                            w.element("participantRole", &[("classCode", "MANU")], |w| {
                                w.element(
                                    "playingEntity",
                                    &[("classCode", "MMAT"), ("determinerCode", "INSTANCE")],
                                    |w| {
                                        w.empty(
                                            "code",
                                            &[
                                                ("code", &intolerance.substance.code),
                                                ("codeSystem", intolerance.substance.system.oid()),
                                                (
                                                    "codeSystemName",
                                                    intolerance.substance.system.name(),
                                                ),
                                                ("displayName", &intolerance.substance.display),
                                            ],
                                        );
                                    },
                                );
                            });
                        });
                    },
                );
            });
        });
    }

    pub(crate) fn write_alerts(&self, w: &mut XmlWriter) {
        let code = ("74018-3", LOINC, "LOINC", "Alert");
        self.organizer(w, &template(18), code, true, |w| {
            for alert in &self.data.alerts {
                w.element(
                    "component",
                    &[("typeCode", "COMP"), ("contextControlCode", "OP")],
                    |w| {
                        w.element(
                            "observation",
                            &[("classCode", "OBS"), ("moodCode", "EVN")],
                            |w| {
                                w.empty("templateId", &[("root", &template(214))]);
                                self.id(w, IdKind::Alert, &alert.id);
                                write_code(w, "code", ("74018-3", LOINC, "LOINC", "Alert"));
                                w.empty("statusCode", &[("code", "completed")]);
                                w.empty(
                                    "value",
                                    &[
                                        ("xsi:type", "CE"),
                                        ("code", &alert.code),
                                        ("codeSystem", THESAURUS_40),
                                        ("codeSystemName", "G-Standaard Thesaurus 40"),
                                        ("displayName", &alert.display),
                                    ],
                                );
                            },
                        );
                    },
                );
            }
        });
    }
}
