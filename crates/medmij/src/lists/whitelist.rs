//! The Whitelist: host names of the nodes allowed on the MedMij back channel.
//!
//! Afsprakenset 1.0 and 1.1 use the same namespace with incompatible content: 1.0 puts the host name
//! directly in `MedMijNode` (and requires at least one), 1.1 and 2.x wrap it in
//! `MedMijNode/Hostname` (zero or more). The parser accepts both and records which one it read.

use std::collections::HashSet;

use time::OffsetDateTime;

use super::read::{
    Seq, child_path, header, indexed_path, list_root, parse_document, simple_text, unique,
};
use super::values::{format_tijdstempel, invalid, is_hostname};
use super::write::XmlWriter;
use super::{ListError, ListKind, MedMijList, WHITELIST_NAMESPACE};

/// The content model of a Whitelist document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhitelistShape {
    /// Afsprakenset 1.0: `<MedMijNode>host</MedMijNode>`, at least one node.
    V1_0,
    /// Afsprakenset 1.1 and 2.x: `<MedMijNode><Hostname>host</Hostname></MedMijNode>`.
    #[default]
    V1_1,
}

/// The Whitelist (`whitelist/release2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whitelist {
    /// The content model the list was read in, and is written in.
    pub shape: WhitelistShape,
    /// Publication time.
    pub tijdstempel: OffsetDateTime,
    /// Publication sequence number.
    pub volgnummer: u64,
    /// The host names, in document order, unique.
    pub hostnames: Vec<String>,
}

impl Whitelist {
    /// Checks whether `hostname` is on the list (exact comparison; host names are lowercase).
    pub fn contains(&self, hostname: &str) -> bool {
        self.hostnames.iter().any(|listed| listed == hostname)
    }
}

impl MedMijList for Whitelist {
    const KIND: ListKind = ListKind::Whitelist;

    fn parse(xml: &str) -> Result<Self, ListError> {
        let document = parse_document(xml)?;
        let root = list_root(&document, Self::KIND)?;
        let mut seq = Seq::new(root, "Whitelist".to_owned(), WHITELIST_NAMESPACE, true)?;
        let (tijdstempel, volgnummer) = header(&mut seq)?;

        let nodes_path = child_path(seq.path(), "MedMijNodes");
        let mut nodes_seq = Seq::new(
            seq.required("MedMijNodes")?,
            nodes_path.clone(),
            WHITELIST_NAMESPACE,
            true,
        )?;
        let nodes = nodes_seq.many("MedMijNode");
        nodes_seq.finish()?;
        seq.finish()?;

        // The first node decides the shape; every other node must use the same one.
        let shape = match nodes.first() {
            Some(first) if !first.children().any(|child| child.is_element()) => {
                WhitelistShape::V1_0
            }
            Some(_) => WhitelistShape::V1_1,
            None => WhitelistShape::V1_1,
        };

        let mut hostnames = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in nodes.into_iter().enumerate() {
            let path = indexed_path(&nodes_path, "MedMijNode", index);
            let (hostname, hostname_path) = match shape {
                WhitelistShape::V1_0 => (simple_text(node, &path)?, path),
                WhitelistShape::V1_1 => {
                    let mut node_seq = Seq::new(node, path.clone(), WHITELIST_NAMESPACE, true)?;
                    let hostname_path = child_path(&path, "Hostname");
                    let hostname = simple_text(node_seq.required("Hostname")?, &hostname_path)?;
                    node_seq.finish()?;
                    (hostname, hostname_path)
                }
            };
            if !is_hostname(&hostname) {
                return Err(invalid(
                    &hostname_path,
                    &hostname,
                    "a lowercase DNS host name",
                ));
            }
            unique(&mut seen, &hostname, &hostname_path)?;
            hostnames.push(hostname);
        }

        Ok(Self {
            shape,
            tijdstempel,
            volgnummer,
            hostnames,
        })
    }

    fn to_xml(&self) -> String {
        let mut writer = XmlWriter::new("Whitelist", WHITELIST_NAMESPACE);
        writer.text("Tijdstempel", &format_tijdstempel(self.tijdstempel));
        writer.text("Volgnummer", &self.volgnummer.to_string());
        writer.open("MedMijNodes");
        for hostname in &self.hostnames {
            match self.shape {
                WhitelistShape::V1_0 => writer.text("MedMijNode", hostname),
                WhitelistShape::V1_1 => {
                    writer.open("MedMijNode");
                    writer.text("Hostname", hostname);
                    writer.close();
                }
            }
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
