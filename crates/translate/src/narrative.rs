//! Short Dutch narratives (`text` with status `generated`) for translated resources, built from the
//! resource's own elements, e.g. "Episode: Diabetes mellitus type 2, actief sinds 12 maart 2019".

use fhir::{Element, Kind};

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// Adds a generated narrative to a resource that has none (Binary gets none: it is no
/// DomainResource). The `text` goes after `id`, `meta`, `implicitRules` and `language`.
pub fn add(resource: &mut Element) {
    if resource.child("text").is_some() {
        return;
    }
    let Some(summary) = summary(resource) else {
        return;
    };
    let mut div = String::with_capacity(summary.len() + 50);
    div.push_str(r#"<div xmlns="http://www.w3.org/1999/xhtml">"#);
    escape_into(&summary, &mut div);
    div.push_str("</div>");
    let text = Element::with_capacity("text", 2)
        .with(Element::primitive("status", "generated"))
        .with(Element::typed("div", div, Kind::Xhtml));
    let position = resource
        .children
        .iter()
        .position(|c| {
            !matches!(
                c.name.as_ref(),
                "id" | "meta" | "implicitRules" | "language"
            )
        })
        .unwrap_or(resource.children.len());
    // The children were shrunk to fit: grow by one instead of doubling.
    resource.children.reserve_exact(1);
    resource.children.insert(position, text);
}

/// Returns the one-line Dutch summary of a resource.
fn summary(resource: &Element) -> Option<String> {
    let parts: Vec<Option<String>> = match resource.name.as_ref() {
        "Patient" => vec![
            label("Patiënt", name_text(resource)),
            prefixed("geboren", resource.child_value("birthDate").map(dutch_date)),
        ],
        "Practitioner" => vec![label("Zorgverlener", name_text(resource))],
        "Organization" => vec![label(
            "Zorgaanbieder",
            resource.child_value("name").map(str::to_owned),
        )],
        "PractitionerRole" => vec![
            label("Rol", concept(resource, "specialty")),
            display(resource, "practitioner"),
            prefixed("bij", display(resource, "organization")),
        ],
        "EpisodeOfCare" => vec![
            label(
                "Episode",
                extension_string(resource).or_else(|| display(resource, "diagnosis")),
            ),
            with_since(
                episode_status(resource.child_value("status")),
                value(resource, &["period", "start"]),
            ),
            prefixed("tot", value(resource, &["period", "end"]).map(dutch_date)),
        ],
        "Condition" => vec![
            label("Probleem", concept(resource, "code")),
            with_since(
                condition_status(resource.child_value("clinicalStatus")),
                resource.child_value("onsetDateTime"),
            ),
        ],
        "Encounter" => vec![
            label("Contact", concept(resource, "type")),
            value(resource, &["period", "start"]).map(dutch_date),
            prefixed("met", display(resource, "participant")),
        ],
        "Composition" => vec![
            label(
                "Contactverslag",
                resource.child_value("title").map(str::to_owned),
            ),
            resource.child_value("date").map(dutch_date),
        ],
        "Observation" => vec![
            label("Bepaling", concept(resource, "code")),
            observation_value(resource),
            resource
                .child_value("effectiveDateTime")
                .or_else(|| value(resource, &["effectivePeriod", "start"]))
                .map(dutch_date),
        ],
        "MedicationRequest" => vec![
            label(
                "Medicatieafspraak",
                display(resource, "medicationReference")
                    .or_else(|| concept(resource, "medicationCodeableConcept")),
            ),
            value(resource, &["dosageInstruction", "text"]).map(str::to_owned),
            prefixed("vanaf", resource.child_value("authoredOn").map(dutch_date)),
        ],
        "Medication" => vec![label("Geneesmiddel", concept(resource, "code"))],
        "Flag" => vec![
            label("Alert", concept(resource, "code")),
            flag_status(resource.child_value("status")),
        ],
        "AllergyIntolerance" => vec![
            label("Allergie of intolerantie", concept(resource, "code")),
            condition_status(resource.child_value("clinicalStatus")).map(str::to_owned),
        ],
        "DocumentReference" => vec![
            label(
                "Document",
                resource
                    .child_value("description")
                    .map(str::to_owned)
                    .or_else(|| concept(resource, "type")),
            ),
            concept(resource, "type"),
            prefixed(
                "geïndexeerd",
                resource.child_value("indexed").map(dutch_date),
            ),
        ],
        "DocumentManifest" => vec![
            label(
                "Documentenset",
                resource
                    .child_value("description")
                    .map(str::to_owned)
                    .or_else(|| concept(resource, "type")),
            ),
            prefixed(
                "aangemaakt",
                resource.child_value("created").map(dutch_date),
            ),
        ],
        _ => return None,
    };
    let mut parts = parts.into_iter().flatten();
    let first = parts.next()?;
    Some(parts.fold(first, |mut text, part| {
        text.push_str(", ");
        text.push_str(&part);
        text
    }))
}

/// `Label: value`, or the bare label when the value is unknown.
fn label(label: &str, value: Option<String>) -> Option<String> {
    Some(match value {
        Some(value) if !value.is_empty() => [label, ": ", &value].concat(),
        _ => label.to_owned(),
    })
}

fn prefixed(prefix: &str, value: Option<String>) -> Option<String> {
    value.map(|v| [prefix, " ", &v].concat())
}

fn with_since(status: Option<&str>, start: Option<&str>) -> Option<String> {
    match (status, start.map(dutch_date)) {
        (Some(status), Some(date)) => Some(format!("{status} sinds {date}")),
        (Some(status), None) => Some(status.to_owned()),
        (None, Some(date)) => Some(format!("sinds {date}")),
        (None, None) => None,
    }
}

fn value<'a>(element: &'a Element, steps: &[&str]) -> Option<&'a str> {
    steps
        .iter()
        .try_fold(element, |current, step| current.child(step))
        .and_then(|e| e.value.as_deref())
}

/// Returns the text of a CodeableConcept: its `text`, else the first coding display, else the
/// first code.
fn concept(resource: &Element, name: &str) -> Option<String> {
    let concept = resource.child(name)?;
    concept
        .child_value("text")
        .or_else(|| {
            concept
                .children_named("coding")
                .find_map(|c| c.child_value("display"))
        })
        .or_else(|| {
            concept
                .children_named("coding")
                .find_map(|c| c.child_value("code"))
        })
        .map(str::to_owned)
}

/// Returns the display of a Reference child, also one level down (`diagnosis.condition`,
/// `participant.individual`).
fn display(resource: &Element, name: &str) -> Option<String> {
    let element = resource.child(name)?;
    element
        .child_value("display")
        .or_else(|| {
            element
                .children
                .iter()
                .find_map(|c| c.child_value("display"))
        })
        .map(str::to_owned)
}

fn name_text(resource: &Element) -> Option<String> {
    let name = resource.child("name")?;
    name.child_value("text").map(str::to_owned).or_else(|| {
        let given: Vec<&str> = name
            .children_named("given")
            .filter_map(|g| g.value.as_deref())
            .collect();
        let family = name.child_value("family");
        let joined = given
            .into_iter()
            .chain(family)
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    })
}

fn extension_string(resource: &Element) -> Option<String> {
    resource
        .children_named("extension")
        .find_map(|e| e.child_value("valueString"))
        .map(str::to_owned)
}

fn observation_value(resource: &Element) -> Option<String> {
    if let Some(quantity) = resource.child("valueQuantity") {
        let number = quantity.child_value("value")?;
        return Some(match quantity.child_value("unit") {
            Some(unit) => format!("{number} {unit}"),
            None => number.to_owned(),
        });
    }
    resource
        .child_value("valueString")
        .map(str::to_owned)
        .or_else(|| concept(resource, "valueCodeableConcept"))
}

fn episode_status(status: Option<&str>) -> Option<&'static str> {
    Some(match status? {
        "active" => "actief",
        "finished" => "afgesloten",
        "onhold" => "onderbroken",
        "cancelled" => "geannuleerd",
        "entered-in-error" => "foutief ingevoerd",
        _ => return None,
    })
}

fn condition_status(status: Option<&str>) -> Option<&'static str> {
    Some(match status? {
        "active" => "actief",
        "inactive" => "niet actief",
        "resolved" => "verholpen",
        "recurrence" => "teruggekeerd",
        _ => return None,
    })
}

fn flag_status(status: Option<&str>) -> Option<String> {
    Some(
        match status? {
            "active" => "actief",
            "inactive" => "niet actief",
            "entered-in-error" => "foutief ingevoerd",
            _ => return None,
        }
        .to_owned(),
    )
}

/// Formats the date part of a FHIR date or dateTime in Dutch (`12 maart 2019`, `maart 2019`,
/// `2019`); other text is returned unchanged.
fn dutch_date(value: &str) -> String {
    let mut parts = value.get(..10.min(value.len())).unwrap_or(value).split('-');
    let year = parts.next().unwrap_or_default();
    let month = parts
        .next()
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    let day = parts.next().and_then(|d| d.parse::<u8>().ok());
    match (month, day) {
        (Some(month), Some(day)) => format!("{day} {month} {year}"),
        (Some(month), None) => format!("{month} {year}"),
        _ if year.len() == 4 => year.to_owned(),
        _ => value.to_owned(),
    }
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episode_narrative_is_dutch_and_factual() {
        let mut episode = Element::new("EpisodeOfCare")
            .with(Element::primitive("id", "e1"))
            .with(Element::new("meta").with(Element::primitive("profile", "x")))
            .with(Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/EpisodeOfCare-Title",
                Element::primitive("valueString", "Diabetes mellitus type 2"),
            ))
            .with(Element::primitive("status", "active"))
            .with(Element::new("period").with(Element::primitive("start", "2019-03-12")));
        add(&mut episode);
        assert_eq!(episode.children[2].name, "text");
        assert_eq!(value(&episode, &["text", "status"]), Some("generated"));
        assert_eq!(
            value(&episode, &["text", "div"]),
            Some(
                r#"<div xmlns="http://www.w3.org/1999/xhtml">Episode: Diabetes mellitus type 2, actief sinds 12 maart 2019</div>"#
            )
        );
    }

    #[test]
    fn markup_is_escaped_and_binary_has_no_text() {
        let mut organization = Element::new("Organization")
            .with(Element::primitive("id", "o"))
            .with(Element::primitive("name", "A & B <zorg>"));
        add(&mut organization);
        assert_eq!(
            value(&organization, &["text", "div"]),
            Some(
                r#"<div xmlns="http://www.w3.org/1999/xhtml">Zorgaanbieder: A &amp; B &lt;zorg&gt;</div>"#
            )
        );
        let mut binary = Element::new("Binary").with(Element::primitive("id", "b"));
        add(&mut binary);
        assert!(binary.child("text").is_none());
    }

    #[test]
    fn dates_are_written_in_dutch() {
        assert_eq!(dutch_date("2020-01-16T09:30:00+01:00"), "16 januari 2020");
        assert_eq!(dutch_date("2019-12"), "december 2019");
        assert_eq!(dutch_date("2019"), "2019");
        assert_eq!(dutch_date("x"), "x");
    }
}
