//! HL7v3 datatypes to FHIR datatypes: timestamps, code systems, codings and identifiers.

use compact_str::CompactString;
use fhir::Element;
use hl7v3::dom::Node;
use hl7v3::xml::{child, text};
use time::{Date, Month, UtcOffset};

/// Known code system OIDs and their FHIR system URIs; any other OID becomes `urn:oid:<oid>`.
const CODE_SYSTEMS: &[(&str, &str)] = &[
    ("2.16.840.1.113883.6.96", "http://snomed.info/sct"),
    ("2.16.840.1.113883.6.1", "http://loinc.org"),
    ("2.16.840.1.113883.6.8", "http://unitsofmeasure.org"),
    (
        "2.16.840.1.113883.2.4.4.31.1",
        "http://hl7.org/fhir/sid/icpc-1-nl",
    ),
    (
        "2.16.840.1.113883.5.1",
        "http://hl7.org/fhir/v3/AdministrativeGender",
    ),
    ("2.16.840.1.113883.5.4", "http://hl7.org/fhir/v3/ActCode"),
    ("2.16.840.1.113883.5.6", "http://hl7.org/fhir/v3/ActClass"),
    ("2.16.840.1.113883.5.14", "http://hl7.org/fhir/v3/ActStatus"),
    (
        "2.16.840.1.113883.5.83",
        "http://hl7.org/fhir/v3/ObservationInterpretation",
    ),
    (
        "2.16.840.1.113883.5.90",
        "http://hl7.org/fhir/v3/ParticipationType",
    ),
    (
        "2.16.840.1.113883.5.1008",
        "http://hl7.org/fhir/v3/NullFlavor",
    ),
    (
        "2.16.840.1.113883.5.1119",
        "http://hl7.org/fhir/v3/AddressUse",
    ),
    (
        "2.16.840.1.113883.2.4.15.111",
        "http://fhir.nl/fhir/NamingSystem/uzi-rolcode",
    ),
    (
        "2.16.840.1.113883.2.4.4.30.45",
        "https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen",
    ),
    (
        "2.16.840.1.113883.2.4.4.30.1045",
        "https://referentiemodel.nhg.org/tabellen/nhg-tabel-45-diagnostische-bepalingen#resultaten",
    ),
    (
        "2.16.840.1.113883.2.4.4.30.14",
        "https://referentiemodel.nhg.org/tabellen/nhg-tabel-14-contactwijze",
    ),
    ("1.0.3166.1.2.2", "urn:iso:std:iso:3166"),
    (
        "2.16.840.1.113883.2.4.4.5",
        "https://referentiemodel.nhg.org/tabellen/nhg-tabel-25-gebruiksvoorschrift#aanvullend-numeriek",
    ),
];

/// Identifier OIDs that have a FHIR NamingSystem URI.
const IDENTIFIER_SYSTEMS: &[(&str, &str)] = &[
    (
        "2.16.840.1.113883.2.4.6.3",
        "http://fhir.nl/fhir/NamingSystem/bsn",
    ),
    (
        "2.16.528.1.1007.3.3",
        "http://fhir.nl/fhir/NamingSystem/ura",
    ),
    (
        "2.16.528.1.1007.3.1",
        "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers",
    ),
    (
        "2.16.528.1.1007.3.2",
        "http://fhir.nl/fhir/NamingSystem/uzi-nr-sys",
    ),
    (
        "2.16.840.1.113883.2.4.6.1",
        "http://fhir.nl/fhir/NamingSystem/agb-z",
    ),
];

/// Returns the FHIR system URI for a code system OID.
pub fn code_system_uri(oid: &str) -> CompactString {
    lookup(CODE_SYSTEMS, oid)
}

/// Returns the FHIR system URI for an identifier root OID.
pub fn identifier_system_uri(oid: &str) -> CompactString {
    lookup(IDENTIFIER_SYSTEMS, oid)
}

/// Looks the OID up in a table of URIs known at compile time, which are then used without copying.
fn lookup(table: &[(&str, &'static str)], oid: &str) -> CompactString {
    table.iter().find(|(known, _)| *known == oid).map_or_else(
        || ["urn:oid:", oid].concat().into(),
        |(_, uri)| CompactString::const_new(uri),
    )
}

/// Builds a `coding` element from a CD/CE/CV node (`code`, `codeSystem`, `displayName`).
pub fn coding(node: Node<'_, '_>) -> Option<Element> {
    let code = node.attribute("code")?;
    let system = node.attribute("codeSystem").map(code_system_uri);
    let has_system = system.is_some();
    let mut coding = coding_in(system, code, node.attribute("displayName"));
    if let Some(version) = node.attribute("codeSystemVersion") {
        let position = usize::from(has_system);
        coding
            .children
            .insert(position, Element::primitive("version", version));
    }
    Some(coding)
}

/// Builds a `coding` element from its parts, with a system URI known at compile time.
pub fn coding_of(system: Option<&'static str>, code: &str, display: Option<&str>) -> Element {
    coding_in(system.map(CompactString::const_new), code, display)
}

/// Builds a `coding` element from its parts. The system is moved in, so that a URI from a table
/// is kept without copying it.
fn coding_in(system: Option<CompactString>, code: &str, display: Option<&str>) -> Element {
    let display = display.filter(|d| !d.is_empty());
    let parts = usize::from(system.is_some()) + 1 + usize::from(display.is_some());
    Element::with_capacity("coding", parts)
        .with_opt(system.map(|s| Element::primitive("system", s)))
        .with(Element::primitive("code", code))
        .with_opt(display.map(|d| Element::primitive("display", d)))
}

/// Builds a CodeableConcept named `name` from a coded node, including its translations and
/// `originalText`. A nullFlavor becomes an iso21090-nullFlavor extension.
pub fn codeable_concept(name: &'static str, node: Node<'_, '_>) -> Option<Element> {
    let mut concept = Element::new(name);
    if let Some(main) = coding(node) {
        concept.push(main);
    } else if let Some(flavor) = node.attribute("nullFlavor") {
        concept.push(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor",
            Element::primitive("valueCode", flavor),
        ));
    }
    for translation in hl7v3::xml::children(node, "translation") {
        concept.children.extend(coding(translation));
    }
    let original = child(node, "originalText")
        .map(text)
        .filter(|t| !t.is_empty());
    concept
        .children
        .extend(original.map(|t| Element::primitive("text", t)));
    (!concept.children.is_empty()).then_some(concept)
}

/// Builds a coding for an HL7v3 nullFlavor, with the Dutch display Nictiz uses where known.
pub fn null_flavor_coding(flavor: &str) -> Element {
    let display = match flavor {
        "UNK" => Some("onbekend"),
        "OTH" => Some("overig"),
        "NI" => Some("geen informatie"),
        "NA" => Some("niet van toepassing"),
        "ASKU" => Some("gevraagd maar onbekend"),
        "NASK" => Some("niet gevraagd"),
        "MSK" => Some("masked"),
        _ => None,
    };
    coding_of(Some("http://hl7.org/fhir/v3/NullFlavor"), flavor, display)
}

/// Builds an `identifier` element from an II node (root and extension).
pub fn identifier(node: Node<'_, '_>) -> Option<Element> {
    let root = node.attribute("root")?;
    let value = node.attribute("extension");
    let identifier = match value {
        Some(value) => Element::with_capacity("identifier", 2)
            .with(Element::primitive("system", identifier_system_uri(root)))
            .with(Element::primitive("value", value)),
        None => Element::with_capacity("identifier", 2)
            .with(Element::primitive("system", "urn:ietf:rfc:3986"))
            .with(Element::primitive("value", ["urn:oid:", root].concat())),
    };
    Some(identifier)
}

/// Builds a Reference element named `name`.
pub fn reference(name: &'static str, target: &str, display: Option<&str>) -> Element {
    let display = display.filter(|d| !d.is_empty());
    Element::with_capacity(name, 1 + usize::from(display.is_some()))
        .with(Element::primitive("reference", target))
        .with_opt(display.map(|d| Element::primitive("display", d)))
}

/// Builds an extension whose value is a CodeableConcept with one coding.
pub fn code_specification(system: &'static str, code: &str, display: &str) -> Element {
    Element::extension(
        "http://nictiz.nl/fhir/StructureDefinition/code-specification",
        Element::new("valueCodeableConcept").with(coding_of(Some(system), code, Some(display))),
    )
}

/// Builds the extension-context-nl-core-episodeofcare extensions for the concerns (`act` with code
/// `CONC`) that an act refers to with `entryRelationship typeCode="REFR"`, as logical references.
pub fn episode_contexts(node: Node<'_, '_>) -> Vec<Element> {
    hl7v3::xml::children(node, "entryRelationship")
        .filter_map(|relationship| child(relationship, "act"))
        .filter(|act| child(*act, "code").and_then(|c| c.attribute("code")) == Some("CONC"))
        .filter_map(|act| child(act, "id"))
        .filter_map(|id| {
            let root = id.attribute("root")?;
            let extension = id.attribute("extension")?;
            let value = Element::new("valueReference")
                .with(
                    Element::new("identifier")
                        .with(Element::primitive("system", ["urn:oid:", root].concat()))
                        .with(Element::primitive("value", extension)),
                )
                .with(Element::primitive(
                    "display",
                    format!("Episode ID: {extension} {root}"),
                ));
            Some(Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/extension-context-nl-core-episodeofcare",
                value,
            ))
        })
        .collect()
}

/// Builds a Period named `name` from an IVL_TS node (`low`/`high`, or a single `value`).
pub fn period(name: &'static str, node: Option<Node<'_, '_>>) -> Option<Element> {
    let node = node?;
    let low = ts_of(child(node, "low")).or_else(|| ts_of(Some(node)));
    let high = ts_of(child(node, "high"));
    let element = Element::new(name)
        .with_opt(low.map(|t| Element::primitive("start", t.as_str())))
        .with_opt(high.map(|t| Element::primitive("end", t.as_str())));
    (!element.children.is_empty()).then_some(element)
}

/// An HL7v3 TS value converted to FHIR: a date or a dateTime with an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FhirTime {
    /// Year, year-month or full date (`2019`, `2019-02`, `2019-02-06`).
    Date(String),
    /// A dateTime with seconds and an offset.
    DateTime(String),
}

impl FhirTime {
    /// Returns the FHIR text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Date(text) | Self::DateTime(text) => text,
        }
    }

    /// Returns a dateTime: dates become midnight local (Europe/Amsterdam) time.
    pub fn to_date_time(&self) -> String {
        match self {
            Self::DateTime(text) => text.clone(),
            Self::Date(text) if text.len() == 10 => {
                parse_ts(&format!("{}000000", text.replace('-', "")))
                    .map_or_else(|| text.clone(), |t| t.as_str().to_owned())
            }
            Self::Date(text) => text.clone(),
        }
    }
}

/// Converts an HL7v3 TS (`YYYY[MM[DD[HH[MM[SS[.S]]]]]][+-ZZZZ]`) to FHIR. Times without a zone are
/// Dutch local time (CET/CEST). Returns `None` for malformed values.
pub fn parse_ts(value: &str) -> Option<FhirTime> {
    let (digits, zone) = split_zone(value.trim());
    let zone_valid =
        zone.is_none_or(|z| matches!(z.len(), 3 | 5) && z[1..].bytes().all(|b| b.is_ascii_digit()));
    if !zone_valid {
        return None;
    }
    let digits = digits.split('.').next().unwrap_or(digits);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |from: usize, to: usize| digits.get(from..to).and_then(|s| s.parse::<u8>().ok());
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    match digits.len() {
        4 => Some(FhirTime::Date(fhir_date(year, &[]))),
        6 => Some(FhirTime::Date(fhir_date(year, &[part(4, 6)?]))),
        8 => {
            let (month, day) = (part(4, 6)?, part(6, 8)?);
            Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
            Some(FhirTime::Date(fhir_date(year, &[month, day])))
        }
        10 | 12 | 14 => {
            let (month, day) = (part(4, 6)?, part(6, 8)?);
            let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
            let (hour, minute) = (part(8, 10)?, part(10, 12).unwrap_or(0));
            let second = part(12, 14).unwrap_or(0);
            if hour > 23 || minute > 59 || second > 59 {
                return None;
            }
            let offset = match zone {
                Some(zone) => parse_zone(zone)?,
                None => amsterdam_offset(date, hour),
            };
            let mut text = fhir_date(year, &[month, day]);
            for (separator, number) in [('T', hour), (':', minute), (':', second)] {
                text.push(separator);
                push_padded(&mut text, u32::from(number), 2);
            }
            push_offset(&mut text, offset);
            Some(FhirTime::DateTime(text))
        }
        _ => None,
    }
}

fn split_zone(value: &str) -> (&str, Option<&str>) {
    match value.find(['+', '-']) {
        Some(index) => (&value[..index], Some(&value[index..])),
        None => (value, None),
    }
}

fn parse_zone(zone: &str) -> Option<UtcOffset> {
    let sign: i8 = if zone.starts_with('-') { -1 } else { 1 };
    let hours: i8 = zone.get(1..3)?.parse().ok()?;
    let minutes: i8 = zone.get(3..5).unwrap_or("00").parse().ok()?;
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

/// Formats `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from a year of four digits and the month and day that
/// are given. The text is built by hand, without `format!`, because this runs for every timestamp.
fn fhir_date(year: i32, month_and_day: &[u8]) -> String {
    // 25 bytes: the longest dateTime, `YYYY-MM-DDThh:mm:ss+hh:mm`.
    let mut text = String::with_capacity(25);
    push_padded(&mut text, year.unsigned_abs(), 4);
    for number in month_and_day {
        text.push('-');
        push_padded(&mut text, u32::from(*number), 2);
    }
    text
}

/// Appends an offset as `+hh:mm` or `-hh:mm`.
fn push_offset(text: &mut String, offset: UtcOffset) {
    let (hours, minutes, _) = offset.as_hms();
    text.push(if offset.is_negative() { '-' } else { '+' });
    push_padded(text, u32::from(hours.unsigned_abs()), 2);
    text.push(':');
    push_padded(text, u32::from(minutes.unsigned_abs()), 2);
}

/// Appends a number in decimal, zero-padded to at least `width` digits as `{:0width$}` does.
fn push_padded(text: &mut String, number: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut start = digits.len();
    let mut rest = number;
    while start > 0 && (rest > 0 || digits.len() - start < width) {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    text.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// Returns the Europe/Amsterdam offset for a local date and hour: CEST (+02:00) from the last Sunday
/// of March 02:00 to the last Sunday of October 03:00, otherwise CET (+01:00).
pub fn amsterdam_offset(date: Date, hour: u8) -> UtcOffset {
    let summer = UtcOffset::from_hms(2, 0, 0).unwrap_or(UtcOffset::UTC);
    let winter = UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC);
    let start = last_sunday(date.year(), Month::March);
    let end = last_sunday(date.year(), Month::October);
    let after_start = date > start || (date == start && hour >= 2);
    let before_end = date < end || (date == end && hour < 3);
    if after_start && before_end {
        summer
    } else {
        winter
    }
}

fn last_sunday(year: i32, month: Month) -> Date {
    let last_day = time::util::days_in_month(month, year);
    let mut date = Date::from_calendar_date(year, month, last_day).unwrap_or(Date::MIN);
    while date.weekday() != time::Weekday::Sunday {
        date = date.previous_day().unwrap_or(Date::MIN);
    }
    date
}

/// Reads the `value` attribute of a TS node (or of its `low`/`center` child) and converts it.
pub fn ts_of(node: Option<Node<'_, '_>>) -> Option<FhirTime> {
    node.and_then(|n| n.attribute("value")).and_then(parse_ts)
}

#[cfg(test)]
mod tests;
