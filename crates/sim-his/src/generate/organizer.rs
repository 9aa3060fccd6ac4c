//! The parts every Ketenzorg answer payload shares: the `organizer` with its `recordTarget` and
//! responsible GP, identifiers per record kind, and the reference acts to episodes and encounters.

use hl7v3::Interaction;

use super::SynthPatient;
use super::model::{ClinicalData, Clinician, Practice};
use crate::xmlw::{WriteError, XmlWriter, ts_date};

/// One patient's record at one practice, the input of every payload writer.
pub(crate) struct Record<'a> {
    pub patient: &'a SynthPatient,
    pub practice: &'a Practice,
    pub data: &'a ClinicalData,
}

/// The kinds of local ids, each with its own OID below the practice's application id.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdKind {
    Journal = 1,
    Episode = 6,
    Measurement = 7,
    Alert = 8,
    Intolerance = 9,
    Encounter = 10,
    IntoleranceConcern = 11,
    Medication = 12,
    Letter = 13,
    Diagnosis = 14,
    Treatment = 15,
}

/// The organizer code of a payload: code, code system OID, code system name, display name.
pub(crate) type Code<'a> = (&'a str, &'a str, &'a str, &'a str);

pub(crate) const LOINC: &str = "2.16.840.1.113883.6.1";
pub(crate) const SNOMED: &str = "2.16.840.1.113883.6.96";
pub(crate) const ICPC: &str = "2.16.840.1.113883.2.4.4.31.1";
pub(crate) const UZI_PERSON: &str = "2.16.528.1.1007.3.1";
pub(crate) const URA: &str = "2.16.528.1.1007.3.3";
pub(crate) const UZI_ROLE: &str = "2.16.840.1.113883.2.4.15.111";
pub(crate) const ACT_CLASS: &str = "2.16.840.1.113883.5.6";
/// Prefix of Ketenzorg 3.0.2 template ids.
pub(crate) const KZ_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.66.10";

impl Record<'_> {
    /// Writes the payload (`subject` element) of `interaction` and returns it with its number of
    /// entries, or `None` when the record has nothing of that kind.
    pub(crate) fn payload(
        &self,
        interaction: Interaction,
    ) -> Result<Option<(String, usize)>, WriteError> {
        let count = match interaction {
            Interaction::Episodes => self.data.episodes.len(),
            Interaction::Journal | Interaction::Encounters => self.data.consultations.len(),
            Interaction::Lab => self.data.lab_results.len(),
            Interaction::Measurements => self.data.measurements.len(),
            Interaction::Intolerances => self.data.intolerances.len(),
            Interaction::Alerts => self.data.alerts.len(),
            Interaction::MedicationAgreements => self.data.medication.len(),
            Interaction::Correspondence => self.data.letter_count(),
            _ => 0,
        };
        if count == 0 {
            return Ok(None);
        }
        let mut w = XmlWriter::new();
        w.element("subject", &[], |w| match interaction {
            Interaction::Episodes => self.write_episodes(w),
            Interaction::Journal => self.write_journal(w),
            Interaction::Encounters => self.write_encounters(w),
            Interaction::Lab => self.write_lab(w),
            Interaction::Measurements => self.write_measurements(w),
            Interaction::Intolerances => self.write_intolerances(w),
            Interaction::Alerts => self.write_alerts(w),
            Interaction::MedicationAgreements => self.write_medication(w),
            Interaction::Correspondence => self.write_correspondence(w),
            _ => {}
        });
        Ok(Some((w.finish()?, count)))
    }

    /// Returns the OID for local ids of this kind at this practice.
    pub(crate) fn id_root(&self, kind: IdKind) -> String {
        format!(
            "2.16.840.1.113883.2.4.6.6.{}.4.{}",
            self.practice.app_id, kind as u8
        )
    }

    /// Writes an `id` of this kind.
    pub(crate) fn id(&self, w: &mut XmlWriter, kind: IdKind, extension: &str) {
        w.ii("id", &self.id_root(kind), extension);
    }

    /// Writes the Ketenzorg `organizer` around `components`.
    pub(crate) fn organizer(
        &self,
        w: &mut XmlWriter,
        template: &str,
        code: Code<'_>,
        with_gp: bool,
        components: impl FnOnce(&mut XmlWriter),
    ) {
        w.element(
            "organizer",
            &[("classCode", "CLUSTER"), ("moodCode", "EVN")],
            |w| {
                w.empty("templateId", &[("root", template)]);
                write_code(w, "code", code);
                w.empty("statusCode", &[("code", "completed")]);
                self.record_target(w);
                if with_gp {
                    w.element("participant", &[("typeCode", "CST")], |w| {
                        self.participant_role(w, &self.practice.gp);
                    });
                }
                components(w);
            },
        );
    }

    pub(crate) fn record_target(&self, w: &mut XmlWriter) {
        let patient = self.patient;
        w.element(
            "recordTarget",
            &[("typeCode", "RCT"), ("contextControlCode", "OP")],
            |w| {
                w.element("patientRole", &[], |w| {
                    w.ii("id", hl7v3::read::BSN_ROOT, patient.person.bsn.as_str());
                    w.element("addr", &[("use", "HP")], |w| {
                        w.leaf("streetAddressLine", &[], &patient.street);
                        w.leaf("postalCode", &[], &patient.postal_code);
                        w.leaf("city", &[], &patient.city);
                        w.leaf("country", &[], "Nederland");
                    });
                    w.element("patient", &[], |w| {
                        w.element("name", &[], |w| {
                            w.leaf("given", &[("qualifier", "CL")], &patient.given);
                            w.leaf("family", &[("qualifier", "BR")], &patient.family);
                        });
                        w.empty(
                            "administrativeGenderCode",
                            &[
                                ("code", patient.gender.code()),
                                ("codeSystem", "2.16.840.1.113883.5.1"),
                            ],
                        );
                        w.empty("birthTime", &[("value", &ts_date(patient.birth_date))]);
                    });
                });
            },
        );
    }

    /// Writes a `participantRole` for a clinician of this practice.
    pub(crate) fn participant_role(&self, w: &mut XmlWriter, clinician: &Clinician) {
        w.element("participantRole", &[("classCode", "ASSIGNED")], |w| {
            w.ii("id", UZI_PERSON, &clinician.uzi);
            w.empty(
                "code",
                &[
                    ("code", &clinician.role_code),
                    ("codeSystem", UZI_ROLE),
                    ("displayName", &clinician.role_display),
                ],
            );
            w.element(
                "playingEntity",
                &[("classCode", "PSN"), ("determinerCode", "INSTANCE")],
                |w| {
                    w.element("name", &[], |w| w.leaf("family", &[], &clinician.name));
                },
            );
            w.element(
                "scopingEntity",
                &[("classCode", "ORG"), ("determinerCode", "INSTANCE")],
                |w| {
                    w.ii("id", URA, &self.practice.ura);
                    w.leaf("desc", &[], &self.practice.name);
                },
            );
        });
    }

    /// Writes an `assignedEntity` (performer or author) for the practice's GP.
    pub(crate) fn assigned_gp(
        &self,
        w: &mut XmlWriter,
        element: &str,
        person_element: &str,
        organization_element: &str,
    ) {
        let gp = &self.practice.gp;
        w.element(element, &[], |w| {
            w.ii("id", UZI_PERSON, &gp.uzi);
            w.empty(
                "code",
                &[
                    ("code", &gp.role_code),
                    ("codeSystem", UZI_ROLE),
                    ("displayName", &gp.role_display),
                ],
            );
            w.element(person_element, &[], |w| w.leaf("name", &[], &gp.name));
            w.element(organization_element, &[], |w| {
                w.ii("id", URA, &self.practice.ura);
                w.leaf("name", &[], &self.practice.name);
            });
        });
    }

    /// Writes a reference (`entryRelationship REFR`) to the episode with this index.
    pub(crate) fn episode_reference(&self, w: &mut XmlWriter, episode: Option<usize>) {
        let Some(episode) = episode.and_then(|index| self.data.episodes.get(index)) else {
            return;
        };
        w.element("entryRelationship", &[("typeCode", "REFR")], |w| {
            w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
                self.id(w, IdKind::Episode, &episode.id);
                write_code(w, "code", ("CONC", ACT_CLASS, "HL7ActClass", "Concern"));
            });
        });
    }

    /// Writes a reference (`entryRelationship REFR`) to the encounter of the consultation with this index.
    pub(crate) fn encounter_reference(&self, w: &mut XmlWriter, consultation: Option<usize>) {
        let Some(consultation) = consultation.and_then(|index| self.data.consultations.get(index))
        else {
            return;
        };
        w.element("entryRelationship", &[("typeCode", "REFR")], |w| {
            w.element(
                "encounter",
                &[("classCode", "ENC"), ("moodCode", "EVN")],
                |w| {
                    self.id(w, IdKind::Encounter, &consultation.id);
                },
            );
        });
    }
}

/// Writes a coded element with code, code system, code system name and display name.
pub(crate) fn write_code(
    w: &mut XmlWriter,
    element: &str,
    (code, system, system_name, display): Code<'_>,
) {
    w.empty(
        element,
        &[
            ("code", code),
            ("codeSystem", system),
            ("codeSystemName", system_name),
            ("displayName", display),
        ],
    );
}

/// Returns a Ketenzorg 3.0.2 template id, e.g. `template(212)`.
pub(crate) fn template(number: u16) -> String {
    format!("{KZ_TEMPLATE}.{number}")
}
