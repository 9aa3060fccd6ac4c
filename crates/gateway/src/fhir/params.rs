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
    /// A date parameter (`date`, `periodofuse`, `indexed`, `created`), at the precision sent: `2026`
    /// is the whole year, `2026-12` the month, `2026-12-04` the day.
    Date {
        /// The parameter name.
        name: String,
        /// The comparison.
        prefix: Prefix,
        /// The first day of the value's range.
        date: Date,
        /// The first day after the value's range.
        end: Date,
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
    /// A date parameter with an unreadable value (the value is not repeated, because it is the
    /// caller's free text).
    #[error(
        "search parameter '{name}' has an invalid date value; use [prefix]YYYY, YYYY-MM or YYYY-MM-DD"
    )]
    InvalidDate {
        /// The parameter name.
        name: String,
    },
    /// A modifier (`name:modifier`) on a parameter that supports none.
    #[error("modifier on search parameter '{0}' is not supported")]
    UnsupportedModifier(String),
    /// A token value in a BSN system; a search never selects a person.
    #[error("search parameter '{0}' has a value in a BSN system, which no search accepts")]
    BsnValue(String),
    /// A code outside the parameter's value set.
    #[error(
        "search parameter '{0}' has an unknown code; status accepts current, superseded and entered-in-error"
    )]
    UnknownCode(String),
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
            let (prefix, date, end) =
                parse_date(&value).ok_or_else(|| ParamError::InvalidDate {
                    name: name.to_owned(),
                })?;
            params.filters.push(Filter::Date {
                name: name.to_owned(),
                prefix,
                date,
                end,
            });
        } else {
            let values: Vec<String> = value.split(',').map(str::to_owned).collect();
            check_token_values(name, &values)?;
            params.filters.push(Filter::Token {
                name: name.to_owned(),
                values,
            });
        }
    }
    Ok(params)
}

/// Builds the query of the Bundle's self link from the checked parameters, encoded by the gateway:
/// only what the search applied appears, so caller text that the search ignored is never echoed.
/// A token value that contains a number shaped like a BSN is applied but left out of the link,
/// because no BSN may appear in a response.
pub fn self_query(params: &SearchParams, format: Option<&str>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for filter in &params.filters {
        match filter {
            Filter::Token { name, values } if values.iter().any(|v| has_bsn_shape(v)) => {
                tracing::debug!(
                    parameter = name.as_str(),
                    "a BSN-shaped token value was left out of the self link"
                );
            }
            Filter::Token { name, values } => pairs.push((name, values.join(","))),
            Filter::Date {
                name,
                prefix,
                date,
                end,
            } => pairs.push((
                name,
                format!("{}{}", prefix.as_str(), date_text(*date, *end)),
            )),
        }
    }
    pairs.extend(params.includes.iter().map(|i| ("_include", i.clone())));
    pairs.extend(format.map(|f| ("_format", f.to_owned())));
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// Tells whether `text` contains a run of exactly nine digits that passes the BSN 11-test.
fn has_bsn_shape(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|digits| common::Bsn::parse(digits).is_ok())
}

/// Writes a date range at the precision it was sent with: `2026`, `2026-12` or `2026-12-04`.
fn date_text(start: Date, end: Date) -> String {
    let day = format!(
        "{:04}-{:02}-{:02}",
        start.year(),
        u8::from(start.month()),
        start.day()
    );
    if start.next_day() == Some(end) {
        day
    } else if start.month() == time::Month::January
        && end.year() == start.year() + 1
        && end.month() == time::Month::January
    {
        day[..4].to_owned()
    } else {
        day[..7].to_owned()
    }
}

/// The codes of `DocumentReference.status` and `DocumentManifest.status` (FHIR STU3 value set
/// `document-reference-status`), the only searches with a `status` parameter.
const DOCUMENT_STATUSES: [&str; 3] = ["current", "superseded", "entered-in-error"];

/// Systems that identify a person by BSN: the FHIR NamingSystem and the HL7v3 OID.
const BSN_SYSTEMS: [&str; 2] = [
    "http://fhir.nl/fhir/NamingSystem/bsn",
    "urn:oid:2.16.840.1.113883.2.4.6.3",
];

/// Rejects status codes outside the value set and any token in a BSN system.
fn check_token_values(name: &str, values: &[String]) -> Result<(), ParamError> {
    for value in values {
        let system = value.split_once('|').map(|(system, _)| system);
        if system.is_some_and(|s| BSN_SYSTEMS.contains(&s)) {
            return Err(ParamError::BsnValue(name.to_owned()));
        }
        if name == "status" && !DOCUMENT_STATUSES.contains(&value.as_str()) {
            return Err(ParamError::UnknownCode(name.to_owned()));
        }
    }
    Ok(())
}

/// Decodes a query string into name/value pairs.
pub fn decode(query: &str) -> Result<Vec<(String, String)>, ParamError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).map_err(|_| ParamError::Malformed)
}

/// Reads `[prefix]YYYY`, `YYYY-MM` or `YYYY-MM-DD[Thh:mm:ss...]` into the prefix and the value's
/// range of days, start inclusive and end exclusive.
// NOTE: a time part is read but ignored; resources are compared by their day.
fn parse_date(value: &str) -> Option<(Prefix, Date, Date)> {
    let (prefix, rest) = match value.get(..2) {
        Some("ge") => (Prefix::Ge, &value[2..]),
        Some("gt") => (Prefix::Gt, &value[2..]),
        Some("le") => (Prefix::Le, &value[2..]),
        Some("lt") => (Prefix::Lt, &value[2..]),
        Some("eq") => (Prefix::Eq, &value[2..]),
        _ => (Prefix::Eq, value),
    };
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let year: i32 = rest.get(..4).filter(|y| digits(y))?.parse().ok()?;
    let (start, end) = match rest.len() {
        4 => (
            Date::from_calendar_date(year, time::Month::January, 1).ok()?,
            Date::from_calendar_date(year + 1, time::Month::January, 1).ok()?,
        ),
        7 if rest.as_bytes()[4] == b'-' && digits(&rest[5..7]) => {
            let month = time::Month::try_from(rest[5..7].parse::<u8>().ok()?).ok()?;
            let start = Date::from_calendar_date(year, month, 1).ok()?;
            let next = if month == time::Month::December {
                Date::from_calendar_date(year + 1, time::Month::January, 1)
            } else {
                Date::from_calendar_date(year, month.next(), 1)
            };
            (start, next.ok()?)
        }
        length if length >= 10 && digits(&rest[5..7]) && digits(&rest[8..10]) => {
            let day = disclosure::fhir_date(rest)?;
            (day, day.next_day()?)
        }
        _ => return None,
    };
    Some((prefix, start, end))
}

impl Prefix {
    /// Returns the FHIR prefix text; `eq` is written out.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ge => "ge",
            Self::Gt => "gt",
            Self::Le => "le",
            Self::Lt => "lt",
        }
    }

    /// Tells whether the day `actual` satisfies this comparison with the range [`start`, `end`).
    pub fn holds(self, actual: Date, start: Date, end: Date) -> bool {
        match self {
            Self::Eq => start <= actual && actual < end,
            Self::Ge => actual >= start,
            Self::Gt => actual >= end,
            Self::Le => actual < end,
            Self::Lt => actual < start,
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
                    date: date!(2026 - 12 - 04),
                    end: date!(2026 - 12 - 05),
                },
                Filter::Token {
                    name: "category".into(),
                    values: vec!["http://snomed.info/sct|16076005".into()]
                },
            ]
        );
    }

    #[test]
    fn self_query_keeps_only_applied_parameters() {
        let search = find("49", "MedicationRequest").unwrap();
        let params = parse(
            "periodofuse=ge2026-12&identifier=x%7C999991127&_include=MedicationRequest:medication&_format=999991127",
            search,
        )
        .unwrap();

        let query = self_query(&params, Some("json"));

        assert_eq!(
            query,
            "periodofuse=ge2026-12&_include=MedicationRequest%3Amedication&_format=json"
        );
        assert!(!query.contains("999991127"));
    }

    #[test]
    fn self_query_drops_bsn_shaped_codes() {
        let search = find("49", "Observation").unwrap();
        let params = parse("code=http://loinc.org%7C999991127&date=ge2026", search).unwrap();

        assert_eq!(self_query(&params, None), "date=ge2026");
        assert_eq!(params.filters.len(), 2, "the code is still applied");
        assert!(!has_bsn_shape("http://snomed.info/sct|16076005"));
    }

    #[test]
    fn bsn_system_and_unknown_status_rejected() {
        let documents = find("51", "DocumentReference").unwrap();
        let observations = find("49", "Observation").unwrap();

        assert!(matches!(
            parse("status=999991103", documents),
            Err(ParamError::UnknownCode(_))
        ));
        assert!(matches!(
            parse(
                "code=http://fhir.nl/fhir/NamingSystem/bsn%7C999991103",
                observations
            ),
            Err(ParamError::BsnValue(_))
        ));
        assert!(parse("status=current,superseded", documents).is_ok());
    }

    #[test]
    fn date_precision_sets_the_range() {
        let search = find("51", "DocumentReference").unwrap();
        let range = |query: &str| match &parse(query, search).unwrap().filters[0] {
            Filter::Date { date, end, .. } => (*date, *end),
            other => panic!("not a date filter: {other:?}"),
        };

        assert_eq!(
            range("indexed=2026"),
            (date!(2026 - 01 - 01), date!(2027 - 01 - 01))
        );
        assert_eq!(
            range("indexed=le2026-12"),
            (date!(2026 - 12 - 01), date!(2027 - 01 - 01))
        );
        assert_eq!(
            range("indexed=gt2026-02-28"),
            (date!(2026 - 02 - 28), date!(2026 - 03 - 01))
        );
        assert!(parse("indexed=2026-1", search).is_err());
        assert!(parse("indexed=20261204", search).is_err());
    }

    #[test]
    fn prefixes_compare_with_the_whole_range() {
        let (start, end) = (date!(2026 - 12 - 01), date!(2027 - 01 - 01));
        let day = date!(2026 - 12 - 04);

        assert!(Prefix::Eq.holds(day, start, end));
        assert!(Prefix::Le.holds(day, start, end));
        assert!(Prefix::Ge.holds(day, start, end));
        assert!(!Prefix::Gt.holds(day, start, end));
        assert!(!Prefix::Lt.holds(day, start, end));
        assert!(!Prefix::Eq.holds(date!(2027 - 01 - 01), start, end));
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
        let next = date!(2026 - 01 - 11);
        assert!(Prefix::Ge.holds(day, day, next));
        assert!(!Prefix::Gt.holds(day, day, next));
        assert!(Prefix::Le.holds(day, day, next));
        assert!(!Prefix::Lt.holds(day, day, next));
        assert!(Prefix::Eq.holds(day, day, next));
    }
}
