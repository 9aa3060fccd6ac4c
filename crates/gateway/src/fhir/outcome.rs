//! Errors of the FHIR resource server and their responses: an OperationOutcome, the HTTP status and, on
//! 400, 401 and 403, a `WWW-Authenticate: Bearer error="…", error_description="…"` header.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fhir::{IssueSeverity, OperationOutcome, OperationOutcomeIssue};

use super::format::Format;
use super::ports::LspError;

/// A request that cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    /// No `Authorization: Bearer` header.
    #[error("no access token was sent")]
    MissingToken,
    /// The token is unknown, revoked or expired.
    #[error("the access token is invalid or expired")]
    InvalidToken,
    /// The token does not cover this practice or gegevensdienst.
    #[error("{0}")]
    OutOfScope(String),
    /// The patient may not see the data (under 16, or their age is unknown).
    #[error("{0}")]
    Forbidden(String),
    /// Bad request syntax or parameters.
    #[error("{0}")]
    BadRequest(String),
    /// `Accept` requests a FHIR version other than STU3.
    #[error("Requested FHIR version not supported")]
    UnsupportedVersion,
    /// A resource type or interaction that this gegevensdienst does not offer.
    #[error("{0}")]
    NotSupported(String),
    /// The requested resource does not exist (or is not disclosed).
    #[error("{0}")]
    NotFound(String),
    /// The LSP or GP system failed.
    #[error("{0}")]
    Lsp(LspError),
    /// A failure inside lspplus (store, audit, translation).
    #[error("{0}")]
    Internal(String),
}

impl FhirError {
    /// Returns the HTTP status; LSP codes follow VZVZ's mapping of LSP errors to HTTP.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingToken | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::OutOfScope(_) | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) | Self::UnsupportedVersion => StatusCode::BAD_REQUEST,
            Self::NotSupported(_) | Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Lsp(error) => lsp_status(error),
        }
    }

    /// Returns the FHIR issue type code.
    fn issue_code(&self) -> &'static str {
        match self {
            Self::MissingToken => "login",
            Self::InvalidToken => "expired",
            Self::OutOfScope(_) | Self::Forbidden(_) => "forbidden",
            Self::BadRequest(_) => "invalid",
            Self::UnsupportedVersion | Self::NotSupported(_) => "not-supported",
            Self::NotFound(_) => "not-found",
            Self::Internal(_) => "exception",
            Self::Lsp(error) => lsp_issue_code(error),
        }
    }

    /// Returns the RFC 6750 error code for the `WWW-Authenticate` header, on 400, 401 and 403.
    fn bearer_error(&self) -> Option<&'static str> {
        match self.status() {
            StatusCode::UNAUTHORIZED => Some("invalid_token"),
            StatusCode::BAD_REQUEST => Some("invalid_request"),
            StatusCode::FORBIDDEN => Some("insufficient_scope"),
            _ => None,
        }
    }

    /// Builds the OperationOutcome response in `format`.
    pub fn to_response(&self, format: Format) -> Response {
        let mut issue = OperationOutcomeIssue::new(IssueSeverity::Error, self.issue_code());
        issue.diagnostics = Some(self.to_string());
        if let Self::Lsp(LspError::Code(code)) = self {
            issue.details_coding = Some((
                "urn:oid:2.16.840.1.113883.2.4.6.6.1.1000".to_owned(),
                code.clone(),
                String::new(),
            ));
        }
        let outcome = OperationOutcome::new(vec![issue]).to_resource(None);

        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, format.content_type())],
            format.render(&outcome),
        )
            .into_response();
        if let Some(error) = self.bearer_error() {
            let value = format!(
                "Bearer realm=\"lspplus\", error=\"{error}\", error_description=\"{}\"",
                header_safe(&self.to_string())
            );
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        // The circuit stays open for seconds, and MGO honours Retry-After up to 60 s.
        // NOTE: 5 is an estimate of a useful wait, not the breaker's configured open time.
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

/// Maps an LSP failure to HTTP: `NOSTORE` 507, `RTEDEST` 408, `RTUDEST`/`KEY204`/`AUTERR_CONFRCV` 404,
/// `QABRTITI` 504, `AUTERR_MEDISCH`/`AUTERR_SWV_FALSE` 403, `SYN105` 422, other codes 500; our own
/// timeout 504, an open circuit 503, other transport failures 502.
fn lsp_status(error: &LspError) -> StatusCode {
    match error {
        LspError::Code(code) => match code.as_str() {
            "NOSTORE" => StatusCode::INSUFFICIENT_STORAGE,
            "RTEDEST" => StatusCode::REQUEST_TIMEOUT,
            "RTUDEST" | "KEY204" | "AUTERR_CONFRCV" => StatusCode::NOT_FOUND,
            "QABRTITI" => StatusCode::GATEWAY_TIMEOUT,
            "AUTERR_MEDISCH" | "AUTERR_SWV_FALSE" => StatusCode::FORBIDDEN,
            "SYN105" => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        },
        LspError::NotFound => StatusCode::NOT_FOUND,
        LspError::Timeout => StatusCode::GATEWAY_TIMEOUT,
        LspError::CircuitOpen => StatusCode::SERVICE_UNAVAILABLE,
        LspError::Mismatch(_) | LspError::Failed(_) => StatusCode::BAD_GATEWAY,
    }
}

fn lsp_issue_code(error: &LspError) -> &'static str {
    match error {
        LspError::Code(code) => match code.as_str() {
            "AUTERR_SWV_FALSE" => "suppressed",
            "AUTERR_MEDISCH" => "forbidden",
            "RTUDEST" | "KEY204" | "AUTERR_CONFRCV" => "not-found",
            "RTEDEST" | "QABRTITI" => "timeout",
            "NOSTORE" => "transient",
            "SYN105" => "invalid",
            _ => "exception",
        },
        LspError::NotFound => "not-found",
        LspError::Timeout => "timeout",
        LspError::CircuitOpen => "transient",
        LspError::Mismatch(_) | LspError::Failed(_) => "exception",
    }
}

/// Keeps only the characters RFC 6750 allows inside `error_description`.
fn header_safe(text: &str) -> String {
    text.chars()
        .filter(|c| matches!(c, ' ' | '!' | '#'..='[' | ']'..='~'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn www_authenticate(error: &FhirError) -> Option<String> {
        let response = error.to_response(Format::Json);
        response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|value| value.to_str().unwrap().to_owned())
    }

    #[test]
    fn unauthorized_has_quoted_bearer_error() {
        assert_eq!(
            www_authenticate(&FhirError::MissingToken).unwrap(),
            "Bearer realm=\"lspplus\", error=\"invalid_token\", error_description=\"no access token was sent\""
        );
    }

    #[test]
    fn bad_request_and_forbidden_have_header() {
        let bad = www_authenticate(&FhirError::BadRequest("bad \"id\"".into())).unwrap();
        assert!(bad.contains("error=\"invalid_request\""));
        assert!(bad.contains("error_description=\"bad id\""));
        let forbidden = www_authenticate(&FhirError::OutOfScope("x".into())).unwrap();
        assert!(forbidden.contains("error=\"insufficient_scope\""));
    }

    #[test]
    fn not_found_has_no_header() {
        assert!(www_authenticate(&FhirError::NotSupported("x".into())).is_none());
    }

    #[test]
    fn lsp_codes_map_to_status() {
        let cases = [
            ("NOSTORE", 507),
            ("RTEDEST", 408),
            ("RTUDEST", 404),
            ("KEY204", 404),
            ("AUTERR_CONFRCV", 404),
            ("QABRTITI", 504),
            ("AUTERR_MEDISCH", 403),
            ("AUTERR_SWV_FALSE", 403),
            ("SYN105", 422),
            ("XYZ", 500),
        ];
        for (code, status) in cases {
            assert_eq!(
                FhirError::Lsp(LspError::Code(code.into()))
                    .status()
                    .as_u16(),
                status,
                "{code}"
            );
        }
        assert_eq!(FhirError::Lsp(LspError::Timeout).status().as_u16(), 504);
        assert_eq!(FhirError::Lsp(LspError::CircuitOpen).status().as_u16(), 503);
        let response = FhirError::Lsp(LspError::CircuitOpen).to_response(Format::Json);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
    }
}
