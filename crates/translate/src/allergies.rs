//! Allergies and intolerances (`REPC_IN990131NL`) to zib-AllergyIntolerance.

use fhir::{Element, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, children, elements, path, text};

use crate::builder::Builder;
use crate::datatypes::{code_specification, codeable_concept, identifier, reference, ts_of};
use crate::output::SearchMode;
use crate::{ids, parties, practitioners};

/// FHIR category and Dutch display for the SNOMED CT allergy type codes of the zib.
fn category(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "419199007" => ("biologic", "allergie voor substantie"),
        "416098002" => ("medication", "geneesmiddelenallergie"),
        "419511003" => (
            "medication",
            "neiging tot ongewenste reactie op medicatie en/of drug",
        ),
        "414285001" => ("food", "voedselallergie"),
        "418471000" => ("food", "neiging tot ongewenste reactie op voedsel"),
        "232347008" => ("environment", "allergie voor huidschilfers van dieren"),
        "426232007" => ("environment", "omgevingsallergie"),
        "418038007" => (
            "environment",
            "neiging tot ongewenste reactie op substantie",
        ),
        _ => return None,
    })
}

/// Translates every intolerance observation of every concern in an allergies answer.
pub fn translate(builder: &mut Builder<'_>, message: &Message<'_, '_>) {
    for organizer in message.subjects() {
        builder.author_organization(message);
        for role in children(organizer, "participant").filter_map(|p| child(p, "participantRole")) {
            practitioners::add(builder, role);
        }
        for act in children(organizer, "component").filter_map(|c| child(c, "act")) {
            let status = path(act, &["statusCode"]).and_then(|s| s.attribute("code"));
            let observations = children(act, "entryRelationship")
                .flat_map(elements)
                .filter(|o| o.tag_name().name() == "observation");
            for observation in observations {
                let resource = allergy(builder, observation, status);
                builder.add(resource, SearchMode::Match);
            }
        }
    }
}

fn allergy(
    builder: &mut Builder<'_>,
    observation: Node<'_, '_>,
    concern_status: Option<&str>,
) -> Resource {
    let (patient, patient_name) = builder.patient();
    let value = child(observation, "value");
    let substance = path(
        observation,
        &["participant", "participantRole", "playingEntity", "code"],
    );
    let onset = ts_of(
        path(observation, &["effectiveTime", "low"])
            .or_else(|| child(observation, "effectiveTime")),
    );
    let notes = children(observation, "entryRelationship")
        .filter_map(|r| child(r, "act"))
        .map(|act| child(act, "text").map(text).unwrap_or_default())
        .filter(|t| !t.is_empty())
        .map(|t| Element::new("note").with(Element::primitive("text", t)));
    let element = Element::with_capacity("AllergyIntolerance", 13)
        .with(Element::primitive(
            "id",
            ids::of_node(observation).unwrap_or_else(|| ids::from_text(&text(observation))),
        ))
        .with(parties::profile(
            "http://nictiz.nl/fhir/StructureDefinition/zib-AllergyIntolerance",
        ))
        .with_all(children(observation, "id").filter_map(identifier))
        .with(clinical_status(concern_status))
        .with(Element::primitive("verificationStatus", "confirmed"))
        .with_opt(value.and_then(category_element))
        .with_opt(substance.and_then(|s| codeable_concept("code", s)))
        .with(reference("patient", &patient, patient_name.as_deref()))
        .with_opt(onset.map(|t| Element::primitive("onsetDateTime", t.as_str())))
        .with_all(notes);
    Resource::from_element(element)
}

fn clinical_status(concern_status: Option<&str>) -> Element {
    let code = concern_status.unwrap_or("active");
    let fhir_status = match code {
        "completed" => "resolved",
        "suspended" | "aborted" => "inactive",
        _ => "active",
    };
    Element::primitive("clinicalStatus", fhir_status).with(code_specification(
        "http://hl7.org/fhir/v3/ActStatus",
        code,
        code,
    ))
}

fn category_element(value: Node<'_, '_>) -> Option<Element> {
    let code = value.attribute("code")?;
    let (fhir_category, display) = category(code)?;
    Some(
        Element::primitive("category", fhir_category).with(code_specification(
            "http://snomed.info/sct",
            code,
            display,
        )),
    )
}
