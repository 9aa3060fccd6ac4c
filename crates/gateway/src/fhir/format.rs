//! Content negotiation (`Accept`, `_format`) and writing resources as FHIR JSON or XML.

use fhir::Resource;

use super::outcome::FhirError;

/// A FHIR wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/fhir+json`, the default.
    Json,
    /// `application/fhir+xml`.
    Xml,
}

impl Format {
    /// Returns the response `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/fhir+json;charset=utf-8",
            Self::Xml => "application/fhir+xml;charset=utf-8",
        }
    }

    /// Serializes `resource` in this format.
    pub fn render(self, resource: &Resource) -> String {
        match self {
            Self::Json => resource.to_json(),
            Self::Xml => resource.to_xml(),
        }
    }
}

/// Chooses the format from `_format` (which wins) or `Accept`, ranked by quality (`q`, ranges with
/// `q=0` excluded); JSON when neither names one.
///
/// # Errors
/// [`FhirError::UnsupportedVersion`] when the chosen `Accept` range requests a `fhirVersion` other
/// than 3.0.
pub fn negotiate(accept: Option<&str>, format_param: Option<&str>) -> Result<Format, FhirError> {
    if let Some(format) = format_param.and_then(from_mime) {
        return Ok(format);
    }
    for range in ranked(accept.unwrap_or_default()) {
        let Some(format) = from_mime(range.mime) else {
            continue;
        };
        if range.fhir_version.is_some_and(|v| !v.starts_with("3.0")) {
            return Err(FhirError::UnsupportedVersion);
        }
        return Ok(format);
    }
    Ok(Format::Json)
}

/// One media range of an `Accept` header.
struct MediaRange<'a> {
    mime: &'a str,
    quality: f32,
    fhir_version: Option<&'a str>,
}

/// Splits `Accept` into its media ranges, best quality first (ties keep their order), without the
/// ranges the client refuses (`q=0`).
fn ranked(accept: &str) -> Vec<MediaRange<'_>> {
    let mut ranges: Vec<MediaRange<'_>> = accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let mut media = MediaRange {
                mime: parts.next().unwrap_or_default(),
                quality: 1.0,
                fhir_version: None,
            };
            for (key, value) in parts.filter_map(|p| p.split_once('=')) {
                let value = value.trim().trim_matches('"');
                if key.trim().eq_ignore_ascii_case("q") {
                    media.quality = value.parse().unwrap_or(0.0);
                } else if key.trim().eq_ignore_ascii_case("fhirVersion") {
                    media.fhir_version = Some(value);
                }
            }
            media
        })
        .filter(|range| range.quality > 0.0 && !range.mime.is_empty())
        .collect();
    ranges.sort_by(|a, b| b.quality.total_cmp(&a.quality));
    ranges
}

pub(super) fn from_mime(mime: &str) -> Option<Format> {
    match mime.trim().to_ascii_lowercase().as_str() {
        "json" | "application/fhir+json" | "application/json+fhir" | "application/json" => {
            Some(Format::Json)
        }
        "xml"
        | "application/fhir+xml"
        | "application/xml+fhir"
        | "application/xml"
        | "text/xml" => Some(Format::Xml),
        _ => None,
    }
}

/// Tells whether the client asked for a FHIR format at all (used by the Binary read, which otherwise
/// returns the raw document).
pub fn asks_for_fhir(accept: Option<&str>, format_param: Option<&str>) -> bool {
    if format_param.and_then(from_mime).is_some() {
        return true;
    }
    // The best-ranked range decides: a FHIR type selects the FHIR Binary, anything else (a PDF,
    // */*) selects the document itself.
    ranked(accept.unwrap_or_default())
        .first()
        .is_some_and(|range| from_mime(range.mime).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_ranks_the_ranges() {
        let xml_preferred = "application/fhir+json;q=0.5, application/fhir+xml;q=0.9";
        assert_eq!(negotiate(Some(xml_preferred), None).unwrap(), Format::Xml);
        let json_excluded = "application/fhir+json;q=0, application/fhir+xml";
        assert_eq!(negotiate(Some(json_excluded), None).unwrap(), Format::Xml);

        assert!(!asks_for_fhir(
            Some("application/fhir+json;q=0, application/pdf"),
            None
        ));
        assert!(!asks_for_fhir(
            Some("application/pdf, application/fhir+json;q=0.9"),
            None
        ));
        assert!(asks_for_fhir(
            Some("application/pdf;q=0.5, application/fhir+xml"),
            None
        ));
        assert!(!asks_for_fhir(Some("*/*"), None));
    }

    #[test]
    fn default_is_json() {
        assert_eq!(negotiate(None, None).unwrap(), Format::Json);
        assert_eq!(negotiate(Some("*/*"), None).unwrap(), Format::Json);
    }

    #[test]
    fn accept_xml() {
        assert_eq!(
            negotiate(Some("application/fhir+xml"), None).unwrap(),
            Format::Xml
        );
        assert_eq!(
            negotiate(Some("text/html, application/xml+fhir;q=0.9"), None).unwrap(),
            Format::Xml
        );
    }

    #[test]
    fn format_parameter_wins() {
        assert_eq!(
            negotiate(Some("application/fhir+json"), Some("xml")).unwrap(),
            Format::Xml
        );
        assert_eq!(
            negotiate(Some("application/fhir+xml"), Some("application/fhir+json")).unwrap(),
            Format::Json
        );
    }

    #[test]
    fn fhir_version_checked() {
        assert_eq!(
            negotiate(Some("application/fhir+json; fhirVersion=3.0"), None).unwrap(),
            Format::Json
        );
        assert!(matches!(
            negotiate(Some("application/fhir+json; fhirVersion=4.0"), None),
            Err(FhirError::UnsupportedVersion)
        ));
    }

    #[test]
    fn raw_binary_without_fhir_accept() {
        assert!(!asks_for_fhir(None, None));
        assert!(!asks_for_fhir(Some("*/*"), None));
        assert!(!asks_for_fhir(Some("application/pdf"), None));
        assert!(asks_for_fhir(Some("application/fhir+json"), None));
        assert!(asks_for_fhir(None, Some("xml")));
    }
}
