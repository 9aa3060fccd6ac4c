//! Reading AORTA answers: safe parsing, unwrapping SOAP, HTTP captures and batches, and the
//! transmission and ControlAct wrapper facts (acknowledgement, queryAck, detected issues, patients).

use crate::dom::{Document, Node};

use crate::Ii;
use crate::xml::{child, children, elements, path, path_attr, text};

/// Largest accepted message text in bytes (answers with PDF/A documents stay well below this).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Largest accepted number of XML nodes, attributes and namespace declarations together, which
/// bounds memory use on hostile input (24 bytes per node, 16 per attribute).
pub const MAX_NODES: u32 = 2_000_000;

/// Largest accepted nesting of elements. The reference Ketenzorg and waarneem answers, wrappers
/// included, nest at most 16 levels; the limit bounds the memory of open elements on hostile input.
pub const MAX_DEPTH: u32 = 1_000;

/// Maximum nesting depth of wrappers (HTTP capture, SOAP, batch) around the interactions.
const MAX_WRAPPER_DEPTH: usize = 6;

/// The OID of the Dutch citizen service number (BSN) in `II.root`.
pub const BSN_ROOT: &str = "2.16.840.1.113883.2.4.6.3";

/// Errors while reading an AORTA message.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The text is larger than [`MAX_MESSAGE_BYTES`].
    #[error("message of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the rejected text in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The text declares a DTD or entities, which AORTA messages never need.
    #[error("message contains a DTD or entity declaration, which is not accepted")]
    Dtd,
    /// The text is not well-formed XML (or exceeds the node limit).
    #[error("message is not well-formed XML: {0}")]
    Xml(#[from] crate::dom::Error),
    /// No HL7v3 interaction was found inside the wrappers.
    #[error("no HL7v3 interaction found below the root element <{0}>")]
    NoInteraction(String),
    /// An interaction element lacks its `interactionId` or `id`.
    #[error("element {path} has no {missing}")]
    MissingElement {
        /// The element path from the root, e.g. `/Envelope/Body/REPC_IN990111NL`.
        path: String,
        /// The missing child element or attribute, e.g. `interactionId/@extension`.
        missing: &'static str,
    },
}

/// Parses message text after checking its size. DTDs and entity declarations are rejected.
pub fn parse(xml: &str) -> Result<Document<'_>, ReadError> {
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(ReadError::TooLarge {
            size: xml.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    Document::parse_nested(xml, MAX_NODES, MAX_DEPTH).map_err(|error| match error {
        crate::dom::Error::Dtd => ReadError::Dtd,
        other => ReadError::Xml(other),
    })
}

/// An acknowledgement detail (`acknowledgementDetail`) of a transmission wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckDetail {
    /// The detail code, e.g. an LSP error code.
    pub code: String,
    /// The human-readable text, empty when absent.
    pub text: String,
}

/// The transmission wrapper's `acknowledgement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// `AA` (accepted), `AE` (application error) or `AR` (rejected).
    pub type_code: String,
    /// The id of the message this one answers.
    pub target_message_id: Option<Ii>,
    /// The acknowledgement details in document order.
    pub details: Vec<AckDetail>,
}

/// A detected issue (`reasonOf/justifiedDetectedIssue/code`) of a ControlAct wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedIssue {
    /// The issue code, e.g. `AUTERR_SWV_FALSE`.
    pub code: String,
    /// The code system OID of the issue code.
    pub code_system: Option<String>,
    /// The `displayName` describing the issue, empty when absent.
    pub display: String,
}

/// One HL7v3 interaction found in a message, with its wrapper facts.
#[derive(Debug, Clone)]
pub struct Message<'a, 'i> {
    /// The interaction id, e.g. `REPC_IN990111NL`.
    pub interaction_id: String,
    /// The message id of the transmission wrapper.
    pub id: Ii,
    /// The sending AORTA application (`sender/device/id`).
    pub sender: Option<Ii>,
    /// The acknowledgement, present in answers.
    pub acknowledgement: Option<Acknowledgement>,
    /// `queryAck/queryResponseCode`: `OK`, `NF`, `AE` or `QE`.
    pub query_response_code: Option<String>,
    /// The codes of the detected issues, in document order.
    pub detected_issues: Vec<String>,
    /// The detected issues with their code system and display text.
    pub detected_issue_details: Vec<DetectedIssue>,
    node: Node<'a, 'i>,
}

impl<'a, 'i> Message<'a, 'i> {
    /// Returns the interaction element.
    pub fn node(&self) -> Node<'a, 'i> {
        self.node
    }

    /// Returns the interaction as a known enum value, if lspplus handles it.
    pub fn interaction(&self) -> Option<crate::Interaction> {
        crate::Interaction::from_id(&self.interaction_id)
    }

    /// Returns the `ControlActProcess/subject` payload elements (organizers) of the interaction.
    pub fn subjects(&self) -> Vec<Node<'a, 'i>> {
        child(self.node, "ControlActProcess")
            .map(|cap| {
                children(cap, "subject")
                    .filter_map(|s| elements(s).next())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Returns the distinct BSNs of every id with the BSN root anywhere in the interaction.
    pub fn patient_bsns(&self) -> Vec<String> {
        let mut bsns: Vec<String> = Vec::new();
        for id in self
            .node
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "id")
        {
            if id.attribute("root") != Some(BSN_ROOT) {
                continue;
            }
            if let Some(extension) = id.attribute("extension")
                && !bsns.iter().any(|known| known == extension)
            {
                bsns.push(extension.to_owned());
            }
        }
        bsns
    }

    /// Tells whether the answer reports an error: an `AE`/`AR` acknowledgement, a query response
    /// code other than `OK`/`NF`, or a detected issue.
    pub fn is_error(&self) -> bool {
        let ack_error = self
            .acknowledgement
            .as_ref()
            .is_some_and(|ack| ack.type_code != "AA" && ack.type_code != "CA");
        let query_error = self
            .query_response_code
            .as_deref()
            .is_some_and(|code| code != "OK" && code != "NF");
        ack_error || query_error || !self.detected_issues.is_empty()
    }
}

/// Returns every interaction in the document: a bare interaction, the body of a SOAP envelope or
/// of an HTTP capture, or the members of an `MCCI_IN200101` batch (in document order).
pub fn messages<'a, 'i>(doc: &'a Document<'i>) -> Result<Vec<Message<'a, 'i>>, ReadError> {
    let root = doc.root_element();
    let mut found = Vec::new();
    collect_interactions(root, 0, &mut found);
    if found.is_empty() {
        return Err(ReadError::NoInteraction(root.tag_name().name().to_owned()));
    }
    found.into_iter().map(read_message).collect()
}

fn is_interaction(node: Node<'_, '_>) -> bool {
    child(node, "interactionId").is_some()
}

fn collect_interactions<'a, 'i>(node: Node<'a, 'i>, depth: usize, found: &mut Vec<Node<'a, 'i>>) {
    if depth > MAX_WRAPPER_DEPTH {
        return;
    }
    if is_interaction(node) {
        if node.tag_name().name() == "MCCI_IN200101" {
            found.extend(elements(node).filter(|n| is_interaction(*n)));
        } else {
            found.push(node);
        }
        return;
    }
    for element in elements(node) {
        collect_interactions(element, depth + 1, found);
    }
}

/// Returns the path of local element names from the root to `node`, e.g. `/Envelope/Body/X`.
fn element_path(node: Node<'_, '_>) -> String {
    let mut names: Vec<&str> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| n.tag_name().name())
        .collect();
    names.reverse();
    format!("/{}", names.join("/"))
}

fn read_message<'a, 'i>(node: Node<'a, 'i>) -> Result<Message<'a, 'i>, ReadError> {
    let missing = |missing| ReadError::MissingElement {
        path: element_path(node),
        missing,
    };
    let interaction_id = path_attr(node, &["interactionId"], "extension")
        .ok_or_else(|| missing("interactionId/@extension"))?
        .to_owned();
    let id = child(node, "id")
        .map(Ii::from_node)
        .ok_or_else(|| missing("id"))?;
    let control_act = child(node, "ControlActProcess");
    let detected_issue_details = control_act.map(read_detected_issues).unwrap_or_default();
    Ok(Message {
        interaction_id,
        id,
        sender: path(node, &["sender", "device", "id"]).map(Ii::from_node),
        acknowledgement: child(node, "acknowledgement").map(read_acknowledgement),
        query_response_code: control_act
            .and_then(|cap| path_attr(cap, &["queryAck", "queryResponseCode"], "code"))
            .map(str::to_owned),
        detected_issues: detected_issue_details
            .iter()
            .map(|d| d.code.clone())
            .collect(),
        detected_issue_details,
        node,
    })
}

fn read_acknowledgement(node: Node<'_, '_>) -> Acknowledgement {
    Acknowledgement {
        type_code: node.attribute("typeCode").unwrap_or_default().to_owned(),
        target_message_id: path(node, &["targetMessage", "id"]).map(Ii::from_node),
        details: children(node, "acknowledgementDetail")
            .map(read_ack_detail)
            .collect(),
    }
}

fn read_ack_detail(node: Node<'_, '_>) -> AckDetail {
    let code = child(node, "code")
        .and_then(|c| c.attribute("code"))
        .or_else(|| node.attribute("code"))
        .unwrap_or_default();
    AckDetail {
        code: code.to_owned(),
        text: child(node, "text").map(text).unwrap_or_default(),
    }
}

fn read_detected_issues(control_act: Node<'_, '_>) -> Vec<DetectedIssue> {
    children(control_act, "reasonOf")
        .filter_map(|reason| path(reason, &["justifiedDetectedIssue", "code"]))
        .map(|code| DetectedIssue {
            code: code.attribute("code").unwrap_or_default().to_owned(),
            code_system: code.attribute("codeSystem").map(str::to_owned),
            display: code.attribute("displayName").unwrap_or_default().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
