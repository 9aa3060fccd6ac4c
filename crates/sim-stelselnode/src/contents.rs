//! What the four MedMij lists contain, independent of their XML form.

/// One entry of the OAuth Client List: a PGO node and the organisation name shown on consent screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// Hostname of the PGO node; also its `client_id` and the host of its redirect URI.
    pub hostname: String,
    /// OAuthclientOrganisatienaam, 3 to 50 characters.
    pub organisatienaam: String,
}

/// One gegevensdienst in the Gegevensdienstnamenlijst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GegevensdienstNaam {
    /// GegevensdienstId, e.g. `49`.
    pub id: String,
    /// Weergavenaam, e.g. `Huisartsgegevens`.
    pub weergavenaam: String,
}

/// The endpoints of one gegevensdienst of one zorgaanbieder in the Zorgaanbiederslijst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZorgaanbiederGegevensdienst {
    /// GegevensdienstId.
    pub id: String,
    /// AuthorizationEndpointuri (front channel).
    pub authorization_endpoint: String,
    /// TokenEndpointuri (back channel).
    pub token_endpoint: String,
    /// Systeemrolcode of the single resource endpoint, e.g. `MM-2.0.0-HGR-FHIR`.
    pub systeemrolcode: String,
    /// ResourceEndpointuri: the FHIR base URL.
    pub resource_endpoint: String,
}

/// One zorgaanbieder with its gegevensdiensten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zorgaanbieder {
    /// Zorgaanbiedernaam including the `@medmij` suffix.
    pub naam: String,
    /// The gegevensdiensten offered, each with its endpoints.
    pub gegevensdiensten: Vec<ZorgaanbiederGegevensdienst>,
}

/// The content of all four lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListContents {
    /// OAuth Client List entries.
    pub clients: Vec<OAuthClient>,
    /// Whitelist hostnames.
    pub whitelist: Vec<String>,
    /// Gegevensdienstnamenlijst entries.
    pub gegevensdiensten: Vec<GegevensdienstNaam>,
    /// Zorgaanbiederslijst entries.
    pub zorgaanbieders: Vec<Zorgaanbieder>,
}

/// The base URLs of the DVZA that the demo's Zorgaanbiederslijst points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvzaEndpoints {
    /// Front channel base URL, e.g. `https://lspplus.localhost:8440`.
    pub front_url: String,
    /// Back channel base URL, e.g. `https://lspplus.localhost:8441`.
    pub back_url: String,
}

/// MedMij-naam of the first demo practice.
pub const DELINDE: &str = "huisartsenpraktijk-delinde@medmij";
/// MedMij-naam of the second demo practice.
pub const HETANKER: &str = "huisartsenpraktijk-hetanker@medmij";
/// Hostname and `client_id` of the demo PGO.
pub const DEMO_PGO: &str = "pgo.localhost";
/// Hostname and `client_id` of the second listed PGO, used by attack tests.
pub const OTHER_PGO: &str = "other-pgo.localhost";
/// Hostname of the gateway on the Whitelist.
pub const GATEWAY_HOST: &str = "lspplus.localhost";

/// Systeemrolcode used for each demo gegevensdienst.
fn systeemrolcode(gegevensdienst: &str) -> String {
    match gegevensdienst {
        "51" => "MM-3.0.0-PDF-FHIR".to_owned(),
        _ => "MM-2.0.0-HGR-FHIR".to_owned(),
    }
}

impl ListContents {
    /// Builds the demo lists: two PGOs, the gateway, gegevensdiensten 49 and 51, and both demo
    /// practices with endpoints on `dvza`.
    pub fn demo(dvza: &DvzaEndpoints) -> Self {
        let front = dvza.front_url.trim_end_matches('/');
        let back = dvza.back_url.trim_end_matches('/');
        let zorgaanbieder = |naam: &str| {
            let short = naam.trim_end_matches("@medmij");
            Zorgaanbieder {
                naam: naam.to_owned(),
                gegevensdiensten: ["49", "51"]
                    .iter()
                    .map(|id| ZorgaanbiederGegevensdienst {
                        id: (*id).to_owned(),
                        authorization_endpoint: format!("{front}/oauth/authorize"),
                        token_endpoint: format!("{back}/oauth/token"),
                        systeemrolcode: systeemrolcode(id),
                        resource_endpoint: format!("{back}/fhir/{short}/{id}"),
                    })
                    .collect(),
            }
        };
        Self {
            clients: vec![
                OAuthClient {
                    hostname: DEMO_PGO.to_owned(),
                    organisatienaam: "Demo PGO".to_owned(),
                },
                OAuthClient {
                    hostname: OTHER_PGO.to_owned(),
                    organisatienaam: "Andere PGO".to_owned(),
                },
            ],
            whitelist: vec![
                GATEWAY_HOST.to_owned(),
                DEMO_PGO.to_owned(),
                OTHER_PGO.to_owned(),
            ],
            gegevensdiensten: vec![
                GegevensdienstNaam {
                    id: "49".to_owned(),
                    weergavenaam: "Huisartsgegevens".to_owned(),
                },
                GegevensdienstNaam {
                    id: "51".to_owned(),
                    weergavenaam: "Documenten".to_owned(),
                },
            ],
            zorgaanbieders: vec![zorgaanbieder(DELINDE), zorgaanbieder(HETANKER)],
        }
    }
}
