//! The HTTP-Redirect binding: DEFLATE, base64 and a signature over the query string.

use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use url::form_urlencoded::byte_serialize;

use crate::identity::verify_rsa_sha256;
use crate::xml::MAX_MESSAGE_BYTES;
use crate::{SamlError, SigningIdentity};

/// `SigAlg` value of RSA-SHA256.
pub(crate) const SIG_ALG_RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// Builds the signed query string `SAMLRequest=…&RelayState=…&SigAlg=…&Signature=…`.
pub(crate) fn signed_query(
    message_xml: &str,
    relay_state: &str,
    identity: &SigningIdentity,
) -> Result<String, SamlError> {
    let mut deflater =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflater
        .write_all(message_xml.as_bytes())
        .and_then(|()| deflater.flush())
        .map_err(|e| SamlError::Malformed(format!("DEFLATE failed: {e}")))?;
    let deflated = deflater
        .finish()
        .map_err(|e| SamlError::Malformed(format!("DEFLATE failed: {e}")))?;

    let mut query = format!("SAMLRequest={}", encode(&STANDARD.encode(deflated)));
    if !relay_state.is_empty() {
        query.push_str("&RelayState=");
        query.push_str(&encode(relay_state));
    }
    query.push_str("&SigAlg=");
    query.push_str(&encode(SIG_ALG_RSA_SHA256));
    let signature = identity.sign_rsa_sha256(query.as_bytes());
    query.push_str("&Signature=");
    query.push_str(&encode(&STANDARD.encode(signature)));
    Ok(query)
}

fn encode(value: &str) -> String {
    byte_serialize(value.as_bytes()).collect()
}

/// A redirect message whose query signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RedirectMessage {
    pub xml: String,
    pub relay_state: Option<String>,
}

/// Verifies the signature of a raw query string (as received, before any decoding) with the
/// sender's certificate and returns the inflated message.
///
/// The signed octets are rebuilt from the received encoded values in the order the binding fixes
/// (`SAMLRequest`, `RelayState`, `SigAlg`), so the signature is checked over exactly what was sent.
pub(crate) fn verify_query(
    raw_query: &str,
    sender_cert_pem: &str,
) -> Result<RedirectMessage, SamlError> {
    let mut request = None;
    let mut relay_state = None;
    let mut sig_alg = None;
    let mut signature = None;
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "SAMLRequest" => &mut request,
            "RelayState" => &mut relay_state,
            "SigAlg" => &mut sig_alg,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(SamlError::Malformed(format!(
                "query parameter {name} occurs twice"
            )));
        }
    }
    let request =
        request.ok_or_else(|| SamlError::Malformed("SAMLRequest is missing".to_owned()))?;
    let sig_alg =
        sig_alg.ok_or_else(|| SamlError::RedirectSignature("SigAlg is missing".to_owned()))?;
    let signature =
        signature.ok_or_else(|| SamlError::RedirectSignature("Signature is missing".to_owned()))?;
    if decode_component(sig_alg)? != SIG_ALG_RSA_SHA256 {
        return Err(SamlError::RedirectSignature(format!(
            "SigAlg {sig_alg:?} is not RSA-SHA256"
        )));
    }

    let mut signed = format!("SAMLRequest={request}");
    if let Some(relay_state) = relay_state {
        signed.push_str("&RelayState=");
        signed.push_str(relay_state);
    }
    signed.push_str("&SigAlg=");
    signed.push_str(sig_alg);
    let signature = STANDARD
        .decode(decode_component(signature)?)
        .map_err(|e| SamlError::RedirectSignature(format!("Signature is not base64: {e}")))?;
    verify_rsa_sha256(sender_cert_pem, signed.as_bytes(), &signature)?;

    let xml = inflate(request)?;
    Ok(RedirectMessage {
        xml,
        relay_state: relay_state.map(decode_component).transpose()?,
    })
}

/// Decodes, base64-decodes and inflates an encoded SAMLRequest value, with the size cap.
fn inflate(encoded: &str) -> Result<String, SamlError> {
    let deflated = STANDARD
        .decode(decode_component(encoded)?)
        .map_err(|e| SamlError::Malformed(format!("SAMLRequest is not base64: {e}")))?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .take(MAX_MESSAGE_BYTES as u64 + 1)
        .read_to_string(&mut xml)
        .map_err(|e| SamlError::Malformed(format!("SAMLRequest does not inflate: {e}")))?;
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(SamlError::Malformed(
            "inflated SAMLRequest is too large".to_owned(),
        ));
    }
    Ok(xml)
}

/// Decodes one `application/x-www-form-urlencoded` value.
fn decode_component(value: &str) -> Result<String, SamlError> {
    url::form_urlencoded::parse(format!("v={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| SamlError::Malformed("empty query value".to_owned()))
}

/// Inflates the SAMLRequest of a query string without checking its signature, only to find the
/// issuer whose certificate [`verify_query`] then needs.
pub(crate) fn inflate_unverified(raw_query: &str) -> Result<String, SamlError> {
    let request = raw_query
        .split('&')
        .find_map(|pair| pair.strip_prefix("SAMLRequest="))
        .ok_or_else(|| SamlError::Malformed("SAMLRequest is missing".to_owned()))?;
    inflate(request)
}
