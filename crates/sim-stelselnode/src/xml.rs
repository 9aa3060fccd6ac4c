//! XML text of the four MedMij lists, in the Afsprakenset 1.1 schemas (OCL, Whitelist and ZAL
//! `release2`, GNL `release1`), default namespace and pretty-printed.

use std::fmt::Write as _;

use crate::contents::{GegevensdienstNaam, OAuthClient, Zorgaanbieder};

const OCL_NS: &str = "xmlns://afsprakenstelsel.medmij.nl/oauthclientlist/release2/";
const WHITELIST_NS: &str = "xmlns://afsprakenstelsel.medmij.nl/whitelist/release2/";
const GNL_NS: &str = "xmlns://afsprakenstelsel.medmij.nl/gegevensdienstnamenlijst/release1/";
const ZAL_NS: &str = "xmlns://afsprakenstelsel.medmij.nl/zorgaanbiederslijst/release2/";

/// Tijdstempel and Volgnummer of one published list.
#[derive(Debug, Clone)]
pub struct Header {
    /// Tijdstempel in RFC 3339 with seconds and time zone.
    pub tijdstempel: String,
    /// Volgnummer, at least 1.
    pub volgnummer: u64,
}

/// Escapes text for element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn open(root: &str, namespace: &str, header: &Header) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{namespace}\">\n    \
         <Tijdstempel>{}</Tijdstempel>\n    <Volgnummer>{}</Volgnummer>\n",
        escape(&header.tijdstempel),
        header.volgnummer
    )
}

/// Renders the OAuth Client List.
pub fn oauth_client_list(header: &Header, clients: &[OAuthClient]) -> String {
    let mut xml = open("OAuthclientlist", OCL_NS, header);
    xml.push_str("    <OAuthclients>\n");
    for client in clients {
        let _ = write!(
            xml,
            "        <OAuthclient>\n            <Hostname>{}</Hostname>\n            \
             <OAuthclientOrganisatienaam>{}</OAuthclientOrganisatienaam>\n        </OAuthclient>\n",
            escape(&client.hostname),
            escape(&client.organisatienaam)
        );
    }
    xml.push_str("    </OAuthclients>\n</OAuthclientlist>\n");
    xml
}

/// Renders the Whitelist in the 1.1 shape (`MedMijNode/Hostname`).
pub fn whitelist(header: &Header, hostnames: &[String]) -> String {
    let mut xml = open("Whitelist", WHITELIST_NS, header);
    xml.push_str("    <MedMijNodes>\n");
    for hostname in hostnames {
        let _ = write!(
            xml,
            "        <MedMijNode>\n            <Hostname>{}</Hostname>\n        </MedMijNode>\n",
            escape(hostname)
        );
    }
    xml.push_str("    </MedMijNodes>\n</Whitelist>\n");
    xml
}

/// Renders the Gegevensdienstnamenlijst.
pub fn gegevensdienstnamenlijst(header: &Header, diensten: &[GegevensdienstNaam]) -> String {
    let mut xml = open("Gegevensdienstnamenlijst", GNL_NS, header);
    xml.push_str("    <Gegevensdiensten>\n");
    for dienst in diensten {
        let _ = write!(
            xml,
            "        <Gegevensdienst>\n            <GegevensdienstId>{}</GegevensdienstId>\n            \
             <Weergavenaam>{}</Weergavenaam>\n        </Gegevensdienst>\n",
            escape(&dienst.id),
            escape(&dienst.weergavenaam)
        );
    }
    xml.push_str("    </Gegevensdiensten>\n</Gegevensdienstnamenlijst>\n");
    xml
}

/// Renders the Zorgaanbiederslijst.
pub fn zorgaanbiederslijst(header: &Header, zorgaanbieders: &[Zorgaanbieder]) -> String {
    let mut xml = open("Zorgaanbiederslijst", ZAL_NS, header);
    xml.push_str("    <Zorgaanbieders>\n");
    for zorgaanbieder in zorgaanbieders {
        let _ = write!(
            xml,
            "        <Zorgaanbieder>\n            <Zorgaanbiedernaam>{}</Zorgaanbiedernaam>\n            \
             <Gegevensdiensten>\n",
            escape(&zorgaanbieder.naam)
        );
        for dienst in &zorgaanbieder.gegevensdiensten {
            let _ = write!(
                xml,
                "                <Gegevensdienst>\n\
                 \x20                   <GegevensdienstId>{}</GegevensdienstId>\n\
                 \x20                   <AuthorizationEndpoint>\n\
                 \x20                       <AuthorizationEndpointuri>{}</AuthorizationEndpointuri>\n\
                 \x20                   </AuthorizationEndpoint>\n\
                 \x20                   <TokenEndpoint>\n\
                 \x20                       <TokenEndpointuri>{}</TokenEndpointuri>\n\
                 \x20                   </TokenEndpoint>\n\
                 \x20                   <Systeemrollen>\n\
                 \x20                       <Systeemrol>\n\
                 \x20                           <Systeemrolcode>{}</Systeemrolcode>\n\
                 \x20                           <ResourceEndpoint>\n\
                 \x20                               <ResourceEndpointuri>{}</ResourceEndpointuri>\n\
                 \x20                           </ResourceEndpoint>\n\
                 \x20                       </Systeemrol>\n\
                 \x20                   </Systeemrollen>\n\
                 \x20               </Gegevensdienst>\n",
                escape(&dienst.id),
                escape(&dienst.authorization_endpoint),
                escape(&dienst.token_endpoint),
                escape(&dienst.systeemrolcode),
                escape(&dienst.resource_endpoint),
            );
        }
        xml.push_str("            </Gegevensdiensten>\n        </Zorgaanbieder>\n");
    }
    xml.push_str("    </Zorgaanbieders>\n</Zorgaanbiederslijst>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            tijdstempel: "2026-12-04T12:00:00Z".to_owned(),
            volgnummer: 3,
        }
    }

    #[test]
    fn whitelist_lists_each_hostname() {
        let xml = whitelist(
            &header(),
            &["a.localhost".to_owned(), "b.localhost".to_owned()],
        );
        assert!(xml.contains("<Volgnummer>3</Volgnummer>"));
        assert!(xml.contains("<Hostname>a.localhost</Hostname>"));
        assert!(xml.contains("<Hostname>b.localhost</Hostname>"));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Whitelist xmlns="));
    }

    #[test]
    fn escape_replaces_markup() {
        let client = OAuthClient {
            hostname: "x.localhost".to_owned(),
            organisatienaam: "A & <B>".to_owned(),
        };
        let xml = oauth_client_list(&header(), &[client]);
        assert!(xml.contains("A &amp; &lt;B&gt;"));
    }
}
