//! Episodes (`REPC_IN990111NL` overdrachtconcerns) to nl-core-episodeofcare EpisodeOfCare and
//! zib-Problem Condition.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, elements, has_template, path, text};

use crate::builder::Builder;
use crate::datatypes::{code_specification, codeable_concept, identifier, reference, ts_of};
use crate::output::SearchMode;
use crate::{alerts, ids, parties, practitioners};

const CONCERN_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.66.10.212";
const PROBLEM_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.66.10.213";
const ALERT_TEMPLATE: &str = "2.16.840.1.113883.2.4.3.11.60.66.10.214";
const ALERT_LOINC: &str = "74018-3";

/// Translates every concern act of an episodes answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        general_practitioner(builder, organizer);
        for act in children(organizer, "component").filter_map(|c| child(c, "act")) {
            if has_template(act, CONCERN_TEMPLATE)
                || child(act, "code").and_then(|c| c.attribute("code")) == Some("CONC")
            {
                episode(builder, message, act);
            }
        }
    }
}

/// Points the Patient at the responsible GP, the organizer's `participant typeCode="CST"`.
fn general_practitioner(builder: &mut Builder<'_>, organizer: Node<'_, '_>) {
    let role = children(organizer, "participant")
        .filter(|p| p.attribute("typeCode") == Some("CST"))
        .find_map(|p| child(p, "participantRole"));
    if let Some(refs) = role.and_then(|role| practitioners::add(builder, role)) {
        builder.set_general_practitioner(&refs.practitioner, refs.name.as_deref());
    }
}

/// Tells whether an observation inside a concern is an attentiewaarde (alert) rather than a problem.
fn is_alert(observation: Node<'_, '_>) -> bool {
    has_template(observation, ALERT_TEMPLATE)
        || child(observation, "code").and_then(|c| c.attribute("code")) == Some(ALERT_LOINC)
}

fn episode(builder: &mut Builder<'_>, message: &Message<'_, '_>, act: Node<'_, '_>) {
    let (patient, patient_name) = builder.patient();
    let organization = builder.author_organization(message);
    let status = path_code(act, "statusCode");
    let conditions: Vec<(String, Option<String>)> = children(act, "entryRelationship")
        .flat_map(elements)
        .filter(|o| {
            o.tag_name().name() == "observation"
                && !is_alert(*o)
                && (has_template(*o, PROBLEM_TEMPLATE) || child(*o, "value").is_some())
        })
        .map(|observation| {
            let condition = condition(
                observation,
                status.as_deref(),
                &patient,
                patient_name.as_deref(),
            );
            let display = child(observation, "value")
                .and_then(|v| v.attribute("displayName"))
                .map(str::to_owned);
            (builder.add(condition, SearchMode::Include), display)
        })
        .collect();
    let title = child(act, "text").map(text).filter(|t| !t.is_empty());
    let effective = child(act, "effectiveTime");
    let period = Element::new("period")
        .with_opt(
            ts_of(effective.and_then(|e| child(e, "low")))
                .map(|t| Element::primitive("start", t.as_str())),
        )
        .with_opt(
            ts_of(effective.and_then(|e| child(e, "high")))
                .map(|t| Element::primitive("end", t.as_str())),
        );
    let element = Element::with_capacity("EpisodeOfCare", 13)
        .with(Element::primitive(
            "id",
            ids::of_node(act).unwrap_or_else(|| ids::from_text(&text(act))),
        ))
        .with(parties::profile(
            "http://fhir.nl/fhir/StructureDefinition/nl-core-episodeofcare",
        ))
        .with_opt(title.as_ref().map(|t| {
            Element::extension(
                "http://nictiz.nl/fhir/StructureDefinition/EpisodeOfCare-Title",
                Element::primitive("valueString", t.clone()),
            )
        }))
        .with_all(children(act, "id").filter_map(identifier))
        .with(episode_status(status.as_deref()))
        .with(Element::new("type").with(crate::datatypes::coding_of(
            Some("http://snomed.info/sct"),
            "64572001",
            Some("aandoening"),
        )))
        .with_all(conditions.iter().map(|(target, display)| {
            Element::new("diagnosis").with(reference("condition", target, display.as_deref()))
        }))
        .with(reference("patient", &patient, patient_name.as_deref()))
        .with_opt(
            organization
                .map(|(target, name)| reference("managingOrganization", &target, name.as_deref())),
        )
        .with_opt((!period.children.is_empty()).then_some(period));
    let episode = builder.add(Resource::from_element(element), SearchMode::Match);
    let alerts = children(act, "entryRelationship")
        .flat_map(elements)
        .filter(|o| o.tag_name().name() == "observation" && is_alert(*o));
    for observation in alerts {
        alerts::add_episode_flag(builder, observation, &episode, title.as_deref());
    }
}

fn path_code(node: Node<'_, '_>, name: &str) -> Option<String> {
    path(node, &[name])
        .and_then(|n| n.attribute("code"))
        .map(str::to_owned)
}

/// Maps the concern's ActStatus to EpisodeOfCare.status, keeping the source code as a code-specification.
fn episode_status(status: Option<&str>) -> Element {
    let code = status.unwrap_or("active");
    let fhir_status = match code {
        "completed" => "finished",
        "suspended" | "held" => "onhold",
        "aborted" | "cancelled" => "cancelled",
        "nullified" => "entered-in-error",
        _ => "active",
    };
    let mut element = Element::primitive("status", fhir_status);
    if status.is_some() {
        element.push(code_specification(
            "http://hl7.org/fhir/v3/ActStatus",
            code,
            code,
        ));
    }
    element
}

/// Builds the zib-Problem Condition of a problem observation inside a concern.
fn condition(
    observation: Node<'_, '_>,
    concern_status: Option<&str>,
    patient: &str,
    patient_name: Option<&str>,
) -> Resource {
    let effective = child(observation, "effectiveTime");
    let onset = ts_of(effective.and_then(|e| child(e, "low")).or(effective));
    let abatement = ts_of(effective.and_then(|e| child(e, "high")));
    let clinical_status = match concern_status {
        Some("completed" | "aborted") => Element::primitive("clinicalStatus", "inactive").with(
            code_specification("http://snomed.info/sct", "73425007", "Inactive"),
        ),
        _ => Element::primitive("clinicalStatus", "active").with(code_specification(
            "http://snomed.info/sct",
            "55561003",
            "Active",
        )),
    };
    let element = Element::with_capacity("Condition", 11)
        .with(Element::primitive(
            "id",
            ids::of_node(observation).unwrap_or_else(|| ids::from_text(&text(observation))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-Problem",
        ))
        .with_all(children(observation, "id").filter_map(identifier))
        .with(clinical_status)
        .with_opt(child(observation, "code").and_then(|c| codeable_concept("category", c)))
        .with_opt(child(observation, "value").and_then(|v| codeable_concept("code", v)))
        .with(reference("subject", patient, patient_name))
        .with_opt(onset.map(|t| Element::primitive("onsetDateTime", t.as_str())))
        .with_opt(abatement.map(|t| Element::primitive("abatementDateTime", t.as_str())));
    Resource::from_element(element)
}

#[cfg(test)]
mod tests;
