//! Medication agreements (`QUMA_IN991203NL02`, MP 9.0.7) to zib-MedicationAgreement
//! MedicationRequest and zib-Product Medication.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, elements, has_template, path, text};

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, coding, coding_of, identifier, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties, practitioners};

const TREATMENT_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9084";
const DOSAGE_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9149";
const ADDITIONAL_INSTRUCTION_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9085";
const COPY_INDICATOR_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9200";

/// Translates every medication agreement of a medication answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        for agreement in
            children(organizer, "component").filter_map(|c| child(c, "substanceAdministration"))
        {
            let resource = medication_request(builder, agreement);
            builder.add(resource, SearchMode::Match);
        }
    }
}

fn medication_request(builder: &mut Builder<'_>, node: Node<'_, '_>) -> Resource {
    let (patient, patient_name) = builder.patient();
    let product = path(
        node,
        &[
            "consumable",
            "manufacturedProduct",
            "manufacturedMaterial",
            "code",
        ],
    );
    let medication = product.map(|code| {
        let display = code
            .attribute("displayName")
            .or_else(|| child(code, "originalText").map(|_| ""))
            .unwrap_or_default()
            .to_owned();
        (builder.add(medication(code), SearchMode::Include), display)
    });
    let author = child(node, "author");
    let requester = author
        .and_then(|a| child(a, "assignedAuthor"))
        .and_then(|role| practitioners::add(builder, role))
        .map(|r| {
            let role = Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/practitionerrole-reference",
                reference("valueReference", &r.role, Some(&r.role_display)),
            );
            Element::new("requester")
                .with(reference("agent", &r.practitioner, r.name.as_deref()).with_first(role))
        });
    let reasons = reason_conditions(builder, node, &patient, patient_name.as_deref());
    let description = child(node, "text").map(text).filter(|t| !t.is_empty());
    let dosages: Vec<Element> = children(node, "entryRelationship")
        .filter(|r| {
            child(*r, "substanceAdministration").is_some_and(|s| has_template(s, DOSAGE_TEMPLATE))
        })
        .map(|r| with_instructions(dosage(r, node, description.as_deref()), node))
        .collect();
    let element = Element::with_capacity("MedicationRequest", 24)
        .with(Element::primitive(
            "id",
            ids::of_node(node).unwrap_or_else(|| ids::from_text(&text(node))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-MedicationAgreement",
        ))
        .with_opt(period_of_use(child(node, "effectiveTime")))
        .with_all(treatment(node))
        .with_opt(copy_indicator(node))
        .with_all(crate::datatypes::episode_contexts(node))
        .with_all(children(node, "id").filter_map(identifier))
        .with(Element::primitive("intent", "order"))
        .with(category(child(node, "code")))
        .with_opt(
            medication
                .map(|(target, display)| reference("medicationReference", &target, Some(&display))),
        )
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(crate::observations::context(builder, node))
        .with_opt(
            ts_of(author.and_then(|a| child(a, "time")))
                .map(|t| Element::primitive("authoredOn", t.as_str())),
        )
        .with_opt(requester)
        .with_all(reason_codes(node))
        .with_all(
            reasons
                .into_iter()
                .map(|(target, display)| reference("reasonReference", &target, display.as_deref())),
        )
        .with_all(dosages);
    Resource::from_element(element)
}

fn period_of_use(effective: Option<Node<'_, '_>>) -> Option<Element> {
    let effective = effective?;
    let period = Element::new("valuePeriod")
        .with_opt(ts_of(child(effective, "low")).map(|t| Element::primitive("start", t.as_str())))
        .with_opt(ts_of(child(effective, "high")).map(|t| Element::primitive("end", t.as_str())));
    (!period.children.is_empty()).then(|| {
        Element::extension(
            "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-PeriodOfUse",
            period,
        )
    })
}

fn treatment(node: Node<'_, '_>) -> Vec<Element> {
    children(node, "entryRelationship")
        .filter_map(|r| child(r, "procedure"))
        .filter(|p| has_template(*p, TREATMENT_TEMPLATE))
        .filter_map(|p| child(p, "id"))
        .filter_map(|id| {
            let value = Element::new("valueIdentifier")
                .with(Element::primitive(
                    "system",
                    format!("urn:oid:{}", id.attribute("root")?),
                ))
                .with(Element::primitive("value", id.attribute("extension")?));
            Some(Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-MedicationTreatment",
                value,
            ))
        })
        .collect()
}

/// Builds the zib-Medication-CopyIndicator extension from the copy indicator observation (MP 9.0.7
/// template 9200, a BL value).
fn copy_indicator(node: Node<'_, '_>) -> Option<Element> {
    let value = children(node, "entryRelationship")
        .filter_map(|r| child(r, "observation"))
        .find(|o| has_template(*o, COPY_INDICATOR_TEMPLATE))
        .and_then(|o| child(o, "value"))
        .and_then(|v| v.attribute("value"))?;
    let flag = match value {
        "true" => true,
        "false" => false,
        _ => return None,
    };
    Some(Element::extension(
        "http://nictiz.nl/fhir/StructureDefinition/zib-Medication-CopyIndicator",
        Element::boolean("valueBoolean", flag),
    ))
}

/// Inserts the agreement's additional instructions after the dosage's `sequence` and `text`.
fn with_instructions(mut dosage: Element, agreement: Node<'_, '_>) -> Element {
    let position = dosage
        .children
        .iter()
        .take_while(|c| c.name == "sequence" || c.name == "text")
        .count();
    let instructions = additional_instructions(agreement);
    dosage.children.splice(position..position, instructions);
    dosage
}

/// Returns the agreement's additional instructions (template 9085 acts) as
/// Dosage.additionalInstruction.
fn additional_instructions(node: Node<'_, '_>) -> Vec<Element> {
    children(node, "entryRelationship")
        .filter_map(|r| child(r, "act"))
        .filter(|a| has_template(*a, ADDITIONAL_INSTRUCTION_TEMPLATE))
        .filter_map(|a| child(a, "code"))
        .filter_map(|c| codeable_concept("additionalInstruction", c))
        .collect()
}

fn category(code: Option<Node<'_, '_>>) -> Element {
    Element::new("category")
        .with(coding_of(
            Some("http://snomed.info/sct"),
            "16076005",
            Some("Prescription (procedure)"),
        ))
        .with_opt(
            code.and_then(|c| c.attribute("displayName"))
                .map(|d| Element::primitive("text", d)),
        )
}

/// Builds the zib-Product Medication of a product code (with its translations).
fn medication(code: Node<'_, '_>) -> Resource {
    let id = match (code.attribute("codeSystem"), code.attribute("code")) {
        (Some(system), Some(value)) => ids::from_ii(system, Some(value)),
        _ => ids::from_text(&text(code)),
    };
    let mut main = coding(code);
    if let Some(main) = main.as_mut() {
        main.push(Element::boolean("userSelected", true));
    }
    let concept = Element::new("code")
        .with_opt(main)
        .with_all(hl7v3::xml::children(code, "translation").filter_map(coding))
        .with_opt(
            code.attribute("displayName")
                .map(str::to_owned)
                .or_else(|| child(code, "originalText").map(text))
                .map(|d| Element::primitive("text", d)),
        );
    let element = Element::with_capacity("Medication", 4)
        .with(Element::primitive("id", id))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-Product",
        ))
        .with(concept);
    Resource::from_element(element)
}

fn dosage(
    relationship: Node<'_, '_>,
    agreement: Node<'_, '_>,
    description: Option<&str>,
) -> Element {
    let node = child(relationship, "substanceAdministration");
    let sequence = child(relationship, "sequenceNumber")
        .and_then(|s| s.attribute("value"))
        .and_then(|v| v.parse().ok());
    let as_needed = node
        .and_then(|n| path(n, &["precondition", "criterion", "code"]))
        .and_then(|c| codeable_concept("asNeededCodeableConcept", c));
    Element::new("dosageInstruction")
        .with_opt(sequence.map(|s| Element::integer("sequence", s)))
        .with_opt(description.map(|d| Element::primitive("text", d)))
        .with_opt(node.and_then(timing))
        .with_opt(as_needed)
        .with_opt(child(agreement, "routeCode").and_then(|r| codeable_concept("route", r)))
        .with_opt(node.and_then(|n| child(n, "doseQuantity")).and_then(dose))
}

/// Builds Timing.repeat from the dosage's PIVL_TS (frequency or period) and IVL_TS width (duration).
fn timing(node: Node<'_, '_>) -> Option<Element> {
    let periodic =
        children(node, "effectiveTime").find(|e| hl7v3::xml::xsi_type(*e) == Some("PIVL_TS"));
    let bounds = children(node, "effectiveTime")
        .filter(|e| hl7v3::xml::xsi_type(*e) == Some("IVL_TS"))
        .find_map(|e| child(e, "width"))
        .and_then(|w| duration("boundsDuration", w));
    let mut repeat = Element::new("repeat");
    if periodic.is_some_and(|p| p.attribute("isFlexible") != Some("true")) {
        repeat.push(Element::extension(
            "http://hl7.org/fhir/StructureDefinition/timing-exact",
            Element::boolean("valueBoolean", true),
        ));
    }
    repeat.children.extend(bounds);
    if let Some(periodic) = periodic {
        repeat.children.extend(repeat_parts(periodic));
    }
    (!repeat.children.is_empty()).then(|| Element::new("timing").with(repeat))
}

fn repeat_parts(periodic: Node<'_, '_>) -> Vec<Element> {
    let mut parts = Vec::new();
    let (count, period) = match child(periodic, "frequency") {
        Some(frequency) => (
            child(frequency, "numerator"),
            child(frequency, "denominator"),
        ),
        None => (None, child(periodic, "period")),
    };
    // A count range is an IVL_INT (`low`/`high`) or an MP 9 `uncertainRange`.
    let range = count.map(|c| child(c, "uncertainRange").unwrap_or(c));
    let is_range = range.is_some_and(|r| child(r, "low").is_some() || child(r, "high").is_some());
    if let (Some(count), Some(range)) = (count, range) {
        let single = count.attribute("value");
        let low = child(range, "low").and_then(|l| l.attribute("value"));
        let high = child(range, "high").and_then(|h| h.attribute("value"));
        parts.extend(
            single
                .or(low)
                .and_then(|v| v.parse().ok())
                .map(|v| Element::integer("frequency", v)),
        );
        parts.extend(
            high.and_then(|v| v.parse().ok())
                .map(|v| Element::integer("frequencyMax", v)),
        );
    }
    if let Some(period) = period {
        // The Nictiz conversion writes a whole-day period of a single count as `1`, and keeps the
        // source text (`1.0`) next to a count range.
        let value = period.attribute("value").map(|v| {
            if is_range {
                v
            } else {
                v.strip_suffix(".0").unwrap_or(v)
            }
        });
        parts.extend(value.map(|v| Element::decimal("period", v)));
        parts.extend(
            period
                .attribute("unit")
                .map(|u| Element::primitive("periodUnit", u)),
        );
    }
    parts
}

/// Builds a UCUM Duration with the Dutch unit name that the Nictiz conversion uses.
fn duration(name: &'static str, node: Node<'_, '_>) -> Option<Element> {
    let value = node.attribute("value")?;
    let unit = node.attribute("unit").unwrap_or("d");
    let dutch = match unit {
        "s" => "seconde",
        "min" => "minuut",
        "h" => "uur",
        "d" => "dag",
        "wk" => "week",
        "mo" => "maand",
        "a" => "jaar",
        other => other,
    };
    Some(
        Element::new(name)
            .with(Element::decimal("value", value))
            .with(Element::primitive("unit", dutch))
            .with(Element::primitive("system", "http://unitsofmeasure.org"))
            .with(Element::primitive("code", unit)),
    )
}

/// Builds doseQuantity (a `center` value) or doseRange (`low`/`high`) in the G-Standaard unit.
fn dose(node: Node<'_, '_>) -> Option<Element> {
    if let Some(center) = child(node, "center") {
        return dose_quantity("doseQuantity", center);
    }
    let range = Element::new("doseRange")
        .with_opt(child(node, "low").and_then(|l| dose_quantity("low", l)))
        .with_opt(child(node, "high").and_then(|h| dose_quantity("high", h)));
    (!range.children.is_empty()).then_some(range)
}

fn dose_quantity(name: &'static str, node: Node<'_, '_>) -> Option<Element> {
    // Prefer the G-Standaard Thesaurus 2 unit (stuk, ml, ...) over other translations.
    let translations: Vec<Node<'_, '_>> = elements(node)
        .filter(|t| t.tag_name().name() == "translation")
        .collect();
    let translation = translations
        .iter()
        .find(|t| t.attribute("codeSystem") == Some("2.16.840.1.113883.2.4.4.1.900.2"))
        .or(translations.first())
        .copied();
    let value = translation
        .and_then(|t| t.attribute("value"))
        .or_else(|| node.attribute("value"))?;
    let quantity = Element::new(name).with(Element::decimal("value", value));
    Some(match translation {
        Some(t) => quantity
            .with_opt(
                t.attribute("displayName")
                    .map(|d| Element::primitive("unit", d)),
            )
            .with_opt(
                t.attribute("codeSystem")
                    .map(|s| Element::primitive("system", format!("urn:oid:{s}"))),
            )
            .with_opt(t.attribute("code").map(|c| Element::primitive("code", c))),
        None => quantity.with_opt(
            node.attribute("unit")
                .map(|u| Element::primitive("unit", u)),
        ),
    })
}

const AGREEMENT_REASON_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9270";
const PRESCRIPTION_REASON_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.20.77.10.9160";

fn reason_values<'a, 'i>(
    node: Node<'a, 'i>,
    template: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    children(node, "entryRelationship")
        .filter_map(|r| child(r, "observation"))
        .filter(move |o| has_template(*o, template))
        .filter_map(|o| child(o, "value"))
}

/// The reason for the agreement (reden medicatieafspraak) as reasonCode; a nullFlavor stays a
/// coding in the v3 NullFlavor system next to the original text.
fn reason_codes(node: Node<'_, '_>) -> Vec<Element> {
    reason_values(node, AGREEMENT_REASON_TEMPLATE)
        .filter_map(|value| match value.attribute("nullFlavor") {
            Some(flavor) => Some(
                Element::new("reasonCode")
                    .with(crate::datatypes::null_flavor_coding(flavor))
                    .with_opt(
                        child(value, "originalText")
                            .map(text)
                            .map(|t| Element::primitive("text", t)),
                    ),
            ),
            None => codeable_concept("reasonCode", value),
        })
        .collect()
}

/// The reason for prescribing (reden van voorschrijven) as zib-Problem Conditions, one per code
/// (agreements with the same reason share the Condition).
fn reason_conditions(
    builder: &mut Builder<'_>,
    node: Node<'_, '_>,
    patient: &str,
    patient_name: Option<&str>,
) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for value in reason_values(node, PRESCRIPTION_REASON_TEMPLATE) {
        let id = ids::from_text(&format!(
            "reason|{}|{}",
            value.attribute("codeSystem").unwrap_or_default(),
            value.attribute("code").unwrap_or_default()
        ));
        let condition = Element::with_capacity("Condition", 6)
            .with(Element::primitive("id", id))
            .with(parties::profile(
                "http://nictiz.nl/fhir/StructureDefinition/zib-Problem",
            ))
            .with(Element::primitive("clinicalStatus", "active"))
            .with_opt(codeable_concept("code", value))
            .with(reference("subject", patient, patient_name));
        let display = value.attribute("displayName").map(str::to_owned);
        out.push((
            builder.add(Resource::from_element(condition), SearchMode::Include),
            display,
        ));
    }
    out
}
