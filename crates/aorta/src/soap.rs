//! The SOAP 1.1 envelope around an HL7v3 interaction, and reading SOAP faults.

/// Namespace of SOAP 1.1 envelopes.
pub const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Namespace of WS-Security 1.0 headers.
pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// Namespace of the WS-Security utility attributes (`wsu:Id`).
pub const WSU_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/// Wraps an interaction element in a SOAP 1.1 envelope whose header is `security`
/// (the `wsse:Security` element). An XML declaration in `message_xml` is removed.
pub fn envelope(message_xml: &str, security: &str) -> String {
    let body = strip_declaration(message_xml);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <soap:Envelope xmlns:soap=\"{SOAP_NS}\">\n\
         <soap:Header>\n{security}\n</soap:Header>\n\
         <soap:Body>\n{body}\n</soap:Body>\n\
         </soap:Envelope>\n"
    )
}

/// Removes a leading `<?xml ...?>` declaration (and whitespace before it).
pub fn strip_declaration(xml: &str) -> &str {
    let trimmed = xml.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<?xml")
        && let Some(end) = trimmed.find("?>")
    {
        return trimmed[end + 2..].trim_start();
    }
    trimmed
}

/// A SOAP 1.1 fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode`, e.g. `soap:Client`.
    pub code: String,
    /// `faultstring`.
    pub reason: String,
}

/// Returns the fault of a SOAP envelope, or `None` when the body contains no `soap:Fault`.
pub fn fault(doc: &hl7v3::dom::Document<'_>) -> Option<Fault> {
    let root = doc.root_element();
    if !root.has_tag_name((SOAP_NS, "Envelope")) {
        return None;
    }
    let body = root
        .children()
        .find(|n| n.has_tag_name((SOAP_NS, "Body")))?;
    let fault = body
        .children()
        .find(|n| n.has_tag_name((SOAP_NS, "Fault")))?;
    let text_of = |name: &str| {
        fault
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .unwrap_or_default()
    };
    Some(Fault {
        code: text_of("faultcode"),
        reason: text_of("faultstring"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_drops_declaration_and_wraps_body() {
        let xml = envelope(
            "<?xml version=\"1.0\"?>\n<A xmlns=\"urn:hl7-org:v3\"/>",
            "<H/>",
        );
        let doc = hl7v3::read::parse(&xml).unwrap();
        let body = doc
            .descendants()
            .find(|n| n.has_tag_name((SOAP_NS, "Body")))
            .unwrap();
        let children: Vec<_> = body.children().filter(|n| n.is_element()).collect();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].tag_name().name(), "A");
        assert_eq!(xml.matches("<?xml").count(), 1);
    }

    #[test]
    fn fault_is_read() {
        let xml = format!(
            "<s:Envelope xmlns:s=\"{SOAP_NS}\"><s:Body><s:Fault><faultcode>s:Client</faultcode>\
             <faultstring> bad token </faultstring></s:Fault></s:Body></s:Envelope>"
        );
        let doc = hl7v3::read::parse(&xml).unwrap();
        let fault = fault(&doc).unwrap();
        assert_eq!(fault.code, "s:Client");
        assert_eq!(fault.reason, "bad token");
    }
}
