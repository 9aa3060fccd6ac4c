//! Pure translation of Ketenzorg 3.0.2 answers to the MedMij FHIR STU3 profiles.
//!
//! [`translate`] reads an AORTA answer (bare, SOAP, HTTP capture or `MCCI_IN200101` batch) and
//! returns FHIR resources plus OperationOutcome issues for LSP errors. Resource ids are derived
//! from the HL7v3 identifiers, so the same input always gives the same output.

#![forbid(unsafe_code)]

mod alerts;
mod allergies;
mod builder;
mod correspondence;
pub mod datatypes;
mod encounters;
mod episodes;
mod errors;
pub mod ids;
mod journal;
mod medication;
mod narrative;
mod observations;
mod output;
mod parties;
mod practitioners;

use fhir::{BundleBuilder, OperationOutcome, OperationOutcomeIssue, Resource};

pub use builder::Builder;
pub use output::SearchMode;

/// Settings of one translation.
#[derive(Debug, Clone)]
pub struct Context {
    /// FHIR base URL for fullUrls, e.g. `https://lspplus.localhost:8441/fhir/huisartsenpraktijk-delinde/49`.
    pub base_url: String,
    /// The logical id of the Patient resource (never derived from the BSN).
    pub patient_id: String,
}

impl Context {
    /// Creates a context with the default Patient id `patient`.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            patient_id: "patient".to_owned(),
        }
    }
}

/// The result of a translation.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    /// The resources in a stable order (matches first, in source order, then included context).
    pub resources: Vec<Resource>,
    /// The search mode of each resource (same index as `resources`).
    pub modes: Vec<SearchMode>,
    /// Issues for LSP and application errors in the answer (e.g. `AUTERR_SWV_FALSE`).
    pub issues: Vec<OperationOutcomeIssue>,
}

impl Translation {
    /// Builds a searchset Bundle with absolute fullUrls under `ctx.base_url`; when there are issues,
    /// an OperationOutcome entry with search mode `outcome` is added.
    pub fn to_bundle(&self, ctx: &Context, self_link: &str) -> Resource {
        let mut builder = BundleBuilder::searchset(&ctx.base_url, self_link);
        for (resource, mode) in self.resources.iter().zip(&self.modes) {
            match mode {
                SearchMode::Match => builder.add_match(resource.clone()),
                SearchMode::Include => builder.add_include(resource.clone()),
            }
        }
        if !self.issues.is_empty() {
            builder.add_outcome(
                OperationOutcome::new(self.issues.clone()).to_resource(Some("lsp-issues")),
            );
        }
        builder.build()
    }
}

/// Errors that stop a translation.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The answer could not be read (size, DTD, XML syntax, no interaction).
    #[error("cannot read the HL7v3 answer: {0}")]
    Read(#[from] hl7v3::read::ReadError),
    /// The answer contains an interaction that lspplus cannot translate.
    #[error("interaction {0} cannot be translated to FHIR")]
    Unsupported(String),
}

/// Translates an AORTA answer to FHIR resources and issues.
pub fn translate(xml: &str, ctx: &Context) -> Result<Translation, TranslateError> {
    translate_all(&[xml], ctx)
}

/// Translates several AORTA answers for one search together (e.g. the encounters and journal
/// answers behind a Composition search), so that resources refer to each other and shared context
/// (Patient, Organizations, Practitioners) appears once.
pub fn translate_all(xmls: &[&str], ctx: &Context) -> Result<Translation, TranslateError> {
    let builder = build(xmls, ctx)?;
    // The HL7v3 parse trees are gone at this point, so they never share the heap with the
    // narratives that `finish` adds.
    Ok(builder.finish())
}

/// Parses the LSP responses and translates their messages. The parse trees are dropped on return.
fn build<'c>(xmls: &[&str], ctx: &'c Context) -> Result<Builder<'c>, TranslateError> {
    let docs = xmls
        .iter()
        .map(|xml| hl7v3::read::parse(xml))
        .collect::<Result<Vec<_>, _>>()?;
    let mut messages = Vec::new();
    for doc in &docs {
        messages.extend(hl7v3::read::messages(doc)?);
    }
    translate_messages(&messages, ctx)
}

fn translate_messages<'c>(
    messages: &[hl7v3::read::Message<'_, '_>],
    ctx: &'c Context,
) -> Result<Builder<'c>, TranslateError> {
    let mut builder = Builder::new(ctx, messages);
    let is_journal =
        |m: &&hl7v3::read::Message<'_, '_>| m.interaction() == Some(hl7v3::Interaction::Journal);
    if messages.iter().any(|m| is_journal(&m)) {
        builder.encounter_mode = SearchMode::Include;
    }
    // Encounters go first, so that journal entries can refer to them whatever the batch order.
    let is_encounters =
        |m: &&hl7v3::read::Message<'_, '_>| m.interaction() == Some(hl7v3::Interaction::Encounters);
    let ordered = messages
        .iter()
        .filter(is_encounters)
        .chain(messages.iter().filter(|m| !is_encounters(m)));
    // Encounters that are only context are kept when a match refers to them. When no other
    // answer has entries there will be no match, so translating them would be wasted work.
    let context_only = builder.encounter_mode == SearchMode::Include
        && !messages
            .iter()
            .filter(|m| !is_encounters(m))
            .any(has_entries);
    for message in ordered {
        builder.issues.extend(errors::issues(message));
        if !has_entries(message) || (context_only && is_encounters(&message)) {
            continue;
        }
        translate_message(&mut builder, message)?;
    }
    Ok(builder)
}

/// Tells whether an answer has anything to translate: not `NF`, and at least one subject.
fn has_entries(message: &hl7v3::read::Message<'_, '_>) -> bool {
    message.query_response_code.as_deref() != Some("NF") && !message.subjects().is_empty()
}

fn translate_message(
    builder: &mut Builder<'_>,
    message: &hl7v3::read::Message<'_, '_>,
) -> Result<(), TranslateError> {
    use hl7v3::Interaction;
    match message.interaction() {
        Some(Interaction::Episodes) => episodes::translate(builder, message),
        Some(Interaction::Encounters) => encounters::translate(builder, message),
        Some(Interaction::Journal) => journal::translate(builder, message),
        Some(Interaction::Lab) => {
            observations::translate(builder, message, observations::Kind::Lab)
        }
        Some(Interaction::Measurements) => {
            observations::translate(builder, message, observations::Kind::Measurement);
        }
        Some(Interaction::MedicationAgreements) => medication::translate(builder, message),
        Some(Interaction::Alerts) => alerts::translate(builder, message),
        Some(Interaction::Intolerances) => allergies::translate(builder, message),
        Some(Interaction::Correspondence) => correspondence::translate(builder, message),
        _ => return Err(TranslateError::Unsupported(message.interaction_id.clone())),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
