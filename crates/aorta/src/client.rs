//! The AORTA client: signed SOAP queries over mutual TLS with deadlines, retries, a circuit
//! breaker and a concurrency limit per GP system.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::{Bsn, Clock};
use hl7v3::query::{QueryAuthor, QueryMessage};
use hl7v3::{Ii, Interaction};
use time::Date;
use tokio::sync::Semaphore;

use crate::answer::{AnswerXml, check_answer};
use crate::breaker::{BreakerState, Breakers};
use crate::config::{AortaConfig, HisTarget};
use crate::error::AortaError;
use crate::metrics::{Counters, MetricsSink};
use crate::security::{Token, signed_envelope};

/// A signed SOAP request and the message id its answer must acknowledge.
#[derive(Clone)]
pub struct SignedRequest {
    /// The complete SOAP envelope.
    pub xml: String,
    /// The transmission wrapper id of the query.
    pub message_id: Ii,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// Sends Ketenzorg queries to GP systems through the LSP.
#[derive(Debug)]
pub struct Client {
    config: AortaConfig,
    http: reqwest::Client,
    signing_key: xmldsig::SigningKey,
    clock: Arc<dyn Clock>,
    breakers: Breakers,
    limits: Mutex<HashMap<String, Arc<Semaphore>>>,
    metrics: Arc<dyn MetricsSink>,
}

impl Client {
    /// Builds the client: the mutual-TLS HTTP client (connection pooling included) and the
    /// signing key. Nothing is sent yet.
    pub fn new(config: AortaConfig, clock: Arc<dyn Clock>) -> Result<Self, AortaError> {
        let http = tls::http_client_builder(&config.roots_pem, Some(&config.identity))
            .map_err(|e| AortaError::Config(e.to_string()))?
            .connect_timeout(config.timeouts.connect)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(config.max_concurrent_per_his.max(1))
            .build()
            .map_err(|e| AortaError::Config(e.to_string()))?;
        let signing_key =
            xmldsig::SigningKey::from_pem(&config.signing.key_pem, &config.signing.cert_chain_pem)
                .map_err(|e| AortaError::Config(e.to_string()))?;
        Ok(Self {
            breakers: Breakers::new(config.breaker, clock.clone()),
            config,
            http,
            signing_key,
            clock,
            limits: Mutex::new(HashMap::new()),
            metrics: Arc::new(Counters::default()),
        })
    }

    /// Sends one event per finished query to `sink` (by default an unread [`Counters`]).
    pub fn with_metrics(mut self, sink: Arc<dyn MetricsSink>) -> Self {
        self.metrics = sink;
        self
    }

    /// Returns the circuit breaker state of a GP system.
    pub fn breaker_state(&self, his_app_id: &str) -> BreakerState {
        self.breakers.state(his_app_id)
    }

    /// Builds and signs the SOAP request of a query with a fresh message id, without sending it.
    pub fn build_request(
        &self,
        his: &HisTarget,
        interaction: Interaction,
        bsn: &Bsn,
        period: Option<(Date, Option<Date>)>,
    ) -> Result<SignedRequest, AortaError> {
        let now = self.clock.now();
        let author = QueryAuthor {
            uzi_system_number: self.config.uzi_system_number.clone(),
            ura: self.config.ura.clone(),
            org_name: self.config.org_name.clone(),
        };
        let mut query = QueryMessage::new(
            interaction,
            bsn.clone(),
            author,
            &self.config.app_id,
            &his.app_id,
            now,
        );
        query.context_code = self.config.context_code.clone();
        query.period = period;
        let message_xml = query
            .to_xml()
            .map_err(|e| AortaError::Config(e.to_string()))?;
        let token = Token {
            message_id: query.message_id.clone(),
            addressed_app_id: his.app_id.clone(),
            not_before: now,
            not_after: now + self.config.token_validity,
            trigger_event: query.trigger_event(),
            patient_bsn: bsn.as_str().to_owned(),
        };
        let xml = signed_envelope(&message_xml, &token, &self.signing_key)?;
        Ok(SignedRequest {
            xml,
            message_id: query.message_id,
        })
    }

    /// Sends a query to `his` and returns the checked answer.
    ///
    /// The whole call, waiting for a free slot and retries included, ends at the configured
    /// request deadline. Logs and metrics carry `correlation_id`, never the BSN.
    pub async fn query(
        &self,
        his: &HisTarget,
        interaction: Interaction,
        bsn: &Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &str,
    ) -> Result<AnswerXml, AortaError> {
        let started = std::time::Instant::now();
        let mut attempts = 0;
        let result = match self.breakers.acquire(&his.app_id) {
            Some(permit) => {
                let deadline = tokio::time::Instant::now() + self.config.timeouts.request;
                let run = self.run(his, interaction, bsn, period, correlation_id, &mut attempts);
                let result = tokio::time::timeout_at(deadline, run)
                    .await
                    .unwrap_or(Err(AortaError::Timeout));
                permit.finish(
                    result
                        .as_ref()
                        .err()
                        .is_some_and(AortaError::is_availability_failure),
                );
                result
            }
            None => Err(AortaError::CircuitOpen),
        };

        let elapsed = started.elapsed();
        let outcome = result.as_ref().map_or_else(AortaError::label, |_| "ok");
        self.metrics.query_finished(
            &his.app_id,
            interaction.as_str(),
            outcome,
            attempts,
            elapsed,
        );
        match &result {
            Ok(answer) => tracing::info!(
                correlation_id,
                his = %his.app_id,
                %interaction,
                attempts,
                elapsed_ms = elapsed.as_millis() as u64,
                issues = ?answer.issues,
                "AORTA query answered"
            ),
            Err(error @ (AortaError::WrongPatient | AortaError::WrongMessage)) => tracing::warn!(
                correlation_id,
                his = %his.app_id,
                %interaction,
                %error,
                "AORTA answer rejected"
            ),
            Err(error) => tracing::info!(
                correlation_id,
                his = %his.app_id,
                %interaction,
                attempts,
                elapsed_ms = elapsed.as_millis() as u64,
                outcome,
                %error,
                "AORTA query failed"
            ),
        }
        result
    }

    fn limit(&self, his_app_id: &str) -> Arc<Semaphore> {
        let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
        limits
            .entry(his_app_id.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.config.max_concurrent_per_his.max(1))))
            .clone()
    }

    async fn run(
        &self,
        his: &HisTarget,
        interaction: Interaction,
        bsn: &Bsn,
        period: Option<(Date, Option<Date>)>,
        correlation_id: &str,
        attempts: &mut u32,
    ) -> Result<AnswerXml, AortaError> {
        let limit = self.limit(&his.app_id);
        let _permit = limit
            .acquire()
            .await
            .map_err(|_| AortaError::Config("concurrency limit closed".to_owned()))?;
        let max_attempts = self.config.retry.max_attempts.max(1);
        let mut backoff = self.config.retry.backoff;
        loop {
            *attempts += 1;
            let request = self.build_request(his, interaction, bsn, period)?;
            let result = self.send(request, interaction, bsn, correlation_id).await;
            match result {
                Err(error) if error.is_retryable() && *attempts < max_attempts => {
                    tracing::info!(
                        correlation_id,
                        his = %his.app_id,
                        %interaction,
                        attempt = *attempts,
                        %error,
                        "AORTA query attempt failed; retrying"
                    );
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2);
                }
                other => return other,
            }
        }
    }

    async fn send(
        &self,
        request: SignedRequest,
        interaction: Interaction,
        bsn: &Bsn,
        correlation_id: &str,
    ) -> Result<AnswerXml, AortaError> {
        let response = self
            .http
            .post(&self.config.lsp_url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .header("X-Request-ID", correlation_id)
            .body(request.xml)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = read_limited(response).await?;
        if status != 200 {
            return match hl7v3::read::parse(&body)
                .ok()
                .and_then(|doc| crate::soap::fault(&doc))
            {
                Some(fault) => Err(AortaError::SoapFault {
                    code: fault.code,
                    reason: fault.reason,
                }),
                None => Err(AortaError::Http(status)),
            };
        }
        check_answer(body, interaction, &request.message_id, bsn)
    }
}

fn transport_error(error: reqwest::Error) -> AortaError {
    if error.is_timeout() {
        AortaError::Timeout
    } else {
        // The source chain contains the cause (refused, TLS alert, reset). The URL contains no patient data.
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        AortaError::Transport(text)
    }
}

/// Reads the response body up to the size limit of HL7v3 messages.
async fn read_limited(mut response: reqwest::Response) -> Result<String, AortaError> {
    let limit = hl7v3::read::MAX_MESSAGE_BYTES;
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(AortaError::Malformed(format!(
            "response larger than {limit} bytes"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            return Err(AortaError::Malformed(format!(
                "response larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| AortaError::Malformed("response is not UTF-8".to_owned()))
}
