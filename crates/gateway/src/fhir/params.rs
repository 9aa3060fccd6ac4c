//! Parsing and checking the search parameters of a request.

use time::Date;

use super::searches::Search;

/// A date comparison prefix (FHIR `ge`, `gt`, `le`, `lt`, `eq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// On the date.
    Eq,
    /// On or after the date.
    Ge,
    /// After the date.
    Gt,
    /// On or before the date.
    Le,
    /// Before the date.
    Lt,
}

/// One filtering parameter; repeated parameters must all hold, comma-separated values are alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// A token parameter (`category`, `code`, `type`, `status`) with its `[system]|[code]` alternatives.
    Token {
        /// The parameter name.
        name: String,
        /// The alternatives, each `code`, `system|code` or `system|`.
        values: Vec<String>,
    },
    /// A date parameter (`date`, `periodofuse`, `indexed`, `created`).
    Date {
        /// The parameter name.
        name: String,
        /// The comparison.
        prefix: Prefix,
        /// The day compared with.
        date: Date,
    },
}

/// The checked parameters of a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchParams {
    /// The filters to apply to the matched resources.
    pub filters: Vec<Filter>,
    /// The `_include` values (all supported by the search).
    pub includes: Vec<String>,
}

/// A rejected search parameter; every variant becomes HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// `patient` or `subject` was sent; the patient comes from the access token only.
    #[error("search parameter '{0}' is not allowed: the patient follows from the access token")]
    PatientParameter(String),
    /// An `_include` value that this search does not support.
    #[error("_include value '{0}' is not supported for this search")]
    UnsupportedInclude(String),
    /// A date parameter with an unreadable value.
    #[error("search parameter '{name}' has an invalid date value '{value}'")]
    InvalidDate {
        /// The parameter name.
        name: String,
        /// The value as sent.
        value: String,
    },
    /// A modifier (`name:modifier`) on a parameter that supports none.
    #[error("modifier on search parameter '{0}' is not supported")]
    UnsupportedModifier(String),
    /// The query string is not valid `application/x-www-form-urlencoded` text.
    #[error("the query string is not valid URL encoding")]
    Malformed,
}

const DATE_PARAMS: &[&str] = &["date", "periodofuse", "indexed", "created"];

/// Parses `query` (the raw query string) for `search`.
///
/// Unknown parameters are ignored, as FHIR's lenient handling allows; `_format` is read elsewhere.
pub fn parse(query: &str, search: &Search) -> Result<SearchParams, ParamError> {
    let pairs = decode(query)?;
    let mut params = SearchParams::default();

    for (key, value) in pairs {
        let (name, modifier) = match key.split_once(':') {
            Some((name, modifier)) => (name, Some(modifier)),
            None => (key.as_str(), None),
        };
        let base = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
        if base == "patient" || base == "subject" {
            return Err(ParamError::PatientParameter(key.clone()));
        }

        if name == "_include" {
            let include = value.trim();
            if !search.includes.contains(&include) {
                return Err(ParamError::UnsupportedInclude(include.to_owned()));
            }
            params.includes.push(include.to_owned());
            continue;
        }
        if !search.params.contains(&name) {
            continue;
        }
        if modifier.is_some() {
            return Err(ParamError::UnsupportedModifier(key.clone()));
        }

        if DATE_PARAMS.contains(&name) {
            let (prefix, date) = parse_date(&value).ok_or_else(|| ParamError::InvalidDate {
                name: name.to_owned(),
                value: value.clone(),
            })?;
            params.filters.push(Filter::Date {
                name: name.to_owned(),
                prefix,
                date,
            });
        } else {
            params.filters.push(Filter::Token {
                name: name.to_owned(),
                values: value.split(',').map(str::to_owned).collect(),
            });
        }
    }
    Ok(params)
}

/// Returns the parts of `query` that `search` applies (its parameters, `_include` and `_format`),
/// as sent, for the Bundle's self link. Other parameters are dropped, so that a value the search
/// ignored, such as a BSN in `identifier`, is not echoed back.
pub fn applied_query(query: &str, search: &Search) -> String {
    let applied = |piece: &&str| {
        let Ok(pairs) = decode(piece) else {
            return false;
        };
        pairs.first().is_some_and(|(key, _)| {
            let name = key.split(':').next().unwrap_or(key);
            name == "_include" || name == "_format" || search.params.contains(&name)
        })
    };
    query
        .split('&')
        .filter(applied)
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a query string into name/value pairs.
pub fn decode(query: &str) -> Result<Vec<(String, String)>, ParamError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).map_err(|_| ParamError::Malformed)
}

fn parse_date(value: &str) -> Option<(Prefix, Date)> {
    let (prefix, rest) = match value.get(..2) {
        Some("ge") => (Prefix::Ge, &value[2..]),
        Some("gt") => (Prefix::Gt, &value[2..]),
        Some("le") => (Prefix::Le, &value[2..]),
        Some("lt") => (Prefix::Lt, &value[2..]),
        Some("eq") => (Prefix::Eq, &value[2..]),
        _ => (Prefix::Eq, value),
    };
    let well_formed = rest.len() >= 4 && rest.bytes().take(4).all(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    disclosure::fhir_date(rest).map(|date| (prefix, date))
}

impl Prefix {
    /// Tells whether `actual` satisfies this comparison with `wanted`.
    pub fn holds(self, actual: Date, wanted: Date) -> bool {
        match self {
            Self::Eq => actual == wanted,
            Self::Ge => actual >= wanted,
            Self::Gt => actual > wanted,
            Self::Le => actual <= wanted,
            Self::Lt => actual < wanted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::searches::find;
    use time::macros::date;

    #[test]
    fn medication_query_of_the_tests() {
        let search = find("49", "MedicationRequest").unwrap();
        let params = parse(
            "periodofuse=ge2026-12-04&category=http://snomed.info/sct%7C16076005&_include=MedicationRequest:medication",
            search,
        )
        .unwrap();

        assert_eq!(params.includes, ["MedicationRequest:medication"]);
        assert_eq!(
            params.filters,
            [
                Filter::Date {
                    name: "periodofuse".into(),
                    prefix: Prefix::Ge,
                    date: date!(2026 - 12 - 04)
                },
                Filter::Token {
                    name: "category".into(),
                    values: vec!["http://snomed.info/sct|16076005".into()]
                },
            ]
        );
    }

    #[test]
    fn applied_query_drops_ignored_parameters() {
        let search = find("49", "MedicationRequest").unwrap();

        let applied = applied_query(
            "periodofuse=ge2026-12-04&identifier=http://fhir.nl/fhir/NamingSystem/bsn%7C999991127&_include=MedicationRequest:medication&_format=json",
            search,
        );

        assert_eq!(
            applied,
            "periodofuse=ge2026-12-04&_include=MedicationRequest:medication&_format=json"
        );
        assert_eq!(applied_query("", search), "");
    }

    #[test]
    fn patient_and_subject_rejected() {
        let search = find("49", "Observation").unwrap();
        for query in [
            "patient=123",
            "subject=Patient/1",
            "subject:Patient.identifier=x",
            "Patient.identifier=1",
        ] {
            assert!(
                matches!(parse(query, search), Err(ParamError::PatientParameter(_))),
                "{query}"
            );
        }
    }

    #[test]
    fn unsupported_include_rejected() {
        let search = find("49", "EpisodeOfCare").unwrap();
        assert_eq!(
            parse("_include=EpisodeOfCare:patient", search),
            Err(ParamError::UnsupportedInclude(
                "EpisodeOfCare:patient".into()
            ))
        );
    }

    #[test]
    fn invalid_date_rejected() {
        let search = find("49", "Observation").unwrap();
        assert!(matches!(
            parse("date=ge14-months-ago", search),
            Err(ParamError::InvalidDate { .. })
        ));
        assert!(matches!(
            parse("date=ge2026-02-30", search),
            Err(ParamError::InvalidDate { .. })
        ));
    }

    #[test]
    fn unknown_parameters_ignored() {
        let search = find("49", "EpisodeOfCare").unwrap();
        assert_eq!(
            parse("_format=json&_count=10", search),
            Ok(SearchParams::default())
        );
    }

    #[test]
    fn date_prefixes() {
        let day = date!(2026 - 01 - 10);
        assert!(Prefix::Ge.holds(day, day));
        assert!(!Prefix::Gt.holds(day, day));
        assert!(Prefix::Le.holds(day, day));
        assert!(!Prefix::Lt.holds(day, day));
        assert!(Prefix::Eq.holds(day, day));
    }
}
