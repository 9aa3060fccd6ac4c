//! Correspondence answer (`QUCO_IN990003NL01`): PDF/A letters for MedMij gegevensdienst 51.
//!
//! No public example of this answer exists, so this module alone defines its layout, following
//! what the VZVZ transformation to MedMij PDF/A resources reads:
//! `organizer` (LOINC 11503-0) with `recordTarget`, one `component/act` per letter with `id`,
//! `code` (LOINC document type), `text` (title), `statusCode` (`completed` for the current version,
//! `obsolete` when superseded, `nullified` when entered in error), `effectiveTime`, a `participant DIST` (the sending
//! organisation), an `entryRelationship REFR` to the episode, and `reference/externalDocument`
//! whose `text` holds the PDF inline as base64 (`mediaType application/pdf`).
//! Letters sent together (a document set, one DocumentManifest in FHIR) sit in a nested
//! `component/organizer` with the set's `id`, `code`, `text`, `statusCode` and `effectiveTime`,
//! whose `component/act`s are the letters. A letter or set id that is an `urn:oid:` URN is
//! written as an `II` with only the OID as `root`, so that it reads back as the same URN.

use base64::Engine;

use super::model::{DocumentSet, Letter};
use super::organizer::{IdKind, LOINC, Record, write_code};
use crate::xmlw::{XmlWriter, ts_date};

impl Record<'_> {
    pub(crate) fn write_correspondence(&self, w: &mut XmlWriter) {
        w.element(
            "organizer",
            &[("classCode", "CLUSTER"), ("moodCode", "EVN")],
            |w| {
                write_code(w, "code", ("11503-0", LOINC, "LOINC", "Medical records"));
                w.empty("statusCode", &[("code", "completed")]);
                self.record_target(w);
                for letter in &self.data.letters {
                    w.element("component", &[("typeCode", "COMP")], |w| {
                        self.write_letter(w, letter)
                    });
                }
                for set in &self.data.document_sets {
                    w.element("component", &[("typeCode", "COMP")], |w| {
                        self.write_document_set(w, set)
                    });
                }
            },
        );
    }

    fn write_document_set(&self, w: &mut XmlWriter, set: &DocumentSet) {
        w.element(
            "organizer",
            &[("classCode", "CLUSTER"), ("moodCode", "EVN")],
            |w| {
                self.unique_id(w, "id", &set.id);
                let set_type = (
                    set.loinc.as_str(),
                    LOINC,
                    "LOINC",
                    set.loinc_display.as_str(),
                );
                write_code(w, "code", set_type);
                w.leaf("text", &[], &set.title);
                w.empty("statusCode", &[("code", set.status.status_code())]);
                w.empty("effectiveTime", &[("value", &ts_date(set.date))]);
                for letter in &set.letters {
                    w.element("component", &[("typeCode", "COMP")], |w| {
                        self.write_letter(w, letter)
                    });
                }
            },
        );
    }

    /// Writes an id: an `urn:oid:` URN as a bare OID root, anything else as a local letter id.
    fn unique_id(&self, w: &mut XmlWriter, name: &str, id: &str) {
        match id.strip_prefix("urn:oid:") {
            Some(oid) => w.empty(name, &[("root", oid)]),
            None => w.ii(name, &self.id_root(IdKind::Letter), id),
        }
    }

    fn write_letter(&self, w: &mut XmlWriter, letter: &Letter) {
        let document_type = (
            letter.loinc.as_str(),
            LOINC,
            "LOINC",
            letter.loinc_display.as_str(),
        );
        w.element("act", &[("classCode", "ACT"), ("moodCode", "EVN")], |w| {
            self.id(w, IdKind::Letter, &letter.id);
            write_code(w, "code", document_type);
            w.leaf("text", &[], &letter.title);
            w.empty("statusCode", &[("code", letter.status.status_code())]);
            w.empty("effectiveTime", &[("value", &ts_date(letter.date))]);
            w.element("participant", &[("typeCode", "DIST")], |w| {
                w.element("participantRole", &[("classCode", "ASSIGNED")], |w| {
                    w.element(
                        "scopingEntity",
                        &[("classCode", "ORG"), ("determinerCode", "INSTANCE")],
                        |w| {
                            w.leaf("desc", &[], &letter.sender);
                        },
                    );
                });
            });
            self.episode_reference(w, letter.episode);
            w.element("reference", &[("typeCode", "REFR")], |w| {
                w.element(
                    "externalDocument",
                    &[("classCode", "DOC"), ("moodCode", "EVN")],
                    |w| {
                        match letter.id.strip_prefix("urn:oid:") {
                            Some(_) => self.unique_id(w, "id", &letter.id),
                            None => self.id(w, IdKind::Letter, &format!("{}-pdf", letter.id)),
                        }
                        write_code(w, "code", document_type);
                        let content = base64::engine::general_purpose::STANDARD.encode(&letter.pdf);
                        w.leaf(
                            "text",
                            &[("mediaType", "application/pdf"), ("representation", "B64")],
                            &content,
                        );
                    },
                );
            });
        });
    }
}
