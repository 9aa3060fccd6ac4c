//! The axum handlers: request headers, authorization, audit, metrics and the response envelope.

use std::time::Instant;

use axum::Extension;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Bsn;
use time::OffsetDateTime;

use super::format::{self, Format};
use super::outcome::FhirError;
use super::params;
use super::ports::{AuditEvent, Practice, TokenGrant};
use super::{FhirDeps, auth, binary, capability, dutch_time, search, searches};

const REQUEST_ID: HeaderName = HeaderName::from_static("medmij-request-id");
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

/// A response body with its content type.
pub(super) struct Body {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The number of resources served, for the audit trail.
    pub resource_count: usize,
}

/// The tracing headers of a request, checked to be short visible ASCII.
#[derive(Debug, Clone, Default)]
pub(super) struct RequestMeta {
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl RequestMeta {
    fn from_headers(headers: &HeaderMap) -> Self {
        let read = |name: &HeaderName| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                // MedMij defines both ids as UUIDs; anything else is neither echoed, logged nor
                // sent on to the LSP.
                .filter(|value| uuid::Uuid::parse_str(value).is_ok())
                .map(str::to_owned)
        };
        Self {
            request_id: read(&REQUEST_ID),
            correlation_id: read(&CORRELATION_ID),
        }
    }

    /// Returns the id passed on to the LSP: the correlation id, else the request id, else a new UUID.
    pub(super) fn lsp_correlation_id(&self) -> String {
        self.correlation_id
            .clone()
            .or_else(|| self.request_id.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    }
}

/// `GET /{naam}/{gegevensdienst}/{type}`: a search.
pub(super) async fn search(
    State(deps): State<FhirDeps>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    peer: Option<Extension<tls::PeerCertificate>>,
    headers: HeaderMap,
) -> Response {
    let Ok(Path((naam, gegevensdienst, resource_type))) = path else {
        return bad_path(&deps, &headers);
    };
    let client_names = client_names(peer.as_ref());
    let started = Instant::now();
    let meta = RequestMeta::from_headers(&headers);
    let query = query.unwrap_or_default();
    let label = metric_label(&gegevensdienst, &resource_type, "");

    let format_param = format_param(&query);
    let (format, result) = match format::negotiate(accept(&headers), format_param.as_deref()) {
        Ok(format) => {
            let action = audit_action(&resource_type, &query);
            let result = authorized(
                &deps,
                &meta,
                Caller {
                    headers: &headers,
                    client_names: &client_names,
                    query: &query,
                },
                &naam,
                &gegevensdienst,
                action,
                |grant, now| {
                    search::run(
                        &deps,
                        &meta,
                        grant,
                        &naam,
                        &gegevensdienst,
                        &resource_type,
                        &query,
                        format,
                        now,
                    )
                },
            )
            .await;
            (format, result)
        }
        Err(error) => (Format::Json, Err(error)),
    };
    finish(&deps, &meta, &label, started, format, result)
}

/// `GET /{naam}/{gegevensdienst}/{type}/{id}`: the reads of gegevensdienst 51 (Binary,
/// DocumentReference, DocumentManifest); other reads are not offered.
pub(super) async fn read(
    State(deps): State<FhirDeps>,
    path: Result<Path<(String, String, String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    peer: Option<Extension<tls::PeerCertificate>>,
    headers: HeaderMap,
) -> Response {
    let Ok(Path((naam, gegevensdienst, resource_type, id))) = path else {
        return bad_path(&deps, &headers);
    };
    let client_names = client_names(peer.as_ref());
    let started = Instant::now();
    let meta = RequestMeta::from_headers(&headers);
    let query = query.unwrap_or_default();
    let label = metric_label(&gegevensdienst, &resource_type, "/read");

    let format_param = format_param(&query);
    let fhir_requested = format::asks_for_fhir(accept(&headers), format_param.as_deref());
    let (format, result) = match format::negotiate(accept(&headers), format_param.as_deref()) {
        Ok(format) => {
            let action = format!(
                "{resource_type}/{}",
                if is_valid_id(&id) {
                    id.as_str()
                } else {
                    "(invalid)"
                }
            );
            let (deps_ref, meta_ref) = (&deps, &meta);
            let (naam_ref, dienst_ref, type_ref, id_ref) =
                (&naam, &gegevensdienst, &resource_type, &id);
            let caller = Caller {
                headers: &headers,
                client_names: &client_names,
                query: &query,
            };
            let result = authorized(&deps, &meta, caller, &naam, &gegevensdienst, action, |grant, now| async move {
                let (deps, meta) = (deps_ref, meta_ref);
                let (naam, gegevensdienst, resource_type, id) = (naam_ref, dienst_ref, type_ref, id_ref);
                if !is_valid_id(id) {
                    return Err(FhirError::BadRequest("invalid resource id in the read: use 1 to 64 letters, digits, '-' and '.'".to_owned()));
                }
                if !searches::readable(gegevensdienst, resource_type) {
                    return Err(FhirError::NotSupported(format!(
                        "reading {} by id is not supported in gegevensdienst {}",
                        echo_safe(resource_type, "this resource type"),
                        echo_safe(gegevensdienst, "this gegevensdienst")
                    )));
                }
                let practice = practice(deps, naam, gegevensdienst).await?;
                let request = binary::BinaryRequest {
                    practice: &practice,
                    bsn: &grant.bsn,
                    today: dutch_time::dutch_date(now),
                    base_url: &practice_base(deps, naam, gegevensdienst),
                    correlation_id: &meta.lsp_correlation_id(),
                    resource_type,
                    id,
                    fhir_requested,
                    format,
                };
                binary::read(deps, request).await
            })
            .await;
            (format, result)
        }
        Err(error) => (Format::Json, Err(error)),
    };
    finish(&deps, &meta, &label, started, format, result)
}

/// `GET /{naam}/{gegevensdienst}/metadata`: the CapabilityStatement, without a token.
pub(super) async fn metadata(
    State(deps): State<FhirDeps>,
    Path((naam, gegevensdienst)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let started = Instant::now();
    let meta = RequestMeta::from_headers(&headers);
    let query = query.unwrap_or_default();
    let label = metric_label(&gegevensdienst, "metadata", "");

    let format_param = format_param(&query);
    let (format, result) = match format::negotiate(accept(&headers), format_param.as_deref()) {
        Ok(format) => {
            let now = deps.clock.now();
            let result = capability::statement(
                &gegevensdienst,
                &practice_base(&deps, &naam, &gegevensdienst),
                now,
            )
            .and_then(|statement| capability::render(&statement, format))
            .map(|text| Body {
                content_type: format.content_type().to_owned(),
                bytes: text.into_bytes(),
                resource_count: 0,
            });
            (format, result)
        }
        Err(error) => (Format::Json, Err(error)),
    };
    finish(&deps, &meta, &label, started, format, result)
}

/// Rejects a path whose segments are not valid UTF-8 after percent-decoding, with 400 and an
/// OperationOutcome.
fn bad_path(deps: &FhirDeps, headers: &HeaderMap) -> Response {
    let meta = RequestMeta::from_headers(headers);
    let error = FhirError::BadRequest("the URL path is not valid percent-encoded UTF-8".to_owned());
    finish(
        deps,
        &meta,
        "other",
        Instant::now(),
        Format::Json,
        Err(error),
    )
}

/// Any other path: 404 with an OperationOutcome.
pub(super) async fn not_found(State(deps): State<FhirDeps>, headers: HeaderMap) -> Response {
    let meta = RequestMeta::from_headers(&headers);
    let error = FhirError::NotSupported("this FHIR path is not supported".to_owned());
    finish(
        &deps,
        &meta,
        "other",
        Instant::now(),
        Format::Json,
        Err(error),
    )
}

/// What a request says about who sends it: its headers, the dNSNames of its TLS client certificate
/// and its query string.
#[derive(Clone, Copy)]
struct Caller<'a> {
    headers: &'a HeaderMap,
    client_names: &'a [String],
    query: &'a str,
}

/// Returns the dNSNames of the TLS client certificate, or none when the request came without one.
fn client_names(peer: Option<&Extension<tls::PeerCertificate>>) -> Vec<String> {
    peer.map(|Extension(peer)| peer.dns_names.clone())
        .unwrap_or_default()
}

/// Checks the token, runs `serve` and writes the audit event. Data goes out only when the audit event
/// was stored; failures after authorization are audited too, on a best-effort basis.
async fn authorized<F, Fut>(
    deps: &FhirDeps,
    meta: &RequestMeta,
    caller: Caller<'_>,
    naam: &str,
    gegevensdienst: &str,
    action: String,
    serve: F,
) -> Result<Body, FhirError>
where
    F: FnOnce(TokenGrant, OffsetDateTime) -> Fut,
    Fut: std::future::Future<Output = Result<Body, FhirError>>,
{
    let now = deps.clock.now();
    auth::reject_query_token(caller.query)?;
    let grant = auth::authorize(
        deps.tokens.as_ref(),
        caller.headers,
        caller.client_names,
        naam,
        gegevensdienst,
        now,
    )
    .await?;
    let client_id = grant.client_id.clone();
    let zorgaanbieder = grant.zorgaanbieder.clone();
    let bsn: Bsn = grant.bsn.clone();

    let result = serve(grant, now).await;

    let (status, resource_count) = match &result {
        Ok(body) => (StatusCode::OK, body.resource_count),
        Err(error) => (error.status(), 0),
    };
    let event = AuditEvent {
        at: now,
        client_id,
        zorgaanbieder,
        gegevensdienst: gegevensdienst.to_owned(),
        bsn,
        action,
        status: status.as_u16(),
        resource_count,
        request_id: meta.request_id.clone(),
        correlation_id: meta.correlation_id.clone(),
    };
    if let Err(error) = deps.audit.record(event).await {
        tracing::error!(%error, request_id = meta.request_id.as_deref(), "writing the audit event failed");
        if result.is_ok() {
            return Err(FhirError::Internal(
                "the access could not be logged, so no data is served".to_owned(),
            ));
        }
    }
    result
}

pub(super) async fn practice(
    deps: &FhirDeps,
    naam: &str,
    gegevensdienst: &str,
) -> Result<Practice, FhirError> {
    let practice = deps
        .practices
        .practice(naam)
        .await
        .map_err(|error| {
            tracing::error!(%error, "practice lookup failed");
            FhirError::Internal("the zorgaanbieder could not be looked up".to_owned())
        })?
        .ok_or_else(|| FhirError::NotFound("unknown zorgaanbieder".to_owned()))?;
    if !practice
        .gegevensdiensten
        .iter()
        .any(|offered| offered == gegevensdienst)
    {
        return Err(FhirError::NotSupported(format!(
            "the zorgaanbieder does not offer gegevensdienst {gegevensdienst}"
        )));
    }
    Ok(practice)
}

/// Refuses to send a body that contains the patient's BSN anywhere (defence in depth: the translation
/// masks BSN identifiers, but free text could still carry one).
/// Returns `text` for an error message when it is a short name (letters, or a number of up to
/// three digits such as a gegevensdienst id), else `fallback`, so that caller text is not echoed.
fn echo_safe<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    let word =
        !text.is_empty() && text.len() <= 40 && text.bytes().all(|b| b.is_ascii_alphabetic());
    let number = !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    if word || number { text } else { fallback }
}

pub(super) fn ensure_no_bsn(text: &str, bsn: &Bsn) -> Result<(), FhirError> {
    if text.contains(bsn.as_str()) {
        tracing::error!("a response contained the patient's BSN and was withheld");
        return Err(FhirError::Internal(
            "the response could not be made safe to send".to_owned(),
        ));
    }
    Ok(())
}

pub(super) fn practice_base(deps: &FhirDeps, naam: &str, gegevensdienst: &str) -> String {
    format!(
        "{}/{naam}/{gegevensdienst}",
        deps.base_url.trim_end_matches('/')
    )
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
}

fn format_param(query: &str) -> Option<String> {
    params::decode(query)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "_format")
        .map(|(_, value)| value)
}

/// Describes the access for the audit trail: the resource type and the parameter names, never values,
/// so that nothing a client typed (possibly a BSN) is stored in clear text.
fn audit_action(resource_type: &str, query: &str) -> String {
    let names: Vec<String> = params::decode(query)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    format!("{resource_type}?{}", names.join("&"))
}

/// FHIR ids: 1 to 64 characters of `A-Z a-z 0-9 - .`.
fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Returns a bounded metrics label: known searches by name, everything else as `other`.
fn metric_label(gegevensdienst: &str, resource_type: &str, suffix: &str) -> String {
    let known = searches::find(gegevensdienst, resource_type).is_some()
        || (resource_type == "metadata" && searches::is_known_gegevensdienst(gegevensdienst));
    if known {
        format!("{gegevensdienst}/{resource_type}{suffix}")
    } else {
        "other".to_owned()
    }
}

fn finish(
    deps: &FhirDeps,
    meta: &RequestMeta,
    label: &str,
    started: Instant,
    format: Format,
    result: Result<Body, FhirError>,
) -> Response {
    let mut response = match result {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, body.content_type)],
            body.bytes,
        )
            .into_response(),
        Err(error) => {
            let status = error.status();
            if status.is_server_error() {
                tracing::warn!(search = label, status = status.as_u16(), %error, request_id = meta.request_id.as_deref(), "FHIR request failed");
            }
            error.to_response(format)
        }
    };

    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (name, value) in [
        (REQUEST_ID, &meta.request_id),
        (CORRELATION_ID, &meta.correlation_id),
    ] {
        if let Some(value) = value
            .as_deref()
            .and_then(|value| HeaderValue::from_str(value).ok())
        {
            headers.insert(name, value);
        }
    }

    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    deps.metrics.observe_request(label, status, seconds);
    tracing::info!(
        search = label,
        status,
        duration_ms = (seconds * 1000.0).round(),
        request_id = meta.request_id.as_deref(),
        correlation_id = meta.correlation_id.as_deref(),
        "FHIR request served"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_ids() {
        assert!(is_valid_id("example-pdfa-binary3"));
        assert!(is_valid_id("2.16.840.1.113883.2.4.6.6.90000258.4.8-43316"));
        assert!(!is_valid_id("$"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(65)));
    }

    #[test]
    fn audit_action_keeps_names_only() {
        assert_eq!(
            audit_action("Observation", "code=x%7C&date=ge2025-01-01"),
            "Observation?code&date"
        );
        assert_eq!(audit_action("EpisodeOfCare", ""), "EpisodeOfCare?");
    }

    #[test]
    fn metric_labels_are_bounded() {
        assert_eq!(metric_label("49", "EpisodeOfCare", ""), "49/EpisodeOfCare");
        assert_eq!(metric_label("49", "Foo", ""), "other");
        assert_eq!(metric_label("49", "metadata", ""), "49/metadata");
        assert_eq!(metric_label("77", "metadata", ""), "other");
    }
}
