//! The errors of an AORTA query, with the LSP error codes as their own variants.

/// Why a query to a GP system through the LSP failed.
///
/// Messages never contain the BSN. The LSP codes come from `reasonOf/justifiedDetectedIssue/code`
/// or `acknowledgementDetail/code` of an answer without usable data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AortaError {
    /// `NOSTORE`: the LSP could not store or forward the message.
    #[error("LSP error NOSTORE: the message could not be stored")]
    NoStore,
    /// `RTEDEST`: the destination GP system did not answer in time.
    #[error("LSP error RTEDEST: the GP system did not answer in time")]
    DestinationTimeout,
    /// `RTUDEST`: the destination application is unknown or unreachable.
    #[error("LSP error RTUDEST: the GP system is unknown or unreachable")]
    UnknownDestination,
    /// `KEY204`: the patient is not registered for this application in the Verwijsindex.
    #[error("LSP error KEY204: the patient is not registered at this GP system")]
    NotRegistered,
    /// `AUTERR_*`: the LSP did not authorise the query (the code gives the reason).
    #[error("LSP authorisation error {0}")]
    Unauthorized(String),
    /// `QABRTITI`: the query was aborted because it took too long.
    #[error("LSP error QABRTITI: the query was aborted")]
    QueryAborted,
    /// `SYN105`: the LSP or GP system rejected the message syntax.
    #[error("LSP error SYN105: the query was rejected as syntactically invalid")]
    SyntaxError,
    /// Another LSP or GP system error code.
    #[error("LSP error {0}")]
    Lsp(String),
    /// The GP system has no data of this kind for the patient (`queryResponseCode` `NF`).
    #[error("no data found (queryResponseCode NF)")]
    NotFound,
    /// The answer is about another patient than the one asked for.
    #[error("the answer contains another patient than the one queried")]
    WrongPatient,
    /// The answer does not acknowledge the query's message id.
    #[error("the answer does not acknowledge the query message id")]
    WrongMessage,
    /// The deadline of the query passed.
    #[error("the query timed out")]
    Timeout,
    /// The connection failed (TLS, refused, reset, incomplete answer).
    #[error("transport error: {0}")]
    Transport(String),
    /// The LSP answered with an HTTP status other than 200, without a SOAP fault.
    #[error("HTTP status {0}")]
    Http(u16),
    /// The LSP answered with a SOAP fault.
    #[error("SOAP fault {code}: {reason}")]
    SoapFault {
        /// The `faultcode`.
        code: String,
        /// The `faultstring`.
        reason: String,
    },
    /// The answer is not a well-formed SOAP message with an HL7v3 answer.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// The circuit breaker for this GP system is open after repeated failures.
    #[error("circuit breaker open for this GP system")]
    CircuitOpen,
    /// The client or the query could not be set up (configuration, certificates, signing).
    #[error("configuration error: {0}")]
    Config(String),
}

impl AortaError {
    /// Maps an LSP or GP system error code to its variant.
    pub fn from_lsp_code(code: &str) -> Self {
        match code {
            "NOSTORE" => Self::NoStore,
            "RTEDEST" => Self::DestinationTimeout,
            "RTUDEST" => Self::UnknownDestination,
            "KEY204" => Self::NotRegistered,
            "QABRTITI" => Self::QueryAborted,
            "SYN105" => Self::SyntaxError,
            other if other.starts_with("AUTERR_") => Self::Unauthorized(other.to_owned()),
            other => Self::Lsp(other.to_owned()),
        }
    }

    /// Returns a short stable label for metrics and logs, e.g. `timeout` or `lsp_rtedest`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::NoStore => "lsp_nostore",
            Self::DestinationTimeout => "lsp_rtedest",
            Self::UnknownDestination => "lsp_rtudest",
            Self::NotRegistered => "lsp_key204",
            Self::Unauthorized(_) => "lsp_auterr",
            Self::QueryAborted => "lsp_qabrtiti",
            Self::SyntaxError => "lsp_syn105",
            Self::Lsp(_) => "lsp_other",
            Self::NotFound => "not_found",
            Self::WrongPatient => "wrong_patient",
            Self::WrongMessage => "wrong_message",
            Self::Timeout => "timeout",
            Self::Transport(_) => "transport",
            Self::Http(_) => "http",
            Self::SoapFault { .. } => "soap_fault",
            Self::Malformed(_) => "malformed",
            Self::CircuitOpen => "circuit_open",
            Self::Config(_) => "config",
        }
    }

    /// Tells whether the failure shows that the GP system or the path to it is unhealthy, which counts
    /// towards opening the circuit breaker.
    pub fn is_availability_failure(&self) -> bool {
        matches!(
            self,
            Self::Timeout
                | Self::Transport(_)
                | Self::Malformed(_)
                | Self::DestinationTimeout
                | Self::QueryAborted
        ) || matches!(self, Self::Http(status) if *status >= 500)
    }

    /// Tells whether sending the query again (with a new message id) may succeed and is harmless:
    /// queries only read, and only failures before any answer arrived are retried.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transport(_)) || matches!(self, Self::Http(502..=504))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsp_codes_map_to_variants() {
        assert_eq!(AortaError::from_lsp_code("NOSTORE"), AortaError::NoStore);
        assert_eq!(
            AortaError::from_lsp_code("RTEDEST"),
            AortaError::DestinationTimeout
        );
        assert_eq!(
            AortaError::from_lsp_code("RTUDEST"),
            AortaError::UnknownDestination
        );
        assert_eq!(
            AortaError::from_lsp_code("KEY204"),
            AortaError::NotRegistered
        );
        assert_eq!(
            AortaError::from_lsp_code("QABRTITI"),
            AortaError::QueryAborted
        );
        assert_eq!(AortaError::from_lsp_code("SYN105"), AortaError::SyntaxError);
        assert_eq!(
            AortaError::from_lsp_code("AUTERR_SWV_FALSE"),
            AortaError::Unauthorized("AUTERR_SWV_FALSE".to_owned())
        );
        assert_eq!(
            AortaError::from_lsp_code("XYZ"),
            AortaError::Lsp("XYZ".to_owned())
        );
    }

    #[test]
    fn only_transport_and_gateway_statuses_retry() {
        assert!(AortaError::Transport("reset".into()).is_retryable());
        assert!(AortaError::Http(503).is_retryable());
        assert!(!AortaError::Http(500).is_retryable());
        assert!(!AortaError::Timeout.is_retryable());
        assert!(!AortaError::WrongPatient.is_retryable());
    }
}
