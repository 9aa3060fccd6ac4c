//! Episodes answer (`REPC_IN990111NL`): one concern act per episode with its ICPC-1-NL diagnosis.
//!
//! The Ketenzorg examples show no closed episode and no attentiewaarde. Closed episodes get
//! `statusCode completed` and `effectiveTime/high`. An episode with attentiewaarde carries an alert
//! observation (template 10.214, LOINC 74018-3) with the episode's ICPC code inside the concern.

use super::model::Episode;
use super::organizer::{ACT_CLASS, ICPC, IdKind, LOINC, Record, SNOMED, template, write_code};
use crate::xmlw::{XmlWriter, ts_date};

impl Record<'_> {
    pub(crate) fn write_episodes(&self, w: &mut XmlWriter) {
        let code = ("75310-3", LOINC, "LOINC", "Health concerns");
        self.organizer(w, &template(16), code, true, |w| {
            for episode in &self.data.episodes {
                w.element(
                    "component",
                    &[("typeCode", "COMP"), ("contextControlCode", "OP")],
                    |w| {
                        self.write_concern(w, episode);
                    },
                );
            }
        });
    }

    fn write_concern(&self, w: &mut XmlWriter, episode: &Episode) {
        w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
            w.empty("templateId", &[("root", &template(212))]);
            self.id(w, IdKind::Episode, &episode.id);
            write_code(w, "code", ("CONC", ACT_CLASS, "HL7ActClass", "Concern"));
            w.leaf("text", &[], &episode.title);
            let status = if episode.end.is_some() {
                "completed"
            } else {
                "active"
            };
            w.empty("statusCode", &[("code", status)]);
            write_period(w, episode);

            w.element("entryRelationship", &[("typeCode", "SUBJ")], |w| {
                w.element(
                    "observation",
                    &[("classCode", "OBS"), ("moodCode", "EVN")],
                    |w| {
                        w.empty("templateId", &[("root", &template(213))]);
                        self.id(w, IdKind::Diagnosis, &episode.id);
                        write_code(w, "code", ("282291009", SNOMED, "SNOMED CT", "Diagnosis"));
                        w.empty("statusCode", &[("code", "completed")]);
                        write_period(w, episode);
                        write_icpc_value(w, &episode.icpc, &episode.icpc_display);
                    },
                );
            });

            if episode.attentiewaarde {
                w.element("entryRelationship", &[("typeCode", "SUBJ")], |w| {
                    w.element(
                        "observation",
                        &[("classCode", "OBS"), ("moodCode", "EVN")],
                        |w| {
                            w.empty("templateId", &[("root", &template(214))]);
                            self.id(w, IdKind::Alert, &format!("attentiewaarde-{}", episode.id));
                            write_code(w, "code", ("74018-3", LOINC, "LOINC", "Alert"));
                            w.empty("statusCode", &[("code", "completed")]);
                            write_icpc_value(w, &episode.icpc, &episode.icpc_display);
                        },
                    );
                });
            }
        });
    }
}

fn write_period(w: &mut XmlWriter, episode: &Episode) {
    w.element("effectiveTime", &[], |w| {
        w.empty("low", &[("value", &ts_date(episode.start))]);
        if let Some(end) = episode.end {
            w.empty("high", &[("value", &ts_date(end))]);
        }
    });
}

/// Writes an ICPC-1-NL code as `value xsi:type="CD"`.
pub(crate) fn write_icpc_value(w: &mut XmlWriter, code: &str, display: &str) {
    w.empty(
        "value",
        &[
            ("xsi:type", "CD"),
            ("code", code),
            ("codeSystem", ICPC),
            ("codeSystemName", "ICPC-1-NL"),
            ("displayName", display),
        ],
    );
}
