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
    let Some(div) = summary(resource) else {
        return;
    };
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

/// A one-line summary being written, escaped, into a narrative `div`, its parts separated by
/// commas. The parts are written where they are found, without a string of their own.
struct Summary {
    div: String,
    parts: usize,
}

impl Summary {
    fn new() -> Self {
        let mut div = String::with_capacity(160);
        div.push_str(r#"<div xmlns="http://www.w3.org/1999/xhtml">"#);
        Summary { div, parts: 0 }
    }

    fn part(&mut self, pieces: &[&str]) {
        if self.parts > 0 {
            self.div.push_str(", ");
        }
        for piece in pieces {
            fhir::xml::escape_text_into(piece, &mut self.div);
        }
        self.parts += 1;
    }

    /// Writes `Label: value`, or the bare label when the value is unknown.
    fn label(&mut self, label: &str, value: Option<&str>) {
        match value {
            Some(value) if !value.is_empty() => self.part(&[label, ": ", value]),
            _ => self.part(&[label]),
        }
    }

    fn prefixed(&mut self, prefix: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.part(&[prefix, " ", value]);
        }
    }

    fn plain(&mut self, value: Option<&str>) {
        if let Some(value) = value {
            self.part(&[value]);
        }
    }

    /// Writes the status with the start date, as in `actief sinds 12 maart 2019`. A status that
    /// is not `actief` gets no date: the start is not when it ended.
    fn since(&mut self, status: Option<&str>, start: Option<&str>) {
        let start = match status {
            Some(status) if status != "actief" => None,
            _ => start,
        };
        match (status, start.map(dutch_date)) {
            (Some(status), Some(date)) => self.part(&[status, " sinds ", &date]),
            (Some(status), None) => self.part(&[status]),
            (None, Some(date)) => self.part(&["sinds ", &date]),
            (None, None) => {}
        }
    }

    fn finish(mut self) -> Option<String> {
        if self.parts == 0 {
            return None;
        }
        self.div.push_str("</div>");
        Some(self.div)
    }
}

/// Returns the narrative `div` with the one-line Dutch summary of a resource.
fn summary(resource: &Element) -> Option<String> {
    let mut s = Summary::new();
    let date = |name: &str| resource.child_value(name).map(dutch_date);
    match resource.name.as_ref() {
        "Patient" => {
            s.label("Patiënt", name_text(resource).as_deref());
            s.prefixed("geboren", date("birthDate").as_deref());
        }
        "Practitioner" => s.label("Zorgverlener", name_text(resource).as_deref()),
        "Organization" => s.label("Zorgaanbieder", resource.child_value("name")),
        "PractitionerRole" => {
            s.label("Rol", concept(resource, "specialty"));
            s.plain(display(resource, "practitioner"));
            s.prefixed("bij", display(resource, "organization"));
        }
        "EpisodeOfCare" => {
            let title = extension_string(resource).or_else(|| display(resource, "diagnosis"));
            s.label("Episode", title);
            s.since(
                episode_status(resource.child_value("status")),
                value(resource, &["period", "start"]),
            );
            let end = value(resource, &["period", "end"]).map(dutch_date);
            s.prefixed("tot", end.as_deref());
        }
        "Condition" => {
            s.label("Probleem", concept(resource, "code"));
            s.since(
                condition_status(resource.child_value("clinicalStatus")),
                resource.child_value("onsetDateTime"),
            );
        }
        "Encounter" => {
            s.label("Contact", concept(resource, "type"));
            s.plain(
                value(resource, &["period", "start"])
                    .map(dutch_date)
                    .as_deref(),
            );
            s.prefixed("met", display(resource, "participant"));
        }
        "Composition" => {
            s.label("Contactverslag", resource.child_value("title"));
            s.plain(date("date").as_deref());
        }
        "Observation" => {
            s.label("Bepaling", concept(resource, "code"));
            s.plain(observation_value(resource).as_deref());
            let effective = resource
                .child_value("effectiveDateTime")
                .or_else(|| value(resource, &["effectivePeriod", "start"]));
            s.plain(effective.map(dutch_date).as_deref());
        }
        "MedicationRequest" => {
            let medication = display(resource, "medicationReference")
                .or_else(|| concept(resource, "medicationCodeableConcept"));
            s.label("Medicatieafspraak", medication);
            s.plain(value(resource, &["dosageInstruction", "text"]));
            s.prefixed("vanaf", date("authoredOn").as_deref());
        }
        "Medication" => s.label("Geneesmiddel", concept(resource, "code")),
        "Flag" => {
            s.label("Alert", concept(resource, "code"));
            s.plain(flag_status(resource.child_value("status")));
        }
        "AllergyIntolerance" => {
            s.label("Allergie of intolerantie", concept(resource, "code"));
            s.plain(condition_status(resource.child_value("clinicalStatus")));
        }
        "DocumentReference" => {
            let description = resource
                .child_value("description")
                .or_else(|| concept(resource, "type"));
            s.label("Document", description);
            s.plain(concept(resource, "type"));
            s.prefixed("geïndexeerd", date("indexed").as_deref());
        }
        "DocumentManifest" => {
            let description = resource
                .child_value("description")
                .or_else(|| concept(resource, "type"));
            s.label("Documentenset", description);
            s.prefixed("aangemaakt", date("created").as_deref());
        }
        _ => return None,
    }
    s.finish()
}

fn value<'a>(element: &'a Element, steps: &[&str]) -> Option<&'a str> {
    steps
        .iter()
        .try_fold(element, |current, step| current.child(step))
        .and_then(|e| e.value.as_deref())
}

/// Returns the text of a CodeableConcept: its `text`, else the first coding display, else the
/// first code.
fn concept<'a>(resource: &'a Element, name: &str) -> Option<&'a str> {
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
}

/// Returns the display of a Reference child, also one level down (`diagnosis.condition`,
/// `participant.individual`).
fn display<'a>(resource: &'a Element, name: &str) -> Option<&'a str> {
    let element = resource.child(name)?;
    element.child_value("display").or_else(|| {
        element
            .children
            .iter()
            .find_map(|c| c.child_value("display"))
    })
}

fn name_text(resource: &Element) -> Option<std::borrow::Cow<'_, str>> {
    let name = resource.child("name")?;
    if let Some(text) = name.child_value("text") {
        return Some(text.into());
    }
    let given = name
        .children_named("given")
        .filter_map(|g| g.value.as_deref());
    let joined = given
        .chain(name.child_value("family"))
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined.into())
}

fn extension_string(resource: &Element) -> Option<&str> {
    resource
        .children_named("extension")
        .find_map(|e| e.child_value("valueString"))
}

fn observation_value(resource: &Element) -> Option<std::borrow::Cow<'_, str>> {
    if let Some(quantity) = resource.child("valueQuantity") {
        let number = quantity.child_value("value")?;
        return Some(match quantity.child_value("unit") {
            Some(unit) => [number, " ", unit].concat().into(),
            None => number.into(),
        });
    }
    resource
        .child_value("valueString")
        .or_else(|| concept(resource, "valueCodeableConcept"))
        .map(Into::into)
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

fn flag_status(status: Option<&str>) -> Option<&'static str> {
    Some(match status? {
        "active" => "actief",
        "inactive" => "niet actief",
        "entered-in-error" => "foutief ingevoerd",
        _ => return None,
    })
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
    fn ended_episode_has_no_since_date() {
        let mut episode = Element::new("EpisodeOfCare")
            .with(Element::primitive("id", "e2"))
            .with(Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/EpisodeOfCare-Title",
                Element::primitive("valueString", "Longontsteking"),
            ))
            .with(Element::primitive("status", "finished"))
            .with(
                Element::new("period")
                    .with(Element::primitive("start", "2023-12-01"))
                    .with(Element::primitive("end", "2023-12-31")),
            );

        add(&mut episode);

        assert_eq!(
            value(&episode, &["text", "div"]),
            Some(
                r#"<div xmlns="http://www.w3.org/1999/xhtml">Episode: Longontsteking, afgesloten, tot 31 december 2023</div>"#
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
