//! SOEP journal answer (`REPC_IN990101NL`) and encounters answer (`PRPA_IN900350NL`), both built
//! from the consultations: one journal act with S, O, E and P lines, and one encounter, per consultation.

use time::Duration;

use super::episodes::write_icpc_value;
use super::model::Consultation;
use super::organizer::{IdKind, LOINC, Record, SNOMED, template, write_code};
use crate::xmlw::{XmlWriter, ts_date, ts_minute};

/// NHG table 14 "Soort contact".
const NHG_TABLE_14: &str = "2.16.840.1.113883.2.4.4.30.14";

/// The SOEP lines: template number, LOINC code and display name.
const SOEP_LINES: [(u16, &str, &str); 4] = [
    (208, "61150-9", "Subjective Narrative"),
    (209, "61149-1", "Objective Narrative"),
    (210, "51848-0", "Evaluation note"),
    (211, "18776-5", "Plan of treatment"),
];

impl Record<'_> {
    pub(crate) fn write_journal(&self, w: &mut XmlWriter) {
        let code = ("34900-1", LOINC, "LOINC", "General medicine Progress note");
        self.organizer(w, &template(14), code, true, |w| {
            for (index, consultation) in self.data.consultations.iter().enumerate() {
                w.element(
                    "component",
                    &[("typeCode", "COMP"), ("contextControlCode", "OP")],
                    |w| {
                        self.write_contact_report(w, index, consultation);
                    },
                );
            }
        });
    }

    fn write_contact_report(&self, w: &mut XmlWriter, index: usize, consultation: &Consultation) {
        w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
            w.empty("templateId", &[("root", &template(207))]);
            self.id(w, IdKind::Journal, &consultation.id);
            write_code(
                w,
                "code",
                ("34900-1", LOINC, "LOINC", "General medicine Progress note"),
            );
            w.empty("statusCode", &[("code", "completed")]);
            w.empty(
                "effectiveTime",
                &[("value", &ts_minute(consultation.start))],
            );
            w.element("participant", &[("typeCode", "RESP")], |w| {
                self.participant_role(w, &self.practice.gp);
            });
            self.encounter_reference(w, Some(index));
            self.episode_reference(w, consultation.episode);

            let lines = [
                &consultation.subjective,
                &consultation.objective,
                &consultation.evaluation,
                &consultation.plan,
            ];
            for ((number, loinc, display), text) in SOEP_LINES.into_iter().zip(lines) {
                if text.is_empty() {
                    continue;
                }
                w.element("entryRelationship", &[("typeCode", "COMP")], |w| {
                    w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
                        w.empty("templateId", &[("root", &template(number))]);
                        write_code(w, "code", (loinc, LOINC, "LOINC", display));
                        w.leaf("text", &[], text);
                        w.empty("statusCode", &[("code", "completed")]);
                        if number == 210 {
                            self.write_evaluation_diagnosis(w, consultation);
                        }
                    });
                });
            }
        });
    }

    /// Writes the ICPC code of the E line: the consultation's own diagnosis, or else the ICPC code
    /// of its episode.
    fn write_evaluation_diagnosis(&self, w: &mut XmlWriter, consultation: &Consultation) {
        let episode = consultation
            .episode
            .and_then(|index| self.data.episodes.get(index));
        let (code, display, suffix) = match (&consultation.diagnosis, episode) {
            (Some((code, display)), _) => (code.as_str(), display.as_str(), code.as_str()),
            (None, Some(episode)) => (
                episode.icpc.as_str(),
                episode.icpc_display.as_str(),
                episode.id.as_str(),
            ),
            (None, None) => return,
        };
        w.element("entryRelationship", &[("typeCode", "REFR")], |w| {
            w.element(
                "observation",
                &[("classCode", "OBS"), ("moodCode", "EVN")],
                |w| {
                    w.empty("templateId", &[("root", &template(213))]);
                    self.id(
                        w,
                        IdKind::Diagnosis,
                        &format!("{}-{suffix}", consultation.id),
                    );
                    write_code(w, "code", ("282291009", SNOMED, "SNOMED CT", "Diagnosis"));
                    w.empty("statusCode", &[("code", "completed")]);
                    w.element("effectiveTime", &[], |w| {
                        w.empty("low", &[("value", &ts_date(consultation.start.date()))]);
                    });
                    write_icpc_value(w, code, display);
                },
            );
        });
    }

    pub(crate) fn write_encounters(&self, w: &mut XmlWriter) {
        let code = (
            "46240-8",
            LOINC,
            "LOINC",
            "History of hospitalizations / History of outpatient visits",
        );
        self.organizer(w, &template(10), code, true, |w| {
            for consultation in &self.data.consultations {
                w.element(
                    "component",
                    &[("typeCode", "COMP"), ("contextControlCode", "OP")],
                    |w| {
                        self.write_encounter(w, consultation);
                    },
                );
            }
        });
    }

    fn write_encounter(&self, w: &mut XmlWriter, consultation: &Consultation) {
        w.element(
            "encounter",
            &[("classCode", "ENC"), ("moodCode", "EVN")],
            |w| {
                w.empty("templateId", &[("root", &template(201))]);
                self.id(w, IdKind::Encounter, &consultation.id);
                w.empty(
                    "code",
                    &[
                        ("code", &consultation.contact_code),
                        ("codeSystem", NHG_TABLE_14),
                        ("codeSystemName", "Soort contact"),
                        ("displayName", &consultation.contact_display),
                    ],
                );
                let end = consultation.start + Duration::minutes(consultation.minutes);
                w.element("effectiveTime", &[], |w| {
                    w.empty("low", &[("value", &ts_minute(consultation.start))]);
                    w.empty("high", &[("value", &ts_minute(end))]);
                });
                w.element("performer", &[("typeCode", "PRF")], |w| {
                    self.assigned_gp(
                        w,
                        "assignedEntity",
                        "assignedPerson",
                        "representedOrganization",
                    );
                });
                self.episode_reference(w, consultation.episode);
            },
        );
    }
}
