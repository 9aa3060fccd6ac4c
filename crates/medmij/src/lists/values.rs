//! Simple-type rules of the MedMij list schemas: patterns, lengths and number formats.

use std::cmp::Ordering;
use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ListError;

/// Checks the XSD `Hostname` pattern
/// `(([a-z0-9])([a-z0-9-])*(\.))+([a-z0-9])([a-z0-9-])*([a-z0-9])`: at least two labels of lowercase
/// letters, digits and hyphens, each starting with a letter or digit, and a last label of at least two
/// characters that also ends with one. Ports, upper case and trailing dots are rejected.
pub fn is_hostname(value: &str) -> bool {
    host_matches(value, false)
}

/// Matches the host part shared by the hostname and URI patterns. The Frontchanneluri pattern makes the last
/// character of the last label optional, so with `frontchannel` that label may have one character and
/// may end with a hyphen.
fn host_matches(value: &str, frontchannel: bool) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let last_index = labels.len() - 1;
    labels.iter().enumerate().all(|(index, label)| {
        let bytes = label.as_bytes();
        let Some(first) = bytes.first() else {
            return false;
        };
        let allowed = bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        let starts_well = first.is_ascii_lowercase() || first.is_ascii_digit();
        if index < last_index {
            return allowed && starts_well;
        }
        let ends_well = bytes
            .last()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        allowed && starts_well && (frontchannel || (bytes.len() >= 2 && ends_well))
    })
}

/// Checks the path part `(/[^?#/]+)*`: empty, or segments that are non-empty and free of `?` and `#`.
fn path_matches(path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    rest.split('/')
        .all(|segment| !segment.is_empty() && !segment.contains(['?', '#']))
}

/// Splits `https://<host><rest>` where the host is the longest run of host characters.
fn split_https(value: &str) -> Option<(&str, &str)> {
    let rest = value.strip_prefix("https://")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    Some(rest.split_at(end))
}

/// Checks the XSD `Frontchanneluri` pattern: `https://`, a host name without port, and an optional
/// path without query or fragment.
pub(crate) fn is_frontchannel_uri(value: &str) -> bool {
    match split_https(value) {
        Some((host, path)) => host_matches(host, true) && path_matches(path),
        None => false,
    }
}

/// Checks the XSD `Backchanneluri` pattern: `https://`, a host name, an optional port of 1 to 5
/// digits, and an optional path without query or fragment.
pub(crate) fn is_backchannel_uri(value: &str) -> bool {
    let Some((host, rest)) = split_https(value) else {
        return false;
    };
    if !host_matches(host, false) {
        return false;
    }
    let path = match rest.strip_prefix(':') {
        Some(port_and_path) => {
            let digits = port_and_path
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(port_and_path.len());
            if !(1..=5).contains(&digits) {
                return false;
            }
            &port_and_path[digits..]
        }
        None => rest,
    };
    path_matches(path)
}

/// Checks an absolute https URI for lists without a schema (`release3`): it must parse, use https,
/// have a host, and carry no user info, query or fragment. Ports are allowed.
pub(crate) fn is_https_uri(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(url) => {
            url.scheme() == "https"
                && url.host_str().is_some_and(|host| !host.is_empty())
                && url.username().is_empty()
                && url.password().is_none()
                && url.query().is_none()
                && url.fragment().is_none()
        }
        Err(_) => false,
    }
}

/// Checks the 1.x `Zorgaanbiedernaam` type: `([a-z])+@medmij`, 10 to 57 characters.
pub(crate) fn is_release2_aanbiedernaam(value: &str) -> bool {
    let length = value.chars().count();
    (10..=57).contains(&length)
        && value
            .strip_suffix("@medmij")
            .is_some_and(|local| !local.is_empty() && local.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Checks an aanbiedernaam of a list without schema: lowercase letters, digits, dots and hyphens
/// (starting and ending with a letter or digit) followed by `@medmij`.
// NOTE: the 2.x naming pattern was not available; dots are confirmed by published 2.x names,
// hyphens are an assumption made for names such as `huisartsenpraktijk-delinde@medmij`.
pub fn is_aanbiedernaam(value: &str) -> bool {
    value.len() <= 100
        && value
            .strip_suffix("@medmij")
            .is_some_and(is_aanbiedernaam_local_part)
}

/// Checks the part of an aanbiedernaam before `@medmij` (the form used in scopes). At least one
/// letter is required, so a bare 1.0-style GegevensdienstId such as `49` is not taken for a name.
pub fn is_aanbiedernaam_local_part(local: &str) -> bool {
    let bytes = local.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'.' || *b == b'-')
}

/// Checks a string length in characters, as XSD `minLength`/`maxLength` count them.
pub(crate) fn check_length(
    value: &str,
    path: &str,
    min: usize,
    max: Option<usize>,
    rule: &'static str,
) -> Result<(), ListError> {
    let length = value.chars().count();
    if length < min || max.is_some_and(|max| length > max) {
        return Err(invalid(path, value, rule));
    }
    Ok(())
}

/// Builds an [`ListError::InvalidValue`], truncating long values.
pub(crate) fn invalid(path: &str, value: &str, rule: &'static str) -> ListError {
    let truncated: String = value.chars().take(120).collect();
    ListError::InvalidValue {
        path: path.to_owned(),
        value: truncated,
        rule,
    }
}

/// Parses a Tijdstempel: an `xs:dateTime` of at least 20 characters. A time zone is required so that
/// the instant is unambiguous.
pub(crate) fn parse_tijdstempel(raw: &str, path: &str) -> Result<OffsetDateTime, ListError> {
    const RULE: &str = "a date-time with seconds and time zone, at least 20 characters";
    let value = raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    if value.chars().count() < 20 {
        return Err(invalid(path, value, RULE));
    }
    OffsetDateTime::parse(value, &Rfc3339).map_err(|_| invalid(path, value, RULE))
}

/// Formats a Tijdstempel as RFC 3339, which is a valid `xs:dateTime` of at least 20 characters.
pub(crate) fn format_tijdstempel(value: OffsetDateTime) -> String {
    value
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// Parses a Volgnummer: an `xs:positiveInteger` (leading `+` and zeros allowed, zero rejected).
pub(crate) fn parse_volgnummer(raw: &str, path: &str) -> Result<u64, ListError> {
    const RULE: &str = "a positive integer";
    let value = raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(path, value, RULE));
    }
    match digits.parse::<u64>() {
        Ok(0) => Err(invalid(path, value, RULE)),
        Ok(number) => Ok(number),
        Err(_) => Err(invalid(
            path,
            value,
            "a positive integer that fits in 64 bits",
        )),
    }
}

/// A GegevensdienstId, ordered numerically when both ids are numbers (so `9` sorts before `49`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct GegevensdienstId(String);

impl GegevensdienstId {
    /// Wraps an id; callers check the syntax that applies where the id came from.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// Returns the id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn numeric(&self) -> Option<&str> {
        if !self.0.is_empty() && self.0.bytes().all(|b| b.is_ascii_digit()) {
            Some(self.0.trim_start_matches('0'))
        } else {
            None
        }
    }
}

impl Ord for GegevensdienstId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.numeric(), other.numeric()) {
            (Some(a), Some(b)) => a
                .len()
                .cmp(&b.len())
                .then_with(|| a.cmp(b))
                .then_with(|| self.0.cmp(&other.0)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => self.0.cmp(&other.0),
        }
    }
}

impl PartialOrd for GegevensdienstId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GegevensdienstId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for GegevensdienstId {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostname_pattern() {
        assert!(is_hostname("pgo.localhost"));
        assert!(is_hostname("medmij.deenigeechtepgo.nl"));
        assert!(is_hostname("78834.umcharderwijk.nl"));
        assert!(is_hostname("x.yz"));
        assert!(is_hostname("a-.b-c.nl"));
        assert!(!is_hostname("localhost"));
        assert!(!is_hostname("x.y"));
        assert!(!is_hostname("Pgo.localhost"));
        assert!(!is_hostname("pgo.localhost."));
        assert!(!is_hostname("-pgo.localhost"));
        assert!(!is_hostname("pgo.localhost-"));
        assert!(!is_hostname("pgo..localhost"));
        assert!(!is_hostname("pgo.localhost:8442"));
        assert!(!is_hostname(" pgo.localhost"));
    }

    #[test]
    fn channel_uri_patterns() {
        assert!(is_frontchannel_uri(
            "https://medmij.za982.xisbridge.net/oauth/authorize"
        ));
        assert!(is_frontchannel_uri("https://a.b"));
        assert!(is_frontchannel_uri("https://ab.c/x"));
        assert!(is_frontchannel_uri("https://ab.c-/x"));
        assert!(!is_frontchannel_uri(
            "https://lspplus.localhost:8440/authorize"
        ));
        assert!(!is_frontchannel_uri("http://a.bc/x"));
        assert!(!is_frontchannel_uri("https://a.bc/x?y=1"));
        assert!(!is_frontchannel_uri("https://a.bc/x/"));
        assert!(is_backchannel_uri("https://lspplus.localhost:8441/token"));
        assert!(is_backchannel_uri(
            "https://78834.umcharderwijk.nl:9100/pdfa"
        ));
        assert!(!is_backchannel_uri("https://a.bc:123456/x"));
        assert!(!is_backchannel_uri("https://a.bc:/x"));
        assert!(!is_backchannel_uri("https://a.b/x"));
        assert!(!is_backchannel_uri("https://a.bc/x#f"));
    }

    #[test]
    fn aanbiedernaam_rules() {
        assert!(is_release2_aanbiedernaam("umcharderwijk@medmij"));
        assert!(!is_release2_aanbiedernaam("ab@medmij"));
        assert!(!is_release2_aanbiedernaam("test.huisarts@medmij"));
        assert!(!is_release2_aanbiedernaam(
            "huisartsenpraktijk-delinde@medmij"
        ));
        assert!(is_aanbiedernaam("huisartsenpraktijk-delinde@medmij"));
        assert!(is_aanbiedernaam("test.huisarts.amsterdam@medmij"));
        assert!(!is_aanbiedernaam("test.huisarts."));
        assert!(!is_aanbiedernaam(".test@medmij"));
        assert!(!is_aanbiedernaam("Test@medmij"));
    }

    #[test]
    fn volgnummer_and_tijdstempel() {
        assert_eq!(parse_volgnummer(" 28654\n", "p"), Ok(28654));
        assert_eq!(parse_volgnummer("+007", "p"), Ok(7));
        assert!(parse_volgnummer("0", "p").is_err());
        assert!(parse_volgnummer("-1", "p").is_err());
        assert!(parse_volgnummer("99999999999999999999999", "p").is_err());
        assert!(parse_tijdstempel("2021-05-04T18:13:51.0+01:00", "p").is_ok());
        assert!(parse_tijdstempel("2018-04-16T11:41:59Z", "p").is_ok());
        assert!(parse_tijdstempel("2018-04-16T11:41:59", "p").is_err());
        assert!(parse_tijdstempel("2018-04-16T11:41Z", "p").is_err());
    }

    #[test]
    fn gegevensdienst_ids_sort_numerically() {
        let mut ids: Vec<GegevensdienstId> = ["51", "9", "49", "x", "049"]
            .into_iter()
            .map(GegevensdienstId::from)
            .collect();
        ids.sort();
        let sorted: Vec<&str> = ids.iter().map(GegevensdienstId::as_str).collect();
        assert_eq!(sorted, ["9", "049", "49", "51", "x"]);
    }
}
