//! The AORTA interaction ids that lspplus sends and receives.

/// An AORTA interaction id used for GP data retrieval (Ketenzorg 3.0.2), batches and generic queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interaction {
    /// `REPC_IN990110NL` Opvragen overdrachtconcerns (episodes query).
    EpisodesQuery,
    /// `REPC_IN990111NL` Opleveren overdrachtconcerns (episodes answer).
    Episodes,
    /// `REPC_IN990100NL` Opvragen contactverslagen (SOEP journal query).
    JournalQuery,
    /// `REPC_IN990101NL` Opleveren contactverslagen (SOEP journal answer).
    Journal,
    /// `PRPA_IN900300NL` Opvragen contactmomenten (encounters query).
    EncountersQuery,
    /// `PRPA_IN900350NL` Opleveren contactmomenten (encounters answer).
    Encounters,
    /// `POLB_IN354001NL03` Opvragen labbepalingen (lab results query).
    LabQuery,
    /// `POLB_IN364001NL03` Opleveren labbepalingen (lab results answer).
    Lab,
    /// `POOB_IN990001NL` Opvragen algemene uitslagen (general measurements query).
    MeasurementsQuery,
    /// `POOB_IN990003NL` Opleveren algemene uitslagen (general measurements answer).
    Measurements,
    /// `REPC_IN990130NL` Opvragen allergieintoleranties (intolerances query).
    IntolerancesQuery,
    /// `REPC_IN990131NL` Opleveren allergieintoleranties (intolerances answer).
    Intolerances,
    /// `REPC_IN990120NL` Opvragen alerts.
    AlertsQuery,
    /// `REPC_IN990121NL` Opleveren alerts.
    Alerts,
    /// `QUMA_IN991201NL02` Opvragen medicatieafspraken (MP 9.0.7).
    MedicationAgreementsQuery,
    /// `QUMA_IN991203NL02` Opleveren medicatieafspraken (MP 9.0.7).
    MedicationAgreements,
    /// `QUCO_IN990001NL01` Opvragen correspondentie (PDF/A documents query).
    CorrespondenceQuery,
    /// `QUCO_IN990003NL01` Opleveren correspondentie (PDF/A documents answer).
    Correspondence,
    /// `GQZG_IN000001NL` Generieke Query Zorggegevens (indirect query through the LSP).
    GenericQuery,
    /// `MCCI_IN200101` Batchantwoord (LSP batch of answers).
    Batch,
}

const ALL: [(Interaction, &str); 20] = [
    (Interaction::EpisodesQuery, "REPC_IN990110NL"),
    (Interaction::Episodes, "REPC_IN990111NL"),
    (Interaction::JournalQuery, "REPC_IN990100NL"),
    (Interaction::Journal, "REPC_IN990101NL"),
    (Interaction::EncountersQuery, "PRPA_IN900300NL"),
    (Interaction::Encounters, "PRPA_IN900350NL"),
    (Interaction::LabQuery, "POLB_IN354001NL03"),
    (Interaction::Lab, "POLB_IN364001NL03"),
    (Interaction::MeasurementsQuery, "POOB_IN990001NL"),
    (Interaction::Measurements, "POOB_IN990003NL"),
    (Interaction::IntolerancesQuery, "REPC_IN990130NL"),
    (Interaction::Intolerances, "REPC_IN990131NL"),
    (Interaction::AlertsQuery, "REPC_IN990120NL"),
    (Interaction::Alerts, "REPC_IN990121NL"),
    (Interaction::MedicationAgreementsQuery, "QUMA_IN991201NL02"),
    (Interaction::MedicationAgreements, "QUMA_IN991203NL02"),
    (Interaction::CorrespondenceQuery, "QUCO_IN990001NL01"),
    (Interaction::Correspondence, "QUCO_IN990003NL01"),
    (Interaction::GenericQuery, "GQZG_IN000001NL"),
    (Interaction::Batch, "MCCI_IN200101"),
];

impl Interaction {
    /// Every known interaction, queries and answers alike.
    pub fn all() -> impl Iterator<Item = Interaction> {
        ALL.iter().map(|(interaction, _)| *interaction)
    }

    /// Returns the interaction id, e.g. `REPC_IN990111NL`.
    pub fn as_str(self) -> &'static str {
        ALL.iter()
            .find(|(interaction, _)| *interaction == self)
            .map_or("", |(_, id)| id)
    }

    /// Looks up an interaction id; `None` for ids lspplus does not handle.
    pub fn from_id(id: &str) -> Option<Interaction> {
        ALL.iter()
            .find(|(_, known)| *known == id)
            .map(|(interaction, _)| *interaction)
    }

    /// Returns the answer interaction of a query, or `None` for answers and for the generic query
    /// (which the LSP answers with an `MCCI_IN200101` batch of specific answers).
    pub fn response(self) -> Option<Interaction> {
        use Interaction::*;
        match self {
            EpisodesQuery => Some(Episodes),
            JournalQuery => Some(Journal),
            EncountersQuery => Some(Encounters),
            LabQuery => Some(Lab),
            MeasurementsQuery => Some(Measurements),
            IntolerancesQuery => Some(Intolerances),
            AlertsQuery => Some(Alerts),
            MedicationAgreementsQuery => Some(MedicationAgreements),
            CorrespondenceQuery => Some(Correspondence),
            GenericQuery => Some(Batch),
            _ => None,
        }
    }

    /// Tells whether this interaction is a query (sent by lspplus) rather than an answer.
    pub fn is_query(self) -> bool {
        self.response().is_some()
    }
}

impl std::fmt::Display for Interaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for interaction in Interaction::all() {
            assert_eq!(
                Interaction::from_id(interaction.as_str()),
                Some(interaction)
            );
        }
    }

    #[test]
    fn queries_map_to_answers() {
        assert_eq!(
            Interaction::EpisodesQuery.response(),
            Some(Interaction::Episodes)
        );
        assert_eq!(Interaction::Episodes.response(), None);
        assert!(!Interaction::Batch.is_query());
        assert_eq!(Interaction::from_id("XXXX_IN000000NL"), None);
    }
}
