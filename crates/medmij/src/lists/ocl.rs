//! The OAuth Client List: the PGO clients (`client_id` = Hostname) and their organisation names.

use std::collections::HashSet;

use time::OffsetDateTime;

use super::read::{
    Seq, child_path, header, indexed_path, list_root, parse_document, simple_text, unique,
};
use super::values::{check_length, format_tijdstempel, invalid, is_hostname};
use super::write::XmlWriter;
use super::{ListError, ListKind, MedMijList, OCL_NAMESPACE};

/// One PGO client on the OCL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OAuthClient {
    /// The client's front-channel host name; it is also the `client_id`.
    pub hostname: String,
    /// The organisation name shown on the consent screen (3 to 50 characters).
    pub organisatienaam: String,
}

/// The OAuth Client List (`oauthclientlist/release2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClientList {
    /// Publication time.
    pub tijdstempel: OffsetDateTime,
    /// Publication sequence number.
    pub volgnummer: u64,
    /// The clients, in document order, with unique host names.
    pub clients: Vec<OAuthClient>,
}

impl OAuthClientList {
    /// Finds a client by exact, case-sensitive comparison of `client_id` with the Hostname.
    pub fn find(&self, client_id: &str) -> Option<&OAuthClient> {
        self.clients
            .iter()
            .find(|client| client.hostname == client_id)
    }
}

impl MedMijList for OAuthClientList {
    const KIND: ListKind = ListKind::OAuthClientList;

    fn parse(xml: &str) -> Result<Self, ListError> {
        let document = parse_document(xml)?;
        let root = list_root(&document, Self::KIND)?;
        let mut seq = Seq::new(root, "OAuthclientlist".to_owned(), OCL_NAMESPACE, true)?;
        let (tijdstempel, volgnummer) = header(&mut seq)?;

        let clients_path = child_path(seq.path(), "OAuthclients");
        let mut clients_seq = Seq::new(
            seq.required("OAuthclients")?,
            clients_path.clone(),
            OCL_NAMESPACE,
            true,
        )?;
        let mut clients = Vec::new();
        let mut seen = HashSet::new();
        for (index, node) in clients_seq.many("OAuthclient").into_iter().enumerate() {
            let path = indexed_path(&clients_path, "OAuthclient", index);
            let mut client_seq = Seq::new(node, path.clone(), OCL_NAMESPACE, true)?;

            let hostname_path = child_path(&path, "Hostname");
            let hostname = simple_text(client_seq.required("Hostname")?, &hostname_path)?;
            if !is_hostname(&hostname) {
                return Err(invalid(
                    &hostname_path,
                    &hostname,
                    "a lowercase DNS host name",
                ));
            }
            unique(&mut seen, &hostname, &hostname_path)?;

            let name_path = child_path(&path, "OAuthclientOrganisatienaam");
            let organisatienaam = simple_text(
                client_seq.required("OAuthclientOrganisatienaam")?,
                &name_path,
            )?;
            check_length(
                &organisatienaam,
                &name_path,
                3,
                Some(50),
                "3 to 50 characters",
            )?;
            client_seq.finish()?;

            clients.push(OAuthClient {
                hostname,
                organisatienaam,
            });
        }
        clients_seq.finish()?;
        seq.finish()?;
        Ok(Self {
            tijdstempel,
            volgnummer,
            clients,
        })
    }

    fn to_xml(&self) -> String {
        let mut writer = XmlWriter::new("OAuthclientlist", OCL_NAMESPACE);
        writer.text("Tijdstempel", &format_tijdstempel(self.tijdstempel));
        writer.text("Volgnummer", &self.volgnummer.to_string());
        writer.open("OAuthclients");
        for client in &self.clients {
            writer.open("OAuthclient");
            writer.text("Hostname", &client.hostname);
            writer.text("OAuthclientOrganisatienaam", &client.organisatienaam);
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
