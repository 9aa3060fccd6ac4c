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
    reject_own_bsn(query, &grant)?;
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

    let applied = params::self_query(&params, known_format(query).as_deref());
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

/// Rejects a query that contains the patient's own BSN in any encoding: a search never needs it, and
/// the response would otherwise be withheld as unsafe.
fn reject_own_bsn(query: &str, grant: &TokenGrant) -> Result<(), FhirError> {
    let bsn = grant.bsn.as_str();
    let decoded = params::decode(query).unwrap_or_default();
    let in_decoded = decoded
        .iter()
        .any(|(key, value)| key.contains(bsn) || value.contains(bsn));
    if in_decoded || query.contains(bsn) {
        return Err(FhirError::BadRequest(
            "the query contains a BSN; the patient follows from the access token".to_owned(),
        ));
    }
    Ok(())
}

/// Returns the `_format` value when it names a supported format, for the self link.
fn known_format(query: &str) -> Option<String> {
    params::decode(query)
        .unwrap_or_default()
        .into_iter()
        .find(|(key, _)| key == "_format")
        .map(|(_, value)| value)
        .filter(|value| super::format::from_mime(value).is_some())
}

/// Returns the start of the `date=ge…`/`gt…` range of a results search, sent to the LSP as the period.
fn results_from(filters: &[Filter]) -> Option<time::Date> {
    filters.iter().find_map(|filter| match filter {
        Filter::Date {
            name,
            prefix: Prefix::Ge,
            date,
            ..
        } if name == "date" => Some(*date),
        Filter::Date {
            name,
            prefix: Prefix::Gt,
            end,
            ..
        } if name == "date" => Some(*end),
        _ => None,
    })
}
