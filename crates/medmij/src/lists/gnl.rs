//! The Gegevensdienstnamenlijst: display names of the gegevensdiensten for the consent screen.

use std::collections::HashSet;

use time::OffsetDateTime;

use super::read::{
    Seq, child_path, header, indexed_path, list_root, parse_document, simple_text, unique,
};
use super::values::{GegevensdienstId, check_length, format_tijdstempel};
use super::write::XmlWriter;
use super::{GNL_NAMESPACE, ListError, ListKind, MedMijList};

/// One gegevensdienst and its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GegevensdienstNaam {
    /// The GegevensdienstId (1 to 30 characters).
    pub id: GegevensdienstId,
    /// The Weergavenaam (3 to 50 characters).
    pub weergavenaam: String,
}

/// The Gegevensdienstnamenlijst (`gegevensdienstnamenlijst/release1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gegevensdienstnamenlijst {
    /// Publication time.
    pub tijdstempel: OffsetDateTime,
    /// Publication sequence number.
    pub volgnummer: u64,
    /// The gegevensdiensten, in document order, with unique ids.
    pub gegevensdiensten: Vec<GegevensdienstNaam>,
}

impl Gegevensdienstnamenlijst {
    /// Returns the display name of a gegevensdienst.
    pub fn weergavenaam(&self, id: &str) -> Option<&str> {
        self.gegevensdiensten
            .iter()
            .find(|entry| entry.id.as_str() == id)
            .map(|entry| entry.weergavenaam.as_str())
    }
}

impl MedMijList for Gegevensdienstnamenlijst {
    const KIND: ListKind = ListKind::Gegevensdienstnamenlijst;

    fn parse(xml: &str) -> Result<Self, ListError> {
        let document = parse_document(xml)?;
        let root = list_root(&document, Self::KIND)?;
        let mut seq = Seq::new(
            root,
            "Gegevensdienstnamenlijst".to_owned(),
            GNL_NAMESPACE,
            true,
        )?;
        let (tijdstempel, volgnummer) = header(&mut seq)?;

        let list_path = child_path(seq.path(), "Gegevensdiensten");
        let mut list_seq = Seq::new(
            seq.required("Gegevensdiensten")?,
            list_path.clone(),
            GNL_NAMESPACE,
            true,
        )?;
        let mut gegevensdiensten = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in list_seq.many("Gegevensdienst").into_iter().enumerate() {
            let path = indexed_path(&list_path, "Gegevensdienst", index);
            let mut entry_seq = Seq::new(node, path.clone(), GNL_NAMESPACE, true)?;

            let id_path = child_path(&path, "GegevensdienstId");
            let id = simple_text(entry_seq.required("GegevensdienstId")?, &id_path)?;
            check_length(&id, &id_path, 1, Some(30), "1 to 30 characters")?;
            unique(&mut seen, &id, &id_path)?;

            let name_path = child_path(&path, "Weergavenaam");
            let weergavenaam = simple_text(entry_seq.required("Weergavenaam")?, &name_path)?;
            check_length(&weergavenaam, &name_path, 3, Some(50), "3 to 50 characters")?;
            entry_seq.finish()?;

            gegevensdiensten.push(GegevensdienstNaam {
                id: GegevensdienstId::new(id),
                weergavenaam,
            });
        }
        list_seq.finish()?;
        seq.finish()?;
        Ok(Self {
            tijdstempel,
            volgnummer,
            gegevensdiensten,
        })
    }

    fn to_xml(&self) -> String {
        let mut writer = XmlWriter::new("Gegevensdienstnamenlijst", GNL_NAMESPACE);
        writer.text("Tijdstempel", &format_tijdstempel(self.tijdstempel));
        writer.text("Volgnummer", &self.volgnummer.to_string());
        writer.open("Gegevensdiensten");
        for entry in &self.gegevensdiensten {
            writer.open("Gegevensdienst");
            writer.text("GegevensdienstId", entry.id.as_str());
            writer.text("Weergavenaam", &entry.weergavenaam);
            writer.close();
        }
        writer.finish()
    }

    fn volgnummer(&self) -> u64 {
        self.volgnummer
    }

    fn tijdstempel(&self) -> OffsetDateTime {
        self.tijdstempel
    }
}
