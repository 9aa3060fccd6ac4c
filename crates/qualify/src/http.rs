//! Sending one TestScript operation over HTTP(S) and keeping the response for the asserts.

use serde_json::Value;

/// A received response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Header (lowercase name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// The body parsed as FHIR (JSON as is, XML converted to the JSON shape); `None` when the
    /// body is empty or not FHIR.
    pub resource: Option<Value>,
    /// Why the body could not be read as FHIR, when it is not empty.
    pub body_error: Option<String>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    /// GET, POST, PUT or DELETE.
    pub method: reqwest::Method,
    /// The absolute URL.
    pub url: String,
    /// Header (name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

/// Sends `request` and reads the response.
pub async fn send(client: &reqwest::Client, request: Request) -> Result<Response, String> {
    let mut builder = client.request(request.method.clone(), &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let response = builder.send().await.map_err(|error| {
        format!(
            "{} {} failed: {}",
            request.method,
            request.url,
            error_chain(&error)
        )
    })?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect::<Vec<_>>();
    let body = response.bytes().await.map_err(|error| {
        format!(
            "reading the body of {} failed: {}",
            request.url,
            error_chain(&error)
        )
    })?;
    let content_type = headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .map(|(_, value)| value.clone());
    let (resource, body_error) = match parse_fhir(&body, content_type.as_deref()) {
        Ok(resource) => (resource, None),
        Err(error) => (None, Some(error)),
    };
    Ok(Response {
        status,
        headers,
        resource,
        body_error,
    })
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Reads a FHIR body: JSON as is, XML through the `fhir` crate into the JSON shape. Other media
/// types (a PDF) give `Ok(None)`.
pub fn parse_fhir(body: &[u8], content_type: Option<&str>) -> Result<Option<Value>, String> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text.trim_start_matches('\u{feff}').trim(),
        Err(_) => return Ok(None),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let media = content_type.unwrap_or_default().to_ascii_lowercase();
    let is_json = media.contains("json") || (!media.contains("xml") && text.starts_with('{'));
    let is_xml = media.contains("xml") || (!media.contains("json") && text.starts_with('<'));
    if is_json {
        return serde_json::from_str(text)
            .map(Some)
            .map_err(|error| format!("invalid JSON body: {error}"));
    }
    if is_xml {
        return xml_to_json(text).map(Some);
    }
    Ok(None)
}

/// Converts FHIR XML to FHIR JSON.
pub fn xml_to_json(text: &str) -> Result<Value, String> {
    let resource = fhir::Resource::from_xml(text)
        .map_err(|error| format!("invalid FHIR XML body: {error}"))?;
    serde_json::from_str(&resource.to_json())
        .map_err(|error| format!("FHIR XML converted to invalid JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_json_and_xml_alike() {
        let json = parse_fhir(
            br#"{"resourceType":"Bundle","type":"searchset"}"#,
            Some("application/fhir+json"),
        )
        .unwrap()
        .unwrap();
        let xml = parse_fhir(
            br#"<Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/></Bundle>"#,
            Some("application/fhir+xml;charset=utf-8"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(json["type"], "searchset");
        assert_eq!(xml["resourceType"], "Bundle");
        assert_eq!(xml["type"], "searchset");
    }

    #[test]
    fn parse_other_bodies() {
        assert_eq!(
            parse_fhir(b"%PDF-1.4", Some("application/pdf")).unwrap(),
            None
        );
        assert_eq!(parse_fhir(b"", None).unwrap(), None);
        assert!(parse_fhir(b"{nope", Some("application/json")).is_err());
    }
}
