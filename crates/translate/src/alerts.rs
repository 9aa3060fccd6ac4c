//! Alerts (`REPC_IN990121NL`) to zib-Alert Flag.

use fhir::{Element, Resource};
use hl7v3::read::Message;
use hl7v3::xml::{child, children, text};
use roxmltree::Node;

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, episode_contexts, identifier, period, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties};

/// Translates every alert observation of an alerts answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for observation in children(organizer, "component").filter_map(|c| child(c, "observation"))
        {
            let flag = flag(builder, observation);
            builder.add(flag, SearchMode::Match);
        }
    }
}

fn flag(builder: &mut Builder<'_>, observation: Node<'_, '_>) -> Resource {
    let (patient, patient_name) = builder.patient();
    let effective = child(observation, "effectiveTime");
    let ended = ts_of(effective.and_then(|e| child(e, "high"))).is_some();
    let status = match child(observation, "statusCode").and_then(|s| s.attribute("code")) {
        Some("nullified") => "entered-in-error",
        _ if ended => "inactive",
        _ => "active",
    };
    let element = Element::new("Flag")
        .with(Element::primitive(
            "id",
            ids::of_node(observation).unwrap_or_else(|| ids::from_text(&text(observation))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-Alert",
        ))
        .with_all(episode_contexts(observation))
        .with_all(children(observation, "id").filter_map(identifier))
        .with(Element::primitive("status", status))
        .with_opt(child(observation, "code").and_then(|c| codeable_concept("category", c)))
        .with_opt(child(observation, "value").and_then(|v| codeable_concept("code", v)))
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(period("period", effective));
    Resource::from_element(element)
}
