//! The one table that maps each FHIR search of gegevensdienst 49 and 51 to its Ketenzorg queries,
//! its OPEN disclosure category and the search parameters it accepts.

use disclosure::Category;
use hl7v3::Interaction;

/// The gegevensdienst id of Huisartsgegevens (GP data).
pub const HUISARTSGEGEVENS: &str = "49";
/// The gegevensdienst id of Documenten (PDF/A).
pub const DOCUMENTEN: &str = "51";

/// One supported FHIR search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    /// The gegevensdienst id the search belongs to.
    pub gegevensdienst: &'static str,
    /// The searched resource type; resources of this type are the `match` entries.
    pub resource_type: &'static str,
    /// The Ketenzorg queries to send; several run in parallel.
    pub interactions: &'static [Interaction],
    /// The OPEN rule that selects the resources shown to the patient.
    pub category: Category,
    /// The search parameters that filter the result.
    pub params: &'static [&'static str],
    /// The accepted `_include` values.
    pub includes: &'static [&'static str],
}

/// Every search lspplus serves. `Binary` appears for its read (`Binary/[id]`), not for a search.
pub const SEARCHES: &[Search] = &[
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "Patient",
        interactions: &[Interaction::EpisodesQuery],
        category: Category::Patient,
        params: &[],
        includes: &["Patient:general-practitioner"],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "EpisodeOfCare",
        interactions: &[Interaction::EpisodesQuery],
        category: Category::Episodes,
        params: &[],
        includes: &[],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "MedicationRequest",
        interactions: &[Interaction::MedicationAgreementsQuery],
        category: Category::Medication,
        params: &["periodofuse", "category"],
        includes: &["MedicationRequest:medication"],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "AllergyIntolerance",
        interactions: &[Interaction::IntolerancesQuery],
        category: Category::Intolerances,
        params: &["category"],
        includes: &[],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "Observation",
        interactions: &[Interaction::LabQuery, Interaction::MeasurementsQuery],
        category: Category::Results,
        params: &["code", "date"],
        includes: &["Observation:related-target", "Observation:specimen"],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "Composition",
        interactions: &[Interaction::JournalQuery, Interaction::EncountersQuery],
        category: Category::Journal,
        params: &["type"],
        includes: &[],
    },
    Search {
        gegevensdienst: HUISARTSGEGEVENS,
        resource_type: "Encounter",
        interactions: &[Interaction::EncountersQuery],
        category: Category::Encounters,
        params: &[],
        includes: &[],
    },
    Search {
        gegevensdienst: DOCUMENTEN,
        resource_type: "DocumentReference",
        interactions: &[Interaction::CorrespondenceQuery],
        category: Category::Documents,
        params: &["status", "indexed"],
        includes: &[],
    },
    Search {
        gegevensdienst: DOCUMENTEN,
        resource_type: "DocumentManifest",
        interactions: &[Interaction::CorrespondenceQuery],
        category: Category::Documents,
        params: &["status", "created"],
        includes: &[],
    },
    Search {
        gegevensdienst: DOCUMENTEN,
        resource_type: "Binary",
        interactions: &[Interaction::CorrespondenceQuery],
        category: Category::Documents,
        params: &[],
        includes: &[],
    },
];

/// Tells whether lspplus serves the read (`[type]/[id]`) of `resource_type` in `gegevensdienst`.
/// Only the documents of gegevensdienst 51 are readable, because a PGO follows the references
/// between them (DocumentManifest to DocumentReference to Binary).
pub fn readable(gegevensdienst: &str, resource_type: &str) -> bool {
    gegevensdienst == DOCUMENTEN
        && matches!(
            resource_type,
            "Binary" | "DocumentReference" | "DocumentManifest"
        )
}

/// Returns the search for `resource_type` in `gegevensdienst`, if lspplus serves it.
pub fn find(gegevensdienst: &str, resource_type: &str) -> Option<&'static Search> {
    SEARCHES.iter().find(|search| {
        search.gegevensdienst == gegevensdienst && search.resource_type == resource_type
    })
}

/// Returns the searches of one gegevensdienst, in table order.
pub fn of(gegevensdienst: &str) -> impl Iterator<Item = &'static Search> + '_ {
    SEARCHES
        .iter()
        .filter(move |search| search.gegevensdienst == gegevensdienst)
}

/// Tells whether lspplus serves `gegevensdienst` at all.
pub fn is_known_gegevensdienst(gegevensdienst: &str) -> bool {
    of(gegevensdienst).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_searches_for_gp_data() {
        assert_eq!(of(HUISARTSGEGEVENS).count(), 7);
    }

    #[test]
    fn episodes_use_repc_in990110nl() {
        let search = find("49", "EpisodeOfCare").unwrap();
        assert_eq!(search.interactions, [Interaction::EpisodesQuery]);
        assert_eq!(search.interactions[0].as_str(), "REPC_IN990110NL");
    }

    #[test]
    fn observations_query_lab_and_measurements() {
        let search = find("49", "Observation").unwrap();
        assert_eq!(search.interactions.len(), 2);
    }

    #[test]
    fn documents_not_in_gp_data() {
        assert!(find("49", "DocumentReference").is_none());
        assert!(find("51", "DocumentReference").is_some());
        assert!(find("51", "EpisodeOfCare").is_none());
        assert!(!is_known_gegevensdienst("48"));
    }

    #[test]
    fn every_search_sends_queries_only() {
        for search in SEARCHES {
            assert!(
                search.interactions.iter().all(|i| i.is_query()),
                "{}",
                search.resource_type
            );
        }
    }
}
