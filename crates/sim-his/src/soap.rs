//! The SOAP 1.1 server of the simulated LSP with its GP systems, over mutual TLS.
//!
//! Every request must carry a client certificate of the demo CA, a valid query and a WS-Security
//! token signed by the trusted signing certificate. The answer comes from an [`AnswerSource`],
//! unless the [`FaultSwitch`] asks for a failure.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Clock;
use hl7v3::Ii;
use hl7v3::query::ReceivedQuery;
use tls::PeerCertificate;
use tokio::net::TcpListener;

use crate::soap_answer::{envelope, fault, lsp_error, swap_patient};
use crate::soap_check::check_request;
pub use crate::soap_fault::{Fault, FaultSwitch};
use crate::source::{AnswerSource, QueryContext};

/// What the SOAP server answers from and whom it trusts.
#[derive(Clone)]
pub struct SoapOptions {
    /// The answers per patient and interaction.
    pub source: Arc<dyn AnswerSource>,
    /// Fault injection, shared with the test or the demo.
    pub faults: FaultSwitch,
    /// The time used for token windows and answer timestamps.
    pub clock: Arc<dyn Clock>,
    /// The certificate (PEM) whose key must sign the WS-Security token.
    pub trusted_signer_pem: String,
}

impl std::fmt::Debug for SoapOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoapOptions")
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

/// Returns the router that answers SOAP POSTs on any path.
pub fn router(options: SoapOptions) -> Router {
    Router::new().fallback(handle).with_state(Arc::new(options))
}

/// Serves the SOAP endpoint on `listener` with `tls_config` (which should require client
/// certificates) until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    tls_config: Arc<tls::rustls::ServerConfig>,
    options: SoapOptions,
    shutdown: impl Future<Output = ()>,
) {
    tls::serve(listener, tls_config, router(options), shutdown).await;
}

fn soap_response(status: StatusCode, xml: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

fn soap_fault(code: &str, reason: &str) -> Response {
    match fault(code, reason) {
        Ok(xml) => soap_response(StatusCode::INTERNAL_SERVER_ERROR, xml),
        Err(error) => {
            tracing::error!(%error, "writing a SOAP fault failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn handle(
    State(options): State<Arc<SoapOptions>>,
    method: Method,
    peer: Option<axum::Extension<PeerCertificate>>,
    body: String,
) -> Response {
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let Some(axum::Extension(peer)) = peer else {
        tracing::info!("SOAP request without client certificate rejected");
        return soap_fault("Client", "a client certificate is required");
    };
    let now = options.clock.now();
    let query = match check_request(&body, &options.trusted_signer_pem, now) {
        Ok(query) => query,
        Err(rejection) => {
            tracing::info!(client = %peer.subject, %rejection, "SOAP request rejected");
            return soap_fault("Client", &rejection.to_string());
        }
    };
    let fault = options.faults.next();
    tracing::info!(
        client = %peer.subject,
        interaction = %query.interaction,
        receiver = %query.receiver_app_id,
        fault = ?fault,
        "SOAP query received"
    );
    match fault {
        None => answer(&options, &query, now, &query.message_id),
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            answer(&options, &query, now, &query.message_id)
        }
        Some(Fault::Timeout) => std::future::pending().await,
        Some(Fault::Reset) => reset(),
        Some(Fault::Http500) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
        Some(Fault::SoapFault) => soap_fault("Server", "simulated LSP failure"),
        Some(Fault::LspError(code)) => match lsp_error(&query, &code, now) {
            Ok(xml) => soap_response(StatusCode::OK, envelope(&xml)),
            Err(error) => soap_fault("Server", &error.to_string()),
        },
        Some(Fault::Malformed) => soap_response(StatusCode::OK, "this is not XML <".to_owned()),
        Some(Fault::Truncated) => {
            let full = answer_text(&options, &query, now, &query.message_id);
            let half = full.len() / 2;
            let cut = (0..=half)
                .rev()
                .find(|i| full.is_char_boundary(*i))
                .unwrap_or(0);
            soap_response(StatusCode::OK, full[..cut].to_owned())
        }
        Some(Fault::OtherPatient) => {
            let full = answer_text(&options, &query, now, &query.message_id);
            soap_response(StatusCode::OK, swap_patient(&full, query.bsn.as_str()))
        }
        Some(Fault::OtherMessageId) => {
            let other = Ii::new(
                query.message_id.root.clone(),
                Some(&uuid::Uuid::new_v4().to_string()),
            );
            answer(&options, &query, now, &other)
        }
    }
}

/// Builds the SOAP answer text: the source's answer, or an `RTUDEST` LSP error when the source
/// does not serve the addressed application or interaction.
fn answer_text(
    options: &SoapOptions,
    query: &ReceivedQuery,
    now: time::OffsetDateTime,
    acknowledged: &Ii,
) -> String {
    let context = QueryContext {
        message_id: acknowledged.clone(),
        query_id: query.query_id.clone(),
        sender_app_id: query.sender_app_id.clone(),
        receiver_app_id: query.receiver_app_id.clone(),
        bsn: query.bsn.clone(),
        now,
    };
    let answer = options
        .source
        .answer_in_period(query.interaction, &context, query.period.as_ref())
        .map(Ok)
        .unwrap_or_else(|| {
            let mut unknown = query.clone();
            unknown.message_id = acknowledged.clone();
            lsp_error(&unknown, "RTUDEST", now)
        });
    match answer {
        Ok(xml) => envelope(&xml),
        Err(error) => {
            tracing::error!(%error, "writing an LSP error answer failed");
            String::new()
        }
    }
}

fn answer(
    options: &SoapOptions,
    query: &ReceivedQuery,
    now: time::OffsetDateTime,
    acknowledged: &Ii,
) -> Response {
    let xml = answer_text(options, query, now, acknowledged);
    if xml.is_empty() {
        return soap_fault("Server", "the answer could not be written");
    }
    soap_response(StatusCode::OK, xml)
}

/// Answers with a declared length far above the body sent, so the server aborts the connection
/// (HTTP/1.1) or the stream (HTTP/2) partway through the answer.
fn reset() -> Response {
    let mut response = Response::new(Body::from("<soap:Envelope"));
    response.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("100000"),
    );
    response
}
