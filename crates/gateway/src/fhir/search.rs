//! The search pipeline from checked parameters to the rendered searchset Bundle.

use time::OffsetDateTime;

use super::bundle::{BundleSpec, assemble};
use super::format::Format;
use super::handlers::{Body, RequestMeta, ensure_no_bsn, practice, practice_base};
use super::outcome::FhirError;
use super::params::{self, Filter, Prefix};
use super::pipeline::{DataRequest, fetch};
use super::ports::TokenGrant;
use super::{FhirDeps, dutch_time, searches};

/// Runs the search `resource_type?query` for the patient of `grant`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run(
    deps: &FhirDeps,
    meta: &RequestMeta,
    grant: TokenGrant,
    naam: &str,
    gegevensdienst: &str,
    resource_type: &str,
    query: &str,
    format: Format,
    now: OffsetDateTime,
) -> Result<Body, FhirError> {
    let search = searches::find(gegevensdienst, resource_type)
        .filter(|search| search.resource_type != "Binary")
        .ok_or_else(|| {
            FhirError::NotSupported(format!(
                "searching {resource_type} is not supported in gegevensdienst {gegevensdienst}"
            ))
        })?;
    let params =
        params::parse(query, search).map_err(|error| FhirError::BadRequest(error.to_string()))?;
    let practice = practice(deps, naam, gegevensdienst).await?;

    let today = dutch_time::dutch_date(now);
    let period = match search.category {
        disclosure::Category::Results => Some((
            results_from(&params.filters).unwrap_or(disclosure::results_window_start(today)),
            None,
        )),
        _ => None,
    };
    let base_url = practice_base(deps, naam, gegevensdienst);
    let correlation_id = meta.lsp_correlation_id();
    let request = DataRequest {
        search,
        practice: &practice,
        bsn: &grant.bsn,
        period,
        today,
        base_url: &base_url,
        correlation_id: &correlation_id,
    };
    let disclosed = fetch(deps, request).await?;

    let applied = params::applied_query(query, search);
    let self_link = if applied.is_empty() {
        format!("{base_url}/{resource_type}")
    } else {
        format!("{base_url}/{resource_type}?{applied}")
    };
    let spec = BundleSpec {
        resource_type,
        filters: &params.filters,
        base_url: &base_url,
        self_link: &self_link,
    };
    let assembled = assemble(
        disclosed.resources,
        &spec,
        disclosed.issues,
        &uuid::Uuid::new_v4().to_string(),
    )?;
    tracing::debug!(
        total = assembled.total,
        resources = assembled.resources,
        "searchset assembled"
    );
    let text = format.render(&assembled.bundle);
    ensure_no_bsn(&text, &grant.bsn)?;

    Ok(Body {
        content_type: format.content_type().to_owned(),
        bytes: text.into_bytes(),
        resource_count: assembled.resources,
    })
}

/// Returns the start of the `date=ge…`/`gt…` range of a results search, sent to the LSP as the period.
fn results_from(filters: &[Filter]) -> Option<time::Date> {
    filters.iter().find_map(|filter| match filter {
        Filter::Date {
            name,
            prefix: Prefix::Ge | Prefix::Gt,
            date,
        } if name == "date" => Some(*date),
        _ => None,
    })
}
