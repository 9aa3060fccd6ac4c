//! Settings of the AORTA client: endpoint, identities, the gateway's AORTA identity, resilience.

use std::time::Duration;

/// How the client reaches the LSP and identifies the gateway.
#[derive(Debug, Clone)]
pub struct AortaConfig {
    /// The LSP SOAP endpoint, e.g. `https://lsp.localhost:8446/aorta`.
    pub lsp_url: String,
    /// Trust anchors for the LSP's server certificate (PEM); nothing else is trusted.
    pub roots_pem: String,
    /// The UZI server certificate and key presented as TLS client certificate.
    pub identity: tls::Identity,
    /// The RSA certificate and key that sign the WS-Security token.
    pub signing: tls::Identity,
    /// The gateway's AORTA application id.
    pub app_id: String,
    /// The gateway's UZI system number.
    pub uzi_system_number: String,
    /// URA of the organisation operating the gateway.
    pub ura: String,
    /// Name of that organisation.
    pub org_name: String,
    /// AORTA context code for the attention line.
    pub context_code: String,
    /// Deadlines.
    pub timeouts: Timeouts,
    /// Retries of failed sends.
    pub retry: RetryPolicy,
    /// Circuit breaker per GP system.
    pub breaker: BreakerSettings,
    /// Maximum number of concurrent queries per GP system; further queries wait for a slot.
    pub max_concurrent_per_his: usize,
    /// Validity window of the WS-Security token, starting at the send time.
    pub token_validity: Duration,
}

/// Deadlines of one query.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Time allowed to open the TCP and TLS connection.
    pub connect: Duration,
    /// Deadline of one query from start to verified answer, retries and waiting for a slot included.
    pub request: Duration,
}

/// When a failed send is repeated. Only failures without an answer are retried (see
/// [`crate::AortaError::is_retryable`]), each time with a new message id and token.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total number of attempts, at least 1.
    pub max_attempts: u32,
    /// Pause before the second attempt, doubled for each further attempt.
    pub backoff: Duration,
}

/// When the circuit breaker of a GP system opens and for how long.
#[derive(Debug, Clone, Copy)]
pub struct BreakerSettings {
    /// Consecutive availability failures that open the breaker.
    pub failure_threshold: u32,
    /// Time the breaker stays open before one trial query is let through.
    pub open_for: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(20),
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 2,
            backoff: Duration::from_millis(200),
        }
    }
}

impl Default for BreakerSettings {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            open_for: Duration::from_secs(30),
        }
    }
}

impl AortaConfig {
    /// Returns the demo settings: AORTA application id 4003, UZI system number 00001234, URA
    /// 00009999, default deadlines, retries and breaker.
    pub fn demo(
        lsp_url: &str,
        roots_pem: &str,
        identity: tls::Identity,
        signing: tls::Identity,
    ) -> Self {
        Self {
            lsp_url: lsp_url.to_owned(),
            roots_pem: roots_pem.to_owned(),
            identity,
            signing,
            app_id: "4003".to_owned(),
            uzi_system_number: "00001234".to_owned(),
            ura: "00009999".to_owned(),
            org_name: "lspplus".to_owned(),
            context_code: hl7v3::query::DEFAULT_CONTEXT_CODE.to_owned(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            breaker: BreakerSettings::default(),
            max_concurrent_per_his: 8,
            token_validity: Duration::from_secs(300),
        }
    }
}

/// The GP system a query is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HisTarget {
    /// AORTA application id of the GP system.
    pub app_id: String,
    /// Display name, for logs.
    pub name: String,
}
