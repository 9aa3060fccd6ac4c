//! The data path shared by searches and the Binary read: query the LSP (several interactions in
//! parallel), translate the responses, and keep what the OPEN disclosure rules allow.

use std::collections::HashSet;

use common::Bsn;
use fhir::{IssueSeverity, OperationOutcomeIssue};
use futures::future::join_all;
use serde_json::Value;
use time::Date;

use super::FhirDeps;
use super::outcome::FhirError;
use super::ports::{LspError, Practice};
use super::searches::Search;

/// The disclosed resources of one request, with issues for parts that failed.
#[derive(Debug, Default)]
pub struct Disclosed {
    /// The resources the patient may see, as FHIR JSON, without duplicates.
    pub resources: Vec<Value>,
    /// Issues for failed interactions and for LSP errors inside responses.
    pub issues: Vec<OperationOutcomeIssue>,
}

/// Everything one data request needs to know.
#[derive(Debug, Clone, Copy)]
pub struct DataRequest<'a> {
    /// The search (or read) and its interactions.
    pub search: &'a Search,
    /// The practice whose GP system is queried.
    pub practice: &'a Practice,
    /// The patient, from the access token.
    pub bsn: &'a Bsn,
    /// The period sent with the query, if any.
    pub period: Option<(Date, Option<Date>)>,
    /// Today's date in the Netherlands.
    pub today: Date,
    /// The FHIR base for fullUrls and the translation context.
    pub base_url: &'a str,
    /// The correlation id passed to the LSP.
    pub correlation_id: &'a str,
}

/// Queries, translates and discloses.
///
/// # Errors
/// The first LSP failure when no interaction succeeded; [`FhirError::Forbidden`] when the answer's
/// birth date shows a patient under 16; [`FhirError::Internal`] when an answer cannot be translated.
pub async fn fetch(deps: &FhirDeps, request: DataRequest<'_>) -> Result<Disclosed, FhirError> {
    let queries = request.search.interactions.iter().map(|&interaction| {
        deps.lsp.query(
            &request.practice.his,
            interaction,
            request.bsn,
            request.period,
            request.correlation_id,
        )
    });
    let answers = join_all(queries).await;

    let ctx = translate::Context::new(request.base_url);
    let mut disclosed = Disclosed::default();
    let mut first_failure = None;
    let mut any_answer = false;
    let mut xmls = Vec::new();
    for (interaction, answer) in request.search.interactions.iter().zip(answers) {
        match answer {
            Ok(xml) => {
                any_answer = true;
                xmls.push(xml);
            }
            Err(LspError::NotFound) => any_answer = true,
            Err(error) => {
                deps.metrics.count_lsp_error(error.label());
                tracing::warn!(
                    interaction = interaction.as_str(),
                    error = %error,
                    correlation_id = request.correlation_id,
                    "LSP query failed"
                );
                disclosed.issues.push(lsp_issue(&error));
                first_failure.get_or_insert(error);
            }
        }
    }

    if !xmls.is_empty() {
        // Answers of one search are translated together, so that journal entries refer to the
        // encounters and shared context (Patient, Practitioners) appears once.
        let texts: Vec<&str> = xmls.iter().map(String::as_str).collect();
        let translation = translate::translate_all(&texts, &ctx).map_err(|error| {
            tracing::error!(
                search = request.search.resource_type,
                %error,
                correlation_id = request.correlation_id,
                "translating the LSP responses failed"
            );
            FhirError::Internal("the GP system's data could not be translated".to_owned())
        })?;
        disclosed.issues.extend(translation.issues);

        let mut seen = HashSet::new();
        for resource in &translation.resources {
            let value: Value = serde_json::from_str(&resource.to_json()).map_err(|error| {
                tracing::error!(%error, "a translated resource is not valid JSON");
                FhirError::Internal("a translated resource could not be read".to_owned())
            })?;
            let key = format!(
                "{}/{}",
                value["resourceType"].as_str().unwrap_or_default(),
                value["id"].as_str().unwrap_or_default()
            );
            if seen.insert(key) {
                disclosed.resources.push(value);
            }
        }
    }

    if let (false, Some(error)) = (any_answer, first_failure) {
        return Err(FhirError::Lsp(error));
    }

    disclosed.resources = disclose(request, std::mem::take(&mut disclosed.resources))?;
    Ok(disclosed)
}

fn disclose(request: DataRequest<'_>, resources: Vec<Value>) -> Result<Vec<Value>, FhirError> {
    let birth_date = resources
        .iter()
        .filter(|r| r["resourceType"].as_str() == Some("Patient"))
        .find_map(|patient| {
            patient["birthDate"]
                .as_str()
                .and_then(disclosure::fhir_date)
        });

    // Episode answers often carry no birth time. A token exists only after the availability check found
    // the patient 16 or older, and age only grows, so without a birth date the result of that check still holds.
    let patient_age = match birth_date {
        Some(birth_date) => disclosure::age_on(birth_date, request.today),
        None => disclosure::MINIMUM_AGE,
    };

    let ctx = disclosure::Context {
        today: request.today,
        patient_age,
        online_access_start: request.practice.online_access_start,
    };
    disclosure::select(request.search.category, resources, &ctx).map_err(|error| {
        tracing::info!(%error, "disclosure rejected the request");
        FhirError::Forbidden("online access to the GP record starts at age 16".to_owned())
    })
}

/// Describes a failed interaction inside a partial answer.
fn lsp_issue(error: &LspError) -> OperationOutcomeIssue {
    let code = match error {
        LspError::Timeout => "timeout",
        LspError::CircuitOpen => "transient",
        LspError::NotFound => "not-found",
        LspError::Code(_) | LspError::Mismatch(_) | LspError::Failed(_) => "exception",
    };
    let mut issue = OperationOutcomeIssue::new(IssueSeverity::Error, code);
    if let LspError::Code(lsp_code) = error {
        issue.details_coding = Some((
            "urn:oid:2.16.840.1.113883.2.4.6.6.1.1000".to_owned(),
            lsp_code.clone(),
            String::new(),
        ));
    }
    issue.diagnostics = Some(format!("part of the data is missing: {error}"));
    issue
}
