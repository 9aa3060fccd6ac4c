//! The WS-Security header: a signed token that binds the message to its addressee, time window,
//! trigger event and patient.
//!
//! The token follows the AORTA authentication token: a `signedData` element (with a `wsu:Id`)
//! holding `authenticationData` (message id, `notBefore`, `notAfter`, addressed party) and
//! `coSignedData` (trigger event, patient id). An XML signature in `wsse:Security` (exclusive
//! C14N, RSA-SHA256) covers `signedData`, so a replayed or altered token fails verification.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::AortaError;
use crate::soap::{WSSE_NS, WSU_NS};
use hl7v3::Ii;

/// Namespace of the AORTA token elements.
pub const TOKEN_NS: &str = "http://www.aortarelease.nl/805/";

/// The facts the token binds.
#[derive(Debug, Clone)]
pub struct Token {
    /// Transmission wrapper id of the message.
    pub message_id: Ii,
    /// AORTA application id of the addressee (`receiver/device/id`).
    pub addressed_app_id: String,
    /// Start of the validity window.
    pub not_before: OffsetDateTime,
    /// End of the validity window.
    pub not_after: OffsetDateTime,
    /// Trigger event of the ControlAct wrapper, e.g. `REPC_TE990110NL`.
    pub trigger_event: String,
    /// BSN digits of the patient.
    pub patient_bsn: String,
}

/// Writes the unsigned `wsse:Security` header with the token; returns it and the token's `wsu:Id`.
pub fn security_header(token: &Token) -> Result<(String, String), AortaError> {
    let id = format!("token-{}", uuid::Uuid::new_v4().simple());
    let not_before = timestamp(token.not_before)?;
    let not_after = timestamp(token.not_after)?;
    let mut writer = Writer::new(Vec::new());
    let mut write = |event: Event<'_>| {
        writer
            .write_event(event)
            .map_err(|e| AortaError::Config(format!("writing the security header failed: {e}")))
    };
    let start = |name: &'static str, attributes: &[(&str, &str)]| {
        Event::Start(BytesStart::new(name).with_attributes(attributes.iter().copied()))
    };
    let empty = |name: &'static str, attributes: &[(&str, &str)]| {
        Event::Empty(BytesStart::new(name).with_attributes(attributes.iter().copied()))
    };
    let end = |name: &'static str| Event::End(BytesEnd::new(name));

    write(start(
        "wsse:Security",
        &[
            ("xmlns:wsse", WSSE_NS),
            ("xmlns:wsu", WSU_NS),
            ("soap:mustUnderstand", "1"),
        ],
    ))?;
    write(start(
        "aorta:signedData",
        &[("xmlns:aorta", TOKEN_NS), ("wsu:Id", &id)],
    ))?;
    write(start("aorta:authenticationData", &[]))?;
    write(empty(
        "aorta:messageId",
        &[
            ("root", &token.message_id.root),
            (
                "extension",
                token.message_id.extension.as_deref().unwrap_or_default(),
            ),
        ],
    ))?;
    write(start("aorta:notBefore", &[]))?;
    write(Event::Text(BytesText::new(&not_before)))?;
    write(end("aorta:notBefore"))?;
    write(start("aorta:notAfter", &[]))?;
    write(Event::Text(BytesText::new(&not_after)))?;
    write(end("aorta:notAfter"))?;
    write(empty(
        "aorta:addressedParty",
        &[
            ("root", hl7v3::query::APP_ID_ROOT),
            ("extension", &token.addressed_app_id),
        ],
    ))?;
    write(end("aorta:authenticationData"))?;
    write(start("aorta:coSignedData", &[]))?;
    write(start("aorta:triggerEventId", &[]))?;
    write(Event::Text(BytesText::new(&token.trigger_event)))?;
    write(end("aorta:triggerEventId"))?;
    write(empty(
        "aorta:patientId",
        &[
            ("root", hl7v3::read::BSN_ROOT),
            ("extension", &token.patient_bsn),
        ],
    ))?;
    write(end("aorta:coSignedData"))?;
    write(end("aorta:signedData"))?;
    write(end("wsse:Security"))?;
    let xml = String::from_utf8(writer.into_inner())
        .map_err(|e| AortaError::Config(format!("security header is not UTF-8: {e}")))?;
    Ok((xml, id))
}

/// Formats a time as `xs:dateTime` in UTC, to the second.
fn timestamp(at: OffsetDateTime) -> Result<String, AortaError> {
    at.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| AortaError::Config(e.to_string()))?
        .format(&Rfc3339)
        .map_err(|e| AortaError::Config(e.to_string()))
}

/// Builds the SOAP envelope for `message_xml` with the token header, signed with `key`.
pub fn signed_envelope(
    message_xml: &str,
    token: &Token,
    key: &xmldsig::SigningKey,
) -> Result<String, AortaError> {
    let (header, id) = security_header(token)?;
    let unsigned = crate::soap::envelope(message_xml, &header);
    xmldsig::sign(
        &unsigned,
        &id,
        xmldsig::Placement::LastChildOf {
            namespace: WSSE_NS,
            local_name: "Security",
        },
        key,
    )
    .map_err(|e| AortaError::Config(format!("signing the SOAP message failed: {e}")))
}
