//! The state of one translation: context resources (Patient, Organizations) and the output.

use compact_str::CompactString;
use fhir::{OperationOutcomeIssue, Resource};
use hl7v3::dom::Node;
use hl7v3::read::Message;
use hl7v3::xml::{child, path};

use crate::output::{Output, SearchMode};
use crate::{Context, Translation, ids, parties};

/// Collects the resources of one translation and hands out references to shared context.
pub struct Builder<'c> {
    ctx: &'c Context,
    output: Output,
    patient: Option<(CompactString, Option<CompactString>)>,
    patient_resource: Resource,
    /// Encounters translated so far, by `root|extension`: their reference and display.
    pub encounters: foldhash::HashMap<String, (String, String)>,
    /// The search mode of encounters: context (include) when the answer also has a journal.
    pub encounter_mode: SearchMode,
    /// Issues collected from the answers.
    pub issues: Vec<OperationOutcomeIssue>,
    /// The richest description of each person in a role, per document.
    pub roles: crate::practitioners::RoleIndex,
    /// The result of `practitioners::add` per richest role element (document address, node).
    pub practitioners: foldhash::HashMap<
        (usize, hl7v3::dom::NodeId),
        Option<crate::practitioners::PractitionerRefs>,
    >,
    /// Organizations added so far, by document address and node: their reference and name.
    organizations: foldhash::HashMap<(usize, hl7v3::dom::NodeId), (String, Option<String>)>,
}

impl<'c> Builder<'c> {
    /// Starts a translation. The Patient is built from the most detailed `patientRole` of all answers.
    pub fn new(ctx: &'c Context, messages: &[Message<'_, '_>]) -> Self {
        let richest = messages
            .iter()
            .flat_map(|m| {
                m.node()
                    .descendants()
                    .filter(|n| n.is_element() && n.tag_name().name() == "patientRole")
            })
            .max_by_key(|role| role.descendants().count());
        Self {
            ctx,
            output: Output::default(),
            patient: None,
            patient_resource: parties::patient(&ctx.patient_id, richest),
            issues: Vec::new(),
            encounters: foldhash::HashMap::default(),
            encounter_mode: SearchMode::Match,
            roles: crate::practitioners::RoleIndex::default(),
            practitioners: foldhash::HashMap::default(),
            organizations: foldhash::HashMap::default(),
        }
    }

    /// Returns the translation settings.
    pub fn context(&self) -> &Context {
        self.ctx
    }

    /// Adds a resource and returns its relative reference.
    pub fn add(&mut self, resource: Resource, mode: SearchMode) -> String {
        self.output.add(resource, mode)
    }

    /// Returns the reference to a resource of this type and id when one was added already.
    pub fn existing(&self, resource_type: &str, id: &str) -> Option<String> {
        self.output
            .find(resource_type, id)
            .map(|_| [resource_type, "/", id].concat())
    }

    /// Adds a resource unless one of the same type and id exists (the first one wins), and returns
    /// its reference. Used for context resources that several acts describe with varying detail.
    pub fn add_once(&mut self, resource: Resource, mode: SearchMode) -> String {
        let existing = resource
            .id()
            .and_then(|id| self.output.find(resource.resource_type(), id));
        match existing {
            Some(known) => [known.resource_type(), "/", known.id().unwrap_or_default()].concat(),
            None => self.output.add(resource, mode),
        }
    }

    /// Returns the reference to the Patient (added on first use) and the patient's name for displays.
    pub fn patient(&mut self) -> (CompactString, Option<CompactString>) {
        if let Some(known) = &self.patient {
            return known.clone();
        }
        let resource = self.patient_resource.clone();
        let display = resource
            .element
            .child("name")
            .and_then(|n| n.child_value("text"))
            .map(CompactString::from);
        let reference = self.output.add(resource, SearchMode::Include).into();
        self.patient = Some((reference, display));
        self.patient.clone().unwrap_or_default()
    }

    /// Points the Patient's `generalPractitioner` at the given Practitioner (once per target), also
    /// when the Patient was added already.
    pub fn set_general_practitioner(&mut self, target: &str, display: Option<&str>) {
        let element = crate::datatypes::reference("generalPractitioner", target, display);
        let add_to = |patient: &mut fhir::Element| {
            let known = patient.children.iter().any(|c| {
                c.name == "generalPractitioner" && c.child_value("reference") == Some(target)
            });
            if !known {
                patient.push(element.clone());
            }
        };
        add_to(&mut self.patient_resource.element);
        let patient_id = self.ctx.patient_id.as_str();
        if let Some((resource, _)) = self
            .output
            .entries
            .iter_mut()
            .find(|(r, _)| r.resource_type() == "Patient" && r.id() == Some(patient_id))
        {
            add_to(&mut resource.element);
        }
    }

    /// Returns the reference and name of the organization that authored the answer (the
    /// ControlAct author's AssignedDevice organization), adding it on first use.
    pub fn author_organization(
        &mut self,
        message: &Message<'_, '_>,
    ) -> Option<(String, Option<String>)> {
        let organization = path(
            message.node(),
            &[
                "ControlActProcess",
                "authorOrPerformer",
                "participant",
                "AssignedDevice",
                "Organization",
            ],
        )?;
        Some(self.organization(organization))
    }

    /// Adds an organization element (HL7v3 `Organization`, `representedOrganization`, ...) and
    /// returns its reference and name.
    pub fn organization(&mut self, node: Node<'_, '_>) -> (String, Option<String>) {
        let key = (std::ptr::from_ref(node.document()).addr(), node.id());
        if let Some(known) = self.organizations.get(&key) {
            return known.clone();
        }
        let added = self.add_organization(node);
        self.organizations.insert(key, added.clone());
        added
    }

    fn add_organization(&mut self, node: Node<'_, '_>) -> (String, Option<String>) {
        let id = child(node, "id")
            .map(|i| {
                ids::from_ii(
                    i.attribute("root").unwrap_or_default(),
                    i.attribute("extension"),
                )
            })
            .unwrap_or_else(|| ids::from_text(&hl7v3::xml::text(node)));
        let resource = parties::organization(&id, node);
        let name = resource.element.child_value("name").map(str::to_owned);
        (self.output.add(resource, SearchMode::Include), name)
    }

    /// Ends the translation: matches first (in source order), then included resources, each given
    /// its narrative.
    ///
    /// Without any match the result is empty, and encounters included as context are dropped when no
    /// match refers to them.
    pub fn finish(self) -> Translation {
        let (matches, mut includes): (Vec<_>, Vec<_>) = self
            .output
            .entries
            .into_iter()
            .partition(|(_, mode)| *mode == SearchMode::Match);
        if matches.is_empty() {
            includes.clear();
        }
        let referenced = referenced_targets(matches.iter().map(|(r, _)| &r.element));
        includes.retain(|(resource, _)| {
            resource.resource_type() != "Encounter"
                || referenced
                    .contains(format!("Encounter/{}", resource.id().unwrap_or_default()).as_str())
        });
        let (resources, modes) = matches
            .into_iter()
            .chain(includes)
            .map(|(mut resource, mode)| {
                crate::narrative::add(&mut resource.element);
                (resource, mode)
            })
            .unzip();
        Translation {
            resources,
            modes,
            issues: self.issues,
        }
    }
}

/// Collects every `reference` value below the given elements.
fn referenced_targets<'a>(
    elements: impl Iterator<Item = &'a fhir::Element>,
) -> foldhash::HashSet<&'a str> {
    let mut found = foldhash::HashSet::default();
    let mut stack: Vec<&fhir::Element> = elements.collect();
    while let Some(element) = stack.pop() {
        if element.name == "reference"
            && let Some(value) = &element.value
        {
            found.insert(value.as_str());
        }
        stack.extend(element.children.iter());
    }
    found
}
