//! The reads of gegevensdienst 51: a disclosed DocumentReference or DocumentManifest, and the PDF of
//! a disclosed document, raw or as a FHIR Binary.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::Bsn;
use time::Date;

use super::FhirDeps;
use super::bundle::to_resource;
use super::format::Format;
use super::handlers::{Body, ensure_no_bsn};
use super::outcome::FhirError;
use super::pipeline::{DataRequest, fetch};
use super::ports::Practice;
use super::searches;

/// One read.
pub(super) struct BinaryRequest<'a> {
    pub practice: &'a Practice,
    pub bsn: &'a Bsn,
    pub today: Date,
    pub base_url: &'a str,
    pub correlation_id: &'a str,
    /// The resource type: `Binary`, `DocumentReference` or `DocumentManifest`.
    pub resource_type: &'a str,
    /// The resource id from the URL (already checked to be a valid FHIR id).
    pub id: &'a str,
    /// Whether `Accept` or `_format` asked for FHIR; otherwise the raw document is returned.
    pub fhir_requested: bool,
    pub format: Format,
}

/// Fetches the correspondence again (nothing is cached) and returns the resource with `id` when
/// the disclosure rules let it through (a Binary only when a disclosed DocumentReference points at it).
pub(super) async fn read(deps: &FhirDeps, request: BinaryRequest<'_>) -> Result<Body, FhirError> {
    let search = searches::find(searches::DOCUMENTEN, "Binary").ok_or_else(|| {
        FhirError::Internal("the Binary read is missing from the search table".to_owned())
    })?;
    let disclosed = fetch(
        deps,
        DataRequest {
            search,
            practice: request.practice,
            bsn: request.bsn,
            period: None,
            today: request.today,
            base_url: request.base_url,
            correlation_id: request.correlation_id,
        },
    )
    .await?;

    let binary = disclosed
        .resources
        .into_iter()
        .find(|r| {
            r["resourceType"].as_str() == Some(request.resource_type)
                && r["id"].as_str() == Some(request.id)
        })
        .ok_or_else(|| {
            FhirError::NotFound(format!(
                "no {} with this id was found for this patient",
                request.resource_type
            ))
        })?;

    if request.fhir_requested || request.resource_type != "Binary" {
        let text = request.format.render(&to_resource(&binary)?);
        ensure_no_bsn(&text, request.bsn)?;
        return Ok(Body {
            content_type: request.format.content_type().to_owned(),
            bytes: text.into_bytes(),
            resource_count: 1,
        });
    }

    let content_type = binary["contentType"]
        .as_str()
        .unwrap_or("application/pdf")
        .to_owned();
    let bytes = binary["content"]
        .as_str()
        .or_else(|| binary["data"].as_str())
        .map(|data| STANDARD.decode(data.trim()))
        .transpose()
        .map_err(|error| {
            tracing::error!(%error, "a Binary's content is not valid base64");
            FhirError::Internal("the document could not be decoded".to_owned())
        })?
        .unwrap_or_default();
    Ok(Body {
        content_type,
        bytes,
        resource_count: 1,
    })
}
