//! Alerts (`REPC_IN990121NL`) to zib-Alert Flag.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, text};

use crate::builder::Builder;
use crate::datatypes::{codeable_concept, episode_contexts, identifier, period, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties};

/// The zib-Alert extension that names the episode an alert belongs to.
const EPISODE_CONTEXT: &str =
    "http://nictiz.nl/fhir/StructureDefinition/extension-context-nl-core-episodeofcare";

/// Translates every alert observation of an alerts answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for observation in children(organizer, "component").filter_map(|c| child(c, "observation"))
        {
            let contexts = episode_contexts(observation);
            let flag = flag(builder, observation, contexts);
            builder.add(flag, SearchMode::Match);
        }
    }
}

/// Adds the zib-Alert Flag of an attentiewaarde inside a concern act. The Flag's subject is the
/// patient, and its episode context extension refers to the EpisodeOfCare `episode` (relative).
pub fn add_episode_flag(
    builder: &mut Builder<'_>,
    observation: Node<'_, '_>,
    episode: &str,
    episode_title: Option<&str>,
) -> String {
    let value = reference("valueReference", episode, episode_title);
    let context = Element::extension(EPISODE_CONTEXT, value);
    let flag = flag(builder, observation, vec![context]);
    builder.add(flag, SearchMode::Include)
}

fn flag(builder: &mut Builder<'_>, observation: Node<'_, '_>, contexts: Vec<Element>) -> Resource {
    let (patient, patient_name) = builder.patient();
    let effective = child(observation, "effectiveTime");
    let ended = ts_of(effective.and_then(|e| child(e, "high"))).is_some();
    let status = match child(observation, "statusCode").and_then(|s| s.attribute("code")) {
        Some("nullified") => "entered-in-error",
        _ if ended => "inactive",
        _ => "active",
    };
    let element = Element::with_capacity("Flag", 12)
        .with(Element::primitive(
            "id",
            ids::of_node(observation).unwrap_or_else(|| ids::from_text(&text(observation))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-Alert",
        ))
        .with_all(contexts)
        .with_all(children(observation, "id").filter_map(identifier))
        .with(Element::primitive("status", status))
        .with_opt(child(observation, "code").and_then(|c| codeable_concept("category", c)))
        .with_opt(child(observation, "value").and_then(|v| codeable_concept("code", v)))
        .with(reference("subject", &patient, patient_name.as_deref()))
        .with_opt(period("period", effective));
    Resource::from_element(element)
}
