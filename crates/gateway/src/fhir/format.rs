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

/// Chooses the format from `_format` (which wins) or `Accept`; JSON when neither names one.
///
/// # Errors
/// [`FhirError::UnsupportedVersion`] when `Accept` requests a `fhirVersion` other than 3.0.
pub fn negotiate(accept: Option<&str>, format_param: Option<&str>) -> Result<Format, FhirError> {
    if let Some(format) = format_param.and_then(from_mime) {
        return Ok(format);
    }
    let Some(accept) = accept else {
        return Ok(Format::Json);
    };

    let mut chosen = None;
    for media_range in accept.split(',') {
        let mut parts = media_range.split(';').map(str::trim);
        let mime = parts.next().unwrap_or_default();
        let Some(format) = from_mime(mime) else {
            continue;
        };
        for parameter in parts {
            if let Some((key, value)) = parameter.split_once('=') {
                let value = value.trim().trim_matches('"');
                if key.trim().eq_ignore_ascii_case("fhirVersion") && !value.starts_with("3.0") {
                    return Err(FhirError::UnsupportedVersion);
                }
            }
        }
        chosen.get_or_insert(format);
    }
    Ok(chosen.unwrap_or(Format::Json))
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
    format_param.and_then(from_mime).is_some()
        || accept.is_some_and(|accept| {
            accept
                .split(',')
                .filter_map(|range| range.split(';').next())
                .any(|mime| from_mime(mime).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

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
