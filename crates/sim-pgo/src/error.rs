//! Errors of the PGO client, each naming the step of the MedMij flow that failed and what came back.

use std::fmt;

/// A step of the MedMij flow as the PGO sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Downloading the Zorgaanbiederslijst and Gegevensdienstnamenlijst from the stelselnode.
    Lists,
    /// The authorization request to the DVZA's authorization endpoint.
    Authorize,
    /// The DVZA's start page before the DigiD login.
    Landing,
    /// Logging in at the DigiD simulator and coming back to the DVZA.
    DigidLogin,
    /// Answering the DVZA's consent question.
    Consent,
    /// The redirect back to the PGO's redirect URI with a code.
    Callback,
    /// Exchanging the code (or a refresh token) at the token endpoint over mutual TLS.
    Token,
    /// A FHIR request with the access token.
    Search,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Lists => "list download",
            Step::Authorize => "authorization request",
            Step::Landing => "DVZA start page",
            Step::DigidLogin => "DigiD login",
            Step::Consent => "consent",
            Step::Callback => "redirect back to the PGO",
            Step::Token => "token request",
            Step::Search => "FHIR request",
        })
    }
}

/// Why the PGO client failed.
#[derive(Debug, thiserror::Error)]
pub enum PgoError {
    /// The HTTPS client could not be built (bad CA or client certificate).
    #[error("failed to set up the HTTPS client: {0}")]
    Tls(#[from] tls::TlsError),
    /// A URL or option given to the client is invalid.
    #[error("invalid {what}: {value:?}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// The rejected value.
        value: String,
    },
    /// The request did not get an HTTP response (connection refused, TLS handshake, timeout).
    #[error("{step} failed: request to {url} failed: {source}")]
    Transport {
        /// The step.
        step: Step,
        /// The requested URL.
        url: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The server returned an HTTP status the flow cannot continue with.
    #[error("{step} failed: {url} returned HTTP {status}: {received}")]
    Status {
        /// The step.
        step: Step,
        /// The requested URL.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// A text excerpt of the response body.
        received: String,
    },
    /// The response had a status the flow accepts but content it cannot use.
    #[error("{step} failed: {problem}; received: {received}")]
    Unexpected {
        /// The step.
        step: Step,
        /// What was missing or wrong.
        problem: String,
        /// A text excerpt of what came back.
        received: String,
    },
    /// The DVZA redirected back to the PGO with an OAuth error.
    #[error("{step} failed: the DVZA redirected back with error={error} ({})", description.as_deref().unwrap_or("no error_description"))]
    Denied {
        /// The step.
        step: Step,
        /// The `error` parameter.
        error: String,
        /// The `error_description` parameter.
        description: Option<String>,
    },
    /// The `state` on the redirect back differs from the one the PGO sent.
    #[error("{step} failed: the returned state does not match the state that was sent")]
    StateMismatch {
        /// The step.
        step: Step,
    },
}

impl PgoError {
    /// Returns the step that failed, when the error belongs to one.
    pub fn step(&self) -> Option<Step> {
        match self {
            PgoError::Tls(_) | PgoError::InvalidInput { .. } => None,
            PgoError::Transport { step, .. }
            | PgoError::Status { step, .. }
            | PgoError::Unexpected { step, .. }
            | PgoError::Denied { step, .. }
            | PgoError::StateMismatch { step } => Some(*step),
        }
    }
}
