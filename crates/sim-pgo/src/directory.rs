//! The PGO's view of the MedMij lists: which zorgaanbieders exist, which gegevensdiensten they
//! offer under which name, and their endpoints; downloaded from the stelselnode.

use medmij::lists::{Gegevensdienstnamenlijst, MedMijList, Zorgaanbiederslijst};
use serde::Serialize;

use crate::client::Endpoints;
use crate::error::{PgoError, Step};

/// One gegevensdienst a practice offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// GegevensdienstId.
    pub id: String,
    /// Weergavenaam from the Gegevensdienstnamenlijst (the id when the GNL does not list it).
    pub weergavenaam: String,
    /// The endpoints.
    pub endpoints: Endpoints,
}

/// One zorgaanbieder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Practice {
    /// Zorgaanbiedernaam, with `@medmij`.
    pub naam: String,
    /// The gegevensdiensten.
    pub offers: Vec<Offer>,
}

/// The zorgaanbieders of the Zorgaanbiederslijst with gegevensdienst names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Directory {
    /// Practices in list order.
    pub practices: Vec<Practice>,
}

impl Directory {
    /// Builds the directory from the XML of a Zorgaanbiederslijst and a Gegevensdienstnamenlijst.
    pub fn from_lists(zal_xml: &str, gnl_xml: &str) -> Result<Self, PgoError> {
        let invalid = |what: &str, error: medmij::lists::ListError| PgoError::Unexpected {
            step: Step::Lists,
            problem: format!("the {what} is invalid"),
            received: error.to_string(),
        };
        let zal =
            Zorgaanbiederslijst::parse(zal_xml).map_err(|e| invalid("Zorgaanbiederslijst", e))?;
        let gnl = Gegevensdienstnamenlijst::parse(gnl_xml)
            .map_err(|e| invalid("Gegevensdienstnamenlijst", e))?;
        let practices = zal
            .zorgaanbieders
            .iter()
            .map(|zorgaanbieder| Practice {
                naam: zorgaanbieder.naam.clone(),
                offers: zorgaanbieder
                    .gegevensdiensten()
                    .filter_map(|dienst| {
                        let rol = dienst.systeemrollen.first()?;
                        let id = dienst.id.as_str().to_owned();
                        Some(Offer {
                            weergavenaam: gnl.weergavenaam(&id).unwrap_or(&id).to_owned(),
                            id,
                            endpoints: Endpoints {
                                authorization: dienst.authorization_endpoint.clone(),
                                token: dienst.token_endpoint.clone(),
                                fhir_base: rol.resource_endpoint.clone(),
                            },
                        })
                    })
                    .collect(),
            })
            .collect();
        Ok(Self { practices })
    }

    /// Downloads both lists from the stelselnode at `base_url` with `client`.
    pub async fn fetch(client: &reqwest::Client, base_url: &str) -> Result<Self, PgoError> {
        let base = base_url.trim_end_matches('/');
        let zal = fetch_text(
            client,
            &format!("{base}/MedMij_Zorgaanbiederslijst.xml?api=2"),
        )
        .await?;
        let gnl = fetch_text(
            client,
            &format!("{base}/MedMij_Gegevensdienstnamenlijst.xml?api=2"),
        )
        .await?;
        Self::from_lists(&zal, &gnl)
    }

    /// Finds a practice by name, with or without `@medmij`.
    pub fn practice(&self, name: &str) -> Option<&Practice> {
        let full = if name.ends_with("@medmij") {
            name.to_owned()
        } else {
            format!("{name}@medmij")
        };
        self.practices.iter().find(|practice| practice.naam == full)
    }

    /// Finds the endpoints of `gegevensdienst` at `practice`.
    pub fn endpoints(&self, practice: &str, gegevensdienst: &str) -> Option<&Endpoints> {
        self.practice(practice)?
            .offers
            .iter()
            .find(|offer| offer.id == gegevensdienst)
            .map(|offer| &offer.endpoints)
    }
}

async fn fetch_text(client: &reqwest::Client, url: &str) -> Result<String, PgoError> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|source| PgoError::Transport {
            step: Step::Lists,
            url: url.to_owned(),
            source,
        })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(PgoError::Status {
            step: Step::Lists,
            url: url.to_owned(),
            status: status.as_u16(),
            received: body.chars().take(300).collect(),
        });
    }
    Ok(body)
}
