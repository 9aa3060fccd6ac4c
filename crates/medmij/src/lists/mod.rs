//! The four MedMij lists: parsing with the structure rules of the MedMij XSDs, and writing.
//!
//! The parsers check in Rust code what the XSDs impose (element order, cardinality, patterns, lengths,
//! uniqueness), so no schema processor is needed at run time. The `release2`/`release1` lists are
//! checked strictly. The `release3` Aanbiederslijst has no published XSD, so its parser checks the
//! required element paths and ignores unknown elements.

mod cache;
mod gnl;
mod ocl;
mod read;
mod values;
mod whitelist;
mod write;
mod zal;
mod zal_write;

pub use cache::{KeepReason, ListCache, ListUpdate, evaluate};
pub use gnl::{GegevensdienstNaam, Gegevensdienstnamenlijst};
pub use ocl::{OAuthClient, OAuthClientList};
pub use values::{GegevensdienstId, is_aanbiedernaam, is_aanbiedernaam_local_part, is_hostname};
pub use whitelist::{Whitelist, WhitelistShape};
pub use zal::{
    Aanbiedertype, Abonneren, Interfaceversie, Systeemrol, ZalGegevensdienst, ZalRelease,
    Zorgaanbieder, Zorgaanbiederslijst,
};

use time::OffsetDateTime;

/// Maximum accepted size of a list document in bytes, to bound memory use.
// NOTE: 64 MiB is an estimate; the size of the production Aanbiederslijst was not measured.
pub const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

/// Namespace of the OAuth Client List (Afsprakenset 1.0 and 1.1).
pub const OCL_NAMESPACE: &str = "xmlns://afsprakenstelsel.medmij.nl/oauthclientlist/release2/";
/// Namespace of the Whitelist (1.0, 1.1 and 2.x share it, with two incompatible content models).
pub const WHITELIST_NAMESPACE: &str = "xmlns://afsprakenstelsel.medmij.nl/whitelist/release2/";
/// Namespace of the Gegevensdienstnamenlijst (1.1 and later).
pub const GNL_NAMESPACE: &str =
    "xmlns://afsprakenstelsel.medmij.nl/gegevensdienstnamenlijst/release1/";
/// Namespace of the 1.x Zorgaanbiederslijst (gegevensdiensten directly under each Zorgaanbieder).
pub const ZAL_RELEASE2_NAMESPACE: &str =
    "xmlns://afsprakenstelsel.medmij.nl/zorgaanbiederslijst/release2/";
/// Namespace of the later Aanbiederslijst (Aanbiedertype and Interfaceversies).
pub const ZAL_RELEASE3_NAMESPACE: &str =
    "xmlns://afsprakenstelsel.medmij.nl/zorgaanbiederslijst/release3/";

/// The kind of a MedMij list, as published by the stelselnode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKind {
    /// OAuth Client List (OCL): the PGO clients and their organisation names.
    OAuthClientList,
    /// Whitelist: host names allowed on the back channel.
    Whitelist,
    /// Gegevensdienstnamenlijst (GNL): display names of the gegevensdiensten.
    Gegevensdienstnamenlijst,
    /// Zorgaanbiederslijst or Aanbiederslijst (ZAL): aanbieders and their endpoints.
    Zorgaanbiederslijst,
}

impl ListKind {
    /// All kinds, in a fixed order.
    pub const ALL: [ListKind; 4] = [
        ListKind::OAuthClientList,
        ListKind::Whitelist,
        ListKind::Gegevensdienstnamenlijst,
        ListKind::Zorgaanbiederslijst,
    ];

    /// Returns the stable key used in storage, configuration and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::OAuthClientList => "oauthclientlist",
            ListKind::Whitelist => "whitelist",
            ListKind::Gegevensdienstnamenlijst => "gegevensdienstnamenlijst",
            ListKind::Zorgaanbiederslijst => "zorgaanbiederslijst",
        }
    }

    /// Parses a key produced by [`ListKind::as_str`].
    pub fn from_key(key: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|kind| kind.as_str() == key)
    }

    /// Returns the file name under which the stelselnode publishes the list.
    pub fn file_name(self) -> &'static str {
        match self {
            ListKind::OAuthClientList => "MedMij_OAuthclientlist.xml",
            ListKind::Whitelist => "MedMij_Whitelist.xml",
            ListKind::Gegevensdienstnamenlijst => "MedMij_Gegevensdienstnamenlijst.xml",
            ListKind::Zorgaanbiederslijst => "MedMij_Zorgaanbiederslijst.xml",
        }
    }

    /// Determines the kind from a document's root element name and namespace.
    pub fn detect(xml: &str) -> Result<ListKind, ListError> {
        let document = read::parse_document(xml)?;
        let root = document.root_element();
        kind_of_root(
            root.tag_name().name(),
            root.tag_name().namespace().unwrap_or(""),
        )
    }
}

impl std::fmt::Display for ListKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn kind_of_root(name: &str, namespace: &str) -> Result<ListKind, ListError> {
    match (name, namespace) {
        ("OAuthclientlist", OCL_NAMESPACE) => Ok(ListKind::OAuthClientList),
        ("Whitelist", WHITELIST_NAMESPACE) => Ok(ListKind::Whitelist),
        ("Gegevensdienstnamenlijst", GNL_NAMESPACE) => Ok(ListKind::Gegevensdienstnamenlijst),
        ("Zorgaanbiederslijst", ZAL_RELEASE2_NAMESPACE | ZAL_RELEASE3_NAMESPACE) => {
            Ok(ListKind::Zorgaanbiederslijst)
        }
        _ => Err(ListError::UnknownRoot {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
        }),
    }
}

/// The reason a list document was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// The document is larger than [`MAX_LIST_BYTES`].
    #[error("list document is {size} bytes, the maximum is {max}")]
    TooLarge { size: usize, max: usize },
    /// The document contains a document type declaration, which MedMij lists never have.
    #[error("list document contains a DTD, which is not allowed")]
    DtdNotAllowed,
    /// The document is not well-formed XML.
    #[error("list document is not well-formed XML: {0}")]
    Xml(String),
    /// The root element is not one of the known list roots in its namespace.
    #[error("unknown list root element {name:?} in namespace {namespace:?}")]
    UnknownRoot { name: String, namespace: String },
    /// The document is a valid list root of another kind than the parser expects.
    #[error("expected a {expected} document, got a {found}")]
    WrongKind { expected: ListKind, found: ListKind },
    /// A required element is missing.
    #[error("missing element {expected} in {path}")]
    MissingElement {
        path: String,
        expected: &'static str,
    },
    /// An element occurs where the schema allows no such element.
    #[error("unexpected element {found} in {path}")]
    UnexpectedElement { path: String, found: String },
    /// An element carries an attribute that the schema does not declare.
    #[error("unexpected attribute {name} in {path}")]
    UnexpectedAttribute { path: String, name: String },
    /// Non-whitespace text occurs in an element that only contains elements.
    #[error("unexpected text in {path}")]
    UnexpectedText { path: String },
    /// An element contains a value that breaks its simple-type rule.
    #[error("invalid value {value:?} in {path}: {rule}")]
    InvalidValue {
        path: String,
        value: String,
        rule: &'static str,
    },
    /// A value that the schema declares unique occurs twice.
    #[error("duplicate value {value:?} in {path}")]
    Duplicate { path: String, value: String },
}

/// Behaviour shared by the four lists.
pub trait MedMijList: Sized {
    /// The kind of this list.
    const KIND: ListKind;

    /// Parses and checks a list document.
    fn parse(xml: &str) -> Result<Self, ListError>;

    /// Writes the list as a pretty-printed XML 1.0 document with a default namespace.
    fn to_xml(&self) -> String;

    /// Returns the Volgnummer, the publication sequence number.
    fn volgnummer(&self) -> u64;

    /// Returns the Tijdstempel, the publication time.
    fn tijdstempel(&self) -> OffsetDateTime;
}

/// A parsed list of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyList {
    /// An OAuth Client List.
    OAuthClientList(OAuthClientList),
    /// A Whitelist.
    Whitelist(Whitelist),
    /// A Gegevensdienstnamenlijst.
    Gegevensdienstnamenlijst(Gegevensdienstnamenlijst),
    /// A Zorgaanbiederslijst.
    Zorgaanbiederslijst(Zorgaanbiederslijst),
}

impl AnyList {
    /// Parses a list document of any kind, choosing the parser by root element and namespace.
    pub fn parse(xml: &str) -> Result<AnyList, ListError> {
        Ok(match ListKind::detect(xml)? {
            ListKind::OAuthClientList => AnyList::OAuthClientList(OAuthClientList::parse(xml)?),
            ListKind::Whitelist => AnyList::Whitelist(Whitelist::parse(xml)?),
            ListKind::Gegevensdienstnamenlijst => {
                AnyList::Gegevensdienstnamenlijst(Gegevensdienstnamenlijst::parse(xml)?)
            }
            ListKind::Zorgaanbiederslijst => {
                AnyList::Zorgaanbiederslijst(Zorgaanbiederslijst::parse(xml)?)
            }
        })
    }

    /// Returns the kind of the list.
    pub fn kind(&self) -> ListKind {
        match self {
            AnyList::OAuthClientList(_) => ListKind::OAuthClientList,
            AnyList::Whitelist(_) => ListKind::Whitelist,
            AnyList::Gegevensdienstnamenlijst(_) => ListKind::Gegevensdienstnamenlijst,
            AnyList::Zorgaanbiederslijst(_) => ListKind::Zorgaanbiederslijst,
        }
    }

    /// Returns the Volgnummer of the list.
    pub fn volgnummer(&self) -> u64 {
        match self {
            AnyList::OAuthClientList(list) => list.volgnummer(),
            AnyList::Whitelist(list) => list.volgnummer(),
            AnyList::Gegevensdienstnamenlijst(list) => list.volgnummer(),
            AnyList::Zorgaanbiederslijst(list) => list.volgnummer(),
        }
    }

    /// Writes the list as XML.
    pub fn to_xml(&self) -> String {
        match self {
            AnyList::OAuthClientList(list) => list.to_xml(),
            AnyList::Whitelist(list) => list.to_xml(),
            AnyList::Gegevensdienstnamenlijst(list) => list.to_xml(),
            AnyList::Zorgaanbiederslijst(list) => list.to_xml(),
        }
    }
}

/// The current lists that the authorization server consults; a missing list is `None`.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// The OAuth Client List; without it no client can be validated.
    pub oauth_clients: Option<OAuthClientList>,
    /// The Whitelist.
    pub whitelist: Option<Whitelist>,
    /// The Gegevensdienstnamenlijst, for display names on the consent screen.
    pub gegevensdienstnamen: Option<Gegevensdienstnamenlijst>,
    /// The Zorgaanbiederslijst.
    pub zorgaanbieders: Option<Zorgaanbiederslijst>,
}
