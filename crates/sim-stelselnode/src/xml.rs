//! XML text of the four lists, written by the `medmij` crate's list models: OCL and Whitelist
//! `release2`, GNL `release1` and the Zorgaanbiederslijst in the 2.x `release3` shape.
//!
//! The Zorgaanbiederslijst uses `release3` because the demo's practice names contain hyphens and
//! its front-channel URIs carry ports, which the `release2` XSD patterns do not allow.

use medmij::lists::{
    Aanbiedertype, GegevensdienstId, Interfaceversie, MedMijList, Systeemrol, WhitelistShape,
    ZalGegevensdienst, ZalRelease,
};
use time::OffsetDateTime;

use crate::contents::{GegevensdienstNaam, OAuthClient, Zorgaanbieder};

/// InterfaceversieId under which the demo endpoints are listed (2.x uses the major number only).
const INTERFACEVERSIE: &str = "2";

/// Tijdstempel and Volgnummer of one published list.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// Publication time.
    pub tijdstempel: OffsetDateTime,
    /// Volgnummer, at least 1.
    pub volgnummer: u64,
}

/// Renders the OAuth Client List.
pub fn oauth_client_list(header: Header, clients: &[OAuthClient]) -> String {
    medmij::lists::OAuthClientList {
        tijdstempel: header.tijdstempel,
        volgnummer: header.volgnummer,
        clients: clients
            .iter()
            .map(|client| medmij::lists::OAuthClient {
                hostname: client.hostname.clone(),
                organisatienaam: client.organisatienaam.clone(),
            })
            .collect(),
    }
    .to_xml()
}

/// Renders the Whitelist in the 1.1 shape (`MedMijNode/Hostname`), which 2.x kept.
pub fn whitelist(header: Header, hostnames: &[String]) -> String {
    medmij::lists::Whitelist {
        shape: WhitelistShape::V1_1,
        tijdstempel: header.tijdstempel,
        volgnummer: header.volgnummer,
        hostnames: hostnames.to_vec(),
    }
    .to_xml()
}

/// Renders the Gegevensdienstnamenlijst.
pub fn gegevensdienstnamenlijst(header: Header, diensten: &[GegevensdienstNaam]) -> String {
    medmij::lists::Gegevensdienstnamenlijst {
        tijdstempel: header.tijdstempel,
        volgnummer: header.volgnummer,
        gegevensdiensten: diensten
            .iter()
            .map(|dienst| medmij::lists::GegevensdienstNaam {
                id: GegevensdienstId::new(dienst.id.clone()),
                weergavenaam: dienst.weergavenaam.clone(),
            })
            .collect(),
    }
    .to_xml()
}

/// Renders the Zorgaanbiederslijst (`release3`, Aanbiedertype ZA, InterfaceversieId `2`).
pub fn zorgaanbiederslijst(header: Header, zorgaanbieders: &[Zorgaanbieder]) -> String {
    let zorgaanbieders = zorgaanbieders
        .iter()
        .map(|zorgaanbieder| medmij::lists::Zorgaanbieder {
            naam: zorgaanbieder.naam.clone(),
            aanbiedertype: Some(Aanbiedertype::Za),
            interfaceversies: vec![Interfaceversie {
                id: Some(INTERFACEVERSIE.to_owned()),
                gegevensdiensten: zorgaanbieder
                    .gegevensdiensten
                    .iter()
                    .map(|dienst| ZalGegevensdienst {
                        id: GegevensdienstId::new(dienst.id.clone()),
                        authorization_endpoint: dienst.authorization_endpoint.clone(),
                        token_endpoint: dienst.token_endpoint.clone(),
                        abonneren: None,
                        systeemrollen: vec![Systeemrol {
                            code: dienst.systeemrolcode.clone(),
                            resource_endpoint: dienst.resource_endpoint.clone(),
                        }],
                    })
                    .collect(),
            }],
        })
        .collect();
    medmij::lists::Zorgaanbiederslijst {
        release: ZalRelease::Release3,
        tijdstempel: header.tijdstempel,
        volgnummer: header.volgnummer,
        zorgaanbieders,
    }
    .to_xml()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contents::{DvzaEndpoints, ListContents};
    use time::macros::datetime;

    fn header() -> Header {
        Header {
            tijdstempel: datetime!(2026-12-04 12:00 UTC),
            volgnummer: 3,
        }
    }

    fn demo() -> ListContents {
        ListContents::demo(&DvzaEndpoints {
            front_url: "https://lspplus.localhost:8440".to_owned(),
            back_url: "https://lspplus.localhost:8441".to_owned(),
        })
    }

    #[test]
    fn whitelist_round_trips() {
        let xml = whitelist(header(), &demo().whitelist);
        let parsed = medmij::lists::Whitelist::parse(&xml).unwrap();
        assert_eq!(parsed.volgnummer, 3);
        assert!(parsed.contains("pgo.localhost"));
        assert!(parsed.contains("lspplus.localhost"));
    }

    #[test]
    fn zorgaanbiederslijst_round_trips() {
        let xml = zorgaanbiederslijst(header(), &demo().zorgaanbieders);
        let parsed = medmij::lists::Zorgaanbiederslijst::parse(&xml).unwrap();
        let delinde = parsed.find("huisartsenpraktijk-delinde@medmij").unwrap();
        let ids: Vec<&str> = delinde.gegevensdiensten().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["49", "51"]);
        let first = delinde.gegevensdiensten().next().unwrap();
        assert_eq!(
            first.systeemrollen[0].resource_endpoint,
            "https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49"
        );
    }

    #[test]
    fn ocl_and_gnl_round_trip() {
        let contents = demo();
        let ocl =
            medmij::lists::OAuthClientList::parse(&oauth_client_list(header(), &contents.clients))
                .unwrap();
        assert_eq!(
            ocl.find("pgo.localhost").unwrap().organisatienaam,
            "Demo PGO"
        );
        let gnl = medmij::lists::Gegevensdienstnamenlijst::parse(&gegevensdienstnamenlijst(
            header(),
            &contents.gegevensdiensten,
        ))
        .unwrap();
        assert_eq!(gnl.weergavenaam("51"), Some("Documenten"));
    }
}
