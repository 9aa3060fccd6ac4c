//! The Zorgaanbiederslijst (Aanbiederslijst): aanbieders, their gegevensdiensten and endpoints.
//!
//! Two shapes share the root element. `release2` (Afsprakenset 1.x, with XSD) lists the gegevensdiensten
//! directly under each Zorgaanbieder and is checked strictly. `release3` adds `Aanbiedertype`,
//! `Interfaceversies/Interfaceversie` and an optional `Abonneren` block. No XSD of `release3` was
//! available, so its parser checks the required element paths, applies relaxed value rules (dots and
//! hyphens in names, ports in endpoints) and ignores unknown elements.

use std::collections::HashSet;

use roxmltree::Node;
use time::OffsetDateTime;

use super::read::{
    Seq, child_path, header, indexed_path, list_root, parse_document, simple_text, unique,
};
use super::values::{
    GegevensdienstId, check_length, invalid, is_aanbiedernaam, is_backchannel_uri,
    is_frontchannel_uri, is_https_uri, is_release2_aanbiedernaam,
};
use super::{ListError, ListKind, MedMijList, ZAL_RELEASE2_NAMESPACE, ZAL_RELEASE3_NAMESPACE};

/// The namespace and content model of a Zorgaanbiederslijst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZalRelease {
    /// `zorgaanbiederslijst/release2` (Afsprakenset 1.0 and 1.1).
    Release2,
    /// `zorgaanbiederslijst/release3` (Afsprakenset 1.4 and later).
    Release3,
}

impl ZalRelease {
    /// Returns the namespace URI of this release.
    pub fn namespace(self) -> &'static str {
        match self {
            ZalRelease::Release2 => ZAL_RELEASE2_NAMESPACE,
            ZalRelease::Release3 => ZAL_RELEASE3_NAMESPACE,
        }
    }
}

/// The type of an aanbieder (`release3` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aanbiedertype {
    /// `ZA`: a zorgaanbieder.
    Za,
    /// `BAZB`: an aanbieder without a treatment relationship.
    Bazb,
    /// `APD`: a PGO acting as aanbieder (announced for gegevensdienst 51).
    Apd,
}

impl Aanbiedertype {
    /// Returns the code as written in the list.
    pub fn as_str(self) -> &'static str {
        match self {
            Aanbiedertype::Za => "ZA",
            Aanbiedertype::Bazb => "BAZB",
            Aanbiedertype::Apd => "APD",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "ZA" => Some(Aanbiedertype::Za),
            "BAZB" => Some(Aanbiedertype::Bazb),
            "APD" => Some(Aanbiedertype::Apd),
            _ => None,
        }
    }
}

/// A Systeemrol of a gegevensdienst with its resource endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Systeemrol {
    /// The Systeemrolcode, e.g. `MM-2.0-HGB-FHIR`.
    pub code: String,
    /// The ResourceEndpointuri (the FHIR base URL for FHIR systeemrollen).
    pub resource_endpoint: String,
}

/// The subscription settings of a gegevensdienst (`release3` only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abonneren {
    /// Maximum subscription duration in days.
    pub maximale_duur: u32,
    /// The SubscriptionEndpointuri.
    pub subscription_endpoint: String,
}

/// One gegevensdienst of an aanbieder with its endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZalGegevensdienst {
    /// The GegevensdienstId.
    pub id: GegevensdienstId,
    /// The AuthorizationEndpointuri (front channel).
    pub authorization_endpoint: String,
    /// The TokenEndpointuri (back channel).
    pub token_endpoint: String,
    /// Subscription settings, when the gegevensdienst supports Abonneren (`release3` only).
    pub abonneren: Option<Abonneren>,
    /// The Systeemrollen, at least one.
    pub systeemrollen: Vec<Systeemrol>,
}

/// The gegevensdiensten of one interface version. A `release2` list has exactly one, with no id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interfaceversie {
    /// The InterfaceversieId (e.g. `1.4.0` or `2`); `None` in `release2`.
    pub id: Option<String>,
    /// The gegevensdiensten, at least one, with unique ids.
    pub gegevensdiensten: Vec<ZalGegevensdienst>,
}

/// One aanbieder on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zorgaanbieder {
    /// The MedMij name, including `@medmij`.
    pub naam: String,
    /// The Aanbiedertype; `None` in `release2`.
    pub aanbiedertype: Option<Aanbiedertype>,
    /// The interface versions with their gegevensdiensten.
    pub interfaceversies: Vec<Interfaceversie>,
}

impl Zorgaanbieder {
    /// Iterates over the gegevensdiensten of all interface versions.
    pub fn gegevensdiensten(&self) -> impl Iterator<Item = &ZalGegevensdienst> {
        self.interfaceversies
            .iter()
            .flat_map(|version| version.gegevensdiensten.iter())
    }
}

/// The Zorgaanbiederslijst in either release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zorgaanbiederslijst {
    /// The release the list was read in, and is written in.
    pub release: ZalRelease,
    /// Publication time.
    pub tijdstempel: OffsetDateTime,
    /// Publication sequence number.
    pub volgnummer: u64,
    /// The aanbieders, in document order, with unique names.
    pub zorgaanbieders: Vec<Zorgaanbieder>,
}

impl Zorgaanbiederslijst {
    /// Finds an aanbieder by its full MedMij name (`naam@medmij`).
    pub fn find(&self, naam: &str) -> Option<&Zorgaanbieder> {
        self.zorgaanbieders.iter().find(|entry| entry.naam == naam)
    }
}

impl MedMijList for Zorgaanbiederslijst {
    const KIND: ListKind = ListKind::Zorgaanbiederslijst;

    fn parse(xml: &str) -> Result<Self, ListError> {
        let document = parse_document(xml)?;
        let root = list_root(&document, Self::KIND)?;
        let release = if root.tag_name().namespace() == Some(ZAL_RELEASE3_NAMESPACE) {
            ZalRelease::Release3
        } else {
            ZalRelease::Release2
        };
        let reader = Reader { release };
        let namespace = release.namespace();
        let strict = reader.strict();

        let mut seq = Seq::new(root, "Zorgaanbiederslijst".to_owned(), namespace, strict)?;
        let (tijdstempel, volgnummer) = header(&mut seq)?;

        let list_path = child_path(seq.path(), "Zorgaanbieders");
        let mut list_seq = Seq::new(
            seq.required("Zorgaanbieders")?,
            list_path.clone(),
            namespace,
            strict,
        )?;
        let mut zorgaanbieders = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in list_seq.many("Zorgaanbieder").into_iter().enumerate() {
            let path = indexed_path(&list_path, "Zorgaanbieder", index);
            let zorgaanbieder = reader.zorgaanbieder(node, &path)?;
            unique(
                &mut seen,
                &zorgaanbieder.naam,
                &child_path(&path, "Zorgaanbiedernaam"),
            )?;
            zorgaanbieders.push(zorgaanbieder);
        }
        list_seq.finish()?;
        seq.finish()?;
        Ok(Self {
            release,
            tijdstempel,
            volgnummer,
            zorgaanbieders,
        })
    }

    fn to_xml(&self) -> String {
        super::zal_write::write(self)
    }

    fn volgnummer(&self) -> u64 {
        self.volgnummer
    }

    fn tijdstempel(&self) -> OffsetDateTime {
        self.tijdstempel
    }
}

/// Reads the parts of a list whose rules differ per release.
struct Reader {
    release: ZalRelease,
}

impl Reader {
    fn strict(&self) -> bool {
        self.release == ZalRelease::Release2
    }

    fn seq<'a, 'i>(&self, node: Node<'a, 'i>, path: &str) -> Result<Seq<'a, 'i>, ListError> {
        Seq::new(
            node,
            path.to_owned(),
            self.release.namespace(),
            self.strict(),
        )
    }

    /// Reads a simple value; `release3` values are trimmed because no schema fixes their whitespace.
    fn text(&self, seq: &mut Seq<'_, '_>, name: &'static str) -> Result<String, ListError> {
        let path = child_path(seq.path(), name);
        let text = simple_text(seq.required(name)?, &path)?;
        Ok(match self.release {
            ZalRelease::Release2 => text,
            ZalRelease::Release3 => text.trim().to_owned(),
        })
    }

    fn zorgaanbieder(&self, node: Node<'_, '_>, path: &str) -> Result<Zorgaanbieder, ListError> {
        let mut seq = self.seq(node, path)?;
        let naam = self.text(&mut seq, "Zorgaanbiedernaam")?;
        let naam_path = child_path(path, "Zorgaanbiedernaam");
        match self.release {
            ZalRelease::Release2 if !is_release2_aanbiedernaam(&naam) => {
                return Err(invalid(
                    &naam_path,
                    &naam,
                    "lowercase letters followed by @medmij, 10 to 57 characters",
                ));
            }
            ZalRelease::Release3 if !is_aanbiedernaam(&naam) => {
                return Err(invalid(
                    &naam_path,
                    &naam,
                    "lowercase letters, digits, dots and hyphens followed by @medmij",
                ));
            }
            _ => {}
        }

        let (aanbiedertype, interfaceversies) = match self.release {
            ZalRelease::Release2 => {
                let gegevensdiensten_path = child_path(path, "Gegevensdiensten");
                let gegevensdiensten = self
                    .gegevensdiensten(seq.required("Gegevensdiensten")?, &gegevensdiensten_path)?;
                (
                    None,
                    vec![Interfaceversie {
                        id: None,
                        gegevensdiensten,
                    }],
                )
            }
            ZalRelease::Release3 => {
                let type_text = self.text(&mut seq, "Aanbiedertype")?;
                let aanbiedertype = Aanbiedertype::parse(&type_text).ok_or_else(|| {
                    invalid(
                        &child_path(path, "Aanbiedertype"),
                        &type_text,
                        "ZA, BAZB or APD",
                    )
                })?;
                let versions_path = child_path(path, "Interfaceversies");
                let mut versions_seq =
                    self.seq(seq.required("Interfaceversies")?, &versions_path)?;
                let mut versions = Vec::new();
                let mut seen = HashSet::new();
                for (index, node) in versions_seq.many("Interfaceversie").into_iter().enumerate() {
                    let version_path = indexed_path(&versions_path, "Interfaceversie", index);
                    let mut version_seq = self.seq(node, &version_path)?;
                    let id = self.text(&mut version_seq, "InterfaceversieId")?;
                    let id_path = child_path(&version_path, "InterfaceversieId");
                    check_length(&id, &id_path, 1, Some(30), "1 to 30 characters")?;
                    unique(&mut seen, &id, &id_path)?;
                    let gegevensdiensten_path = child_path(&version_path, "Gegevensdiensten");
                    let gegevensdiensten = self.gegevensdiensten(
                        version_seq.required("Gegevensdiensten")?,
                        &gegevensdiensten_path,
                    )?;
                    versions.push(Interfaceversie {
                        id: Some(id),
                        gegevensdiensten,
                    });
                }
                if versions.is_empty() {
                    return Err(ListError::MissingElement {
                        path: versions_path,
                        expected: "Interfaceversie",
                    });
                }
                (Some(aanbiedertype), versions)
            }
        };
        seq.finish()?;
        Ok(Zorgaanbieder {
            naam,
            aanbiedertype,
            interfaceversies,
        })
    }

    fn gegevensdiensten(
        &self,
        node: Node<'_, '_>,
        path: &str,
    ) -> Result<Vec<ZalGegevensdienst>, ListError> {
        let mut seq = self.seq(node, path)?;
        let mut gegevensdiensten = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in seq.many("Gegevensdienst").into_iter().enumerate() {
            let entry_path = indexed_path(path, "Gegevensdienst", index);
            let entry = self.gegevensdienst(node, &entry_path)?;
            unique(
                &mut seen,
                entry.id.as_str(),
                &child_path(&entry_path, "GegevensdienstId"),
            )?;
            gegevensdiensten.push(entry);
        }
        seq.finish()?;
        if gegevensdiensten.is_empty() {
            return Err(ListError::MissingElement {
                path: path.to_owned(),
                expected: "Gegevensdienst",
            });
        }
        Ok(gegevensdiensten)
    }

    fn gegevensdienst(
        &self,
        node: Node<'_, '_>,
        path: &str,
    ) -> Result<ZalGegevensdienst, ListError> {
        let mut seq = self.seq(node, path)?;
        let id = self.text(&mut seq, "GegevensdienstId")?;
        check_length(
            &id,
            &child_path(path, "GegevensdienstId"),
            1,
            Some(30),
            "1 to 30 characters",
        )?;

        let authorization_endpoint = self.endpoint(
            &mut seq,
            "AuthorizationEndpoint",
            "AuthorizationEndpointuri",
            true,
        )?;
        let token_endpoint = self.endpoint(&mut seq, "TokenEndpoint", "TokenEndpointuri", false)?;

        let abonneren = match self.release {
            ZalRelease::Release2 => None,
            ZalRelease::Release3 => match seq.optional("Abonneren") {
                Some(node) => Some(self.abonneren(node, &child_path(path, "Abonneren"))?),
                None => None,
            },
        };

        let rollen_path = child_path(path, "Systeemrollen");
        let mut rollen_seq = self.seq(seq.required("Systeemrollen")?, &rollen_path)?;
        let mut systeemrollen = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in rollen_seq.many("Systeemrol").into_iter().enumerate() {
            let rol_path = indexed_path(&rollen_path, "Systeemrol", index);
            let mut rol_seq = self.seq(node, &rol_path)?;
            let code = self.text(&mut rol_seq, "Systeemrolcode")?;
            let code_path = child_path(&rol_path, "Systeemrolcode");
            check_length(&code, &code_path, 1, Some(30), "1 to 30 characters")?;
            unique(&mut seen, &code, &code_path)?;
            let resource_endpoint = self.endpoint(
                &mut rol_seq,
                "ResourceEndpoint",
                "ResourceEndpointuri",
                false,
            )?;
            rol_seq.finish()?;
            systeemrollen.push(Systeemrol {
                code,
                resource_endpoint,
            });
        }
        rollen_seq.finish()?;
        if systeemrollen.is_empty() {
            return Err(ListError::MissingElement {
                path: rollen_path,
                expected: "Systeemrol",
            });
        }
        seq.finish()?;
        Ok(ZalGegevensdienst {
            id: GegevensdienstId::new(id),
            authorization_endpoint,
            token_endpoint,
            abonneren,
            systeemrollen,
        })
    }

    /// Reads `<wrapper><uri_name>uri</uri_name></wrapper>` and checks the URI.
    fn endpoint(
        &self,
        seq: &mut Seq<'_, '_>,
        wrapper: &'static str,
        uri_name: &'static str,
        front_channel: bool,
    ) -> Result<String, ListError> {
        let wrapper_path = child_path(seq.path(), wrapper);
        let mut wrapper_seq = self.seq(seq.required(wrapper)?, &wrapper_path)?;
        let uri = self.text(&mut wrapper_seq, uri_name)?;
        wrapper_seq.finish()?;
        let uri_path = child_path(&wrapper_path, uri_name);
        let valid = match (self.release, front_channel) {
            (ZalRelease::Release2, true) => is_frontchannel_uri(&uri),
            (ZalRelease::Release2, false) => is_backchannel_uri(&uri),
            (ZalRelease::Release3, _) => is_https_uri(&uri),
        };
        if !valid {
            let rule = if front_channel {
                "an https URI with a host name, no port, query or fragment"
            } else {
                "an https URI with a host name and optional port, no query or fragment"
            };
            return Err(invalid(&uri_path, &uri, rule));
        }
        Ok(uri)
    }

    fn abonneren(&self, node: Node<'_, '_>, path: &str) -> Result<Abonneren, ListError> {
        let mut seq = self.seq(node, path)?;
        let duur = self.text(&mut seq, "MaximaleDuur")?;
        let maximale_duur = duur
            .parse::<u32>()
            .map_err(|_| invalid(&child_path(path, "MaximaleDuur"), &duur, "a number of days"))?;
        let subscription_endpoint = self.text(&mut seq, "SubscriptionEndpointuri")?;
        if !is_https_uri(&subscription_endpoint) {
            return Err(invalid(
                &child_path(path, "SubscriptionEndpointuri"),
                &subscription_endpoint,
                "an https URI",
            ));
        }
        seq.finish()?;
        Ok(Abonneren {
            maximale_duur,
            subscription_endpoint,
        })
    }
}
