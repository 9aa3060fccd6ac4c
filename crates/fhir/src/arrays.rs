//! Type knowledge the JSON format needs but XML does not carry: which elements repeat (JSON
//! arrays), which primitives are numbers or booleans, and which value-less elements are primitives.
//!
//! NOTE: these are name-based tables for the STU3 resources that lspplus produces (GP data, PDF/A,
//! Bundle, OperationOutcome), not a full StructureDefinition-driven model.

use crate::element::{Element, Kind};

/// Element names that are arrays (max cardinality `*`) wherever they occur in those resources.
const ARRAY_NAMES: &[&str] = &[
    "extension",
    "modifierExtension",
    "identifier",
    "coding",
    "given",
    "prefix",
    "suffix",
    "line",
    "telecom",
    "address",
    "contained",
    "entry",
    "link",
    "profile",
    "tag",
    "security",
    "category",
    "name",
    "contact",
    "communication",
    "generalPractitioner",
    "qualification",
    "specialty",
    "location",
    "healthcareService",
    "diagnosis",
    "referralRequest",
    "team",
    "account",
    "statusHistory",
    "type",
    "participant",
    "reason",
    "basedOn",
    "partOf",
    "performer",
    "referenceRange",
    "related",
    "component",
    "reasonCode",
    "reasonReference",
    "note",
    "dosageInstruction",
    "supportingInformation",
    "definition",
    "detail",
    "section",
    "author",
    "attester",
    "event",
    "relatesTo",
    "reaction",
    "manifestation",
    "ingredient",
    "batch",
    "content",
    "bodySite",
    "evidence",
    "issue",
    "expression",
    "additionalInstruction",
    "dayOfWeek",
    "timeOfDay",
    "when",
    "episodeOfCare",
    "incomingReferral",
    "appliesTo",
    "episodeOfCare",
    "recipient",
    "format",
    "securityLabel",
    "relatedArtifact",
    "eventCoding",
    "classHistory",
    "dosage",
    "derivedFrom",
    "hasMember",
    "availableTime",
    "notAvailable",
    "endpoint",
    "target",
];

/// Names that repeat in general but are single in these resource types or parents.
const SINGLE_IN: &[(&str, &str)] = &[
    ("Flag", "category"),
    ("MedicationRequest", "category"),
    ("Observation", "bodySite"),
    ("Organization", "name"),
    ("Composition", "type"),
    ("DocumentReference", "type"),
    ("DocumentManifest", "type"),
    ("Bundle", "type"),
    ("AllergyIntolerance", "type"),
];

/// Tells whether `name` is a JSON array inside `parent` of a resource of type `resource_type`.
pub fn is_array(resource_type: &str, parent: &Element, name: &str) -> bool {
    if !ARRAY_NAMES.contains(&name) {
        return special_array(resource_type, parent, name);
    }
    if parent.is_resource() && SINGLE_IN.contains(&(resource_type, name)) {
        return false;
    }
    match name {
        // Reference.identifier, Attachment and Narrative-like parents hold one identifier.
        "identifier" => !is_reference(parent),
        // `type` repeats only at the top of EpisodeOfCare, Encounter, Organization and Observation components' parents.
        "type" => {
            parent.is_resource()
                && matches!(
                    resource_type,
                    "EpisodeOfCare" | "Encounter" | "Organization"
                )
        }
        // `name` repeats in HumanName holders only; elsewhere (e.g. Bundle.link) it is a string.
        "name" => {
            parent.is_resource()
                && matches!(resource_type, "Patient" | "Practitioner" | "RelatedPerson")
        }
        "address" => parent.is_resource() || parent.name == "contact",
        "content" => {
            (resource_type == "DocumentManifest" && parent.is_resource())
                || (matches!(resource_type, "DocumentReference" | "Medication")
                    && (parent.is_resource() || parent.name == "package"))
        }
        "location" => {
            resource_type == "OperationOutcome"
                || (resource_type == "Encounter" && parent.is_resource())
        }
        "detail" => resource_type != "OperationOutcome" && parent.name != "hospitalization",
        "author" => resource_type != "Annotation",
        "target" => parent.name != "related",
        "batch" => parent.name == "package",
        _ => true,
    }
}

fn special_array(resource_type: &str, parent: &Element, name: &str) -> bool {
    match name {
        "code" => resource_type == "PractitionerRole" && parent.is_resource(),
        "family" => false,
        "substance" => false,
        _ => false,
    }
}

fn is_reference(parent: &Element) -> bool {
    parent.child("reference").is_some()
        || parent.child("display").is_some() && parent.child("system").is_none()
}

const BOOLEAN_NAMES: &[&str] = &[
    "active",
    "deceasedBoolean",
    "multipleBirthBoolean",
    "valueBoolean",
    "asNeededBoolean",
    "isBrand",
    "isOverTheCounter",
    "preferred",
    "primarySource",
    "userSelected",
    "abstract",
    "isActive",
    "allowed",
    "experimental",
];

const INTEGER_NAMES: &[&str] = &[
    "total",
    "valueInteger",
    "multipleBirthInteger",
    "rank",
    "sequence",
    "numberOfRepeatsAllowed",
    "count",
    "countMax",
    "frequency",
    "frequencyMax",
    "offset",
    "size",
    "valuePositiveInt",
    "valueUnsignedInt",
    "numberOfSeries",
    "numberOfInstances",
];

const DECIMAL_NAMES: &[&str] = &[
    "valueDecimal",
    "duration",
    "durationMax",
    "period",
    "periodMax",
    "factor",
    "lowerLimit",
    "upperLimit",
    "score",
];

/// Infers the JSON type of a primitive read from XML, from its name and its parent's other children.
pub fn infer_kind(parent_children: &[roxmltree::Node<'_, '_>], name: &str, value: &str) -> Kind {
    if BOOLEAN_NAMES.contains(&name) && (value == "true" || value == "false") {
        return Kind::Boolean;
    }
    if INTEGER_NAMES.contains(&name) && value.parse::<i64>().is_ok() {
        return Kind::Integer;
    }
    let numeric = value.parse::<f64>().is_ok();
    if DECIMAL_NAMES.contains(&name) && numeric {
        return Kind::Decimal;
    }
    // Quantity.value is a decimal. Identifier.value and Coding never sit beside `unit` or `comparator`,
    // and a Quantity with a UCUM `code` also has a `system` but an Identifier has no `code`.
    let quantity_sibling = parent_children
        .iter()
        .any(|n| matches!(n.tag_name().name(), "unit" | "comparator" | "code"));
    if name == "value" && numeric && quantity_sibling {
        return Kind::Decimal;
    }
    Kind::String
}

/// Names of complex elements that may appear with only extensions (e.g. a nullFlavor), which the
/// XML reader must not take for value-less primitives.
const COMPLEX_NAMES: &[&str] = &[
    "code",
    "type",
    "category",
    "identifier",
    "name",
    "address",
    "telecom",
    "valueCodeableConcept",
    "valueQuantity",
    "valuePeriod",
    "valueRange",
    "valueRatio",
    "valueReference",
    "valueIdentifier",
    "valueCoding",
    "valueAttachment",
    "period",
    "effectivePeriod",
    "subject",
    "patient",
    "route",
    "doseQuantity",
    "doseRange",
    "medicationCodeableConcept",
    "medicationReference",
    "interpretation",
    "bodySite",
    "method",
    "specimen",
    "context",
    "author",
    "recorder",
    "asserter",
    "onsetPeriod",
    "substance",
    "manifestation",
    "dosageInstruction",
    "timing",
    "repeat",
    "boundsDuration",
    "boundsPeriod",
    "requester",
    "agent",
    "onBehalfOf",
    "form",
    "ingredient",
    "itemCodeableConcept",
    "amount",
    "numerator",
    "denominator",
    "encounter",
    "class",
];

/// Tells whether a value-less XML element whose children are all extensions is a primitive.
pub fn is_primitive_without_value(name: &str, only_extensions: bool) -> bool {
    only_extensions
        && name != "extension"
        && name != "modifierExtension"
        && !COMPLEX_NAMES.contains(&name)
}
