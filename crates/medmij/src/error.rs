//! OAuth 2.0 error codes and the fixed `error_description` texts the DVZA sends.
//!
//! All descriptions live in [`ErrorDescription`] so that the official MedMij 2.x values can replace
//! them in one place. The three `access_denied` texts are the Afsprakenstelsel 1.x ones. A description
//! never contains personal data, and uses only the characters RFC 6749 §5.2 allows.

use std::fmt;

/// An error code from RFC 6749 §4.1.2.1 (authorization endpoint) or §5.2 (token endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OAuthError {
    /// `invalid_request`: a parameter is missing, invalid or repeated.
    InvalidRequest,
    /// `unauthorized_client`: the client may not use this grant, or the person's identity could not be
    /// established (MedMij 1.x).
    UnauthorizedClient,
    /// `access_denied`: no data, consent refused, or authorization failed.
    AccessDenied,
    /// `unsupported_response_type`: `response_type` is not `code`.
    UnsupportedResponseType,
    /// `invalid_scope`: the scope is malformed or names what this server does not offer.
    InvalidScope,
    /// `server_error`: an unexpected condition inside the authorization server.
    ServerError,
    /// `temporarily_unavailable`: overload or maintenance.
    TemporarilyUnavailable,
    /// `invalid_client`: client authentication failed (token endpoint, HTTP 401).
    InvalidClient,
    /// `invalid_grant`: the code or refresh token is invalid, expired, used or not for this client.
    InvalidGrant,
    /// `unsupported_grant_type`: the grant type is not supported.
    UnsupportedGrantType,
}

impl OAuthError {
    /// Returns the code as sent in the `error` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::UnauthorizedClient => "unauthorized_client",
            OAuthError::AccessDenied => "access_denied",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::ServerError => "server_error",
            OAuthError::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// Returns the HTTP status for this error in a token endpoint response (RFC 6749 §5.2).
    pub fn token_status(self) -> u16 {
        match self {
            OAuthError::InvalidClient => 401,
            OAuthError::ServerError => 500,
            OAuthError::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fixed `error_description` texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorDescription {
    /// MedMij 1.x: the aanbieder has no data for this person and gegevensdienst.
    NoSuchResources,
    /// MedMij 1.x: the person refused consent.
    AuthorizationDenied,
    /// MedMij 1.x: the authorization could not be established.
    AuthorizationFailed,
    /// The person's identity could not be established (DigiD failed or was cancelled).
    IdentityNotEstablished,
    /// A parameter occurs more than once.
    RepeatedParameter,
    /// `response_type` is missing.
    MissingResponseType,
    /// `response_type` is not `code`.
    UnsupportedResponseType,
    /// `state` is missing.
    MissingState,
    /// `state` is longer than this server stores.
    StateTooLong,
    /// `scope` is missing.
    MissingScope,
    /// `scope` does not follow the grammar.
    MalformedScope,
    /// The scope names an aanbieder that this server does not serve.
    UnknownAanbieder,
    /// The scope names a gegevensdienst that the aanbieder does not offer here.
    GegevensdienstNotOffered,
    /// An internal error; the details are in the server log under the correlation id.
    InternalError,
    /// `grant_type` is missing.
    MissingGrantType,
    /// `grant_type` is not supported.
    UnsupportedGrantType,
    /// `code` is missing.
    MissingCode,
    /// The code is unknown.
    InvalidCode,
    /// The code has expired.
    CodeExpired,
    /// The code was presented before; the tokens issued from it are revoked.
    CodeAlreadyUsed,
    /// `redirect_uri` is missing from the token request.
    MissingRedirectUri,
    /// `redirect_uri` differs from the one in the authorization request.
    RedirectUriMismatch,
    /// `client_id` is missing.
    MissingClientId,
    /// `client_id` differs from the client the grant was issued to.
    ClientMismatch,
    /// The TLS client certificate does not belong to `client_id`.
    ClientCertificateMismatch,
    /// `refresh_token` is missing.
    MissingRefreshToken,
    /// The refresh token is unknown or revoked.
    InvalidRefreshToken,
    /// The refresh token expired after a period without use.
    RefreshTokenExpired,
    /// The refresh token belongs to a one-off consent and cannot be redeemed.
    RefreshNotAllowed,
    /// The consent behind the grant was revoked.
    ConsentRevoked,
}

impl ErrorDescription {
    /// Returns the text sent in `error_description`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorDescription::NoSuchResources => "No such resources.",
            ErrorDescription::AuthorizationDenied => "Authorization denied.",
            ErrorDescription::AuthorizationFailed => "Authorization failed.",
            ErrorDescription::IdentityNotEstablished => "Identity could not be established.",
            ErrorDescription::RepeatedParameter => "A request parameter is repeated.",
            ErrorDescription::MissingResponseType => "Missing response_type.",
            ErrorDescription::UnsupportedResponseType => "Only response_type=code is supported.",
            ErrorDescription::MissingState => "Missing state.",
            ErrorDescription::StateTooLong => "The state parameter is too long.",
            ErrorDescription::MissingScope => "Missing scope.",
            ErrorDescription::MalformedScope => "Malformed scope.",
            ErrorDescription::UnknownAanbieder => "Unknown aanbieder in scope.",
            ErrorDescription::GegevensdienstNotOffered => {
                "Gegevensdienst in scope not offered by this aanbieder."
            }
            ErrorDescription::InternalError => "Internal error.",
            ErrorDescription::MissingGrantType => "Missing grant_type.",
            ErrorDescription::UnsupportedGrantType => "Unsupported grant_type.",
            ErrorDescription::MissingCode => "Missing code.",
            ErrorDescription::InvalidCode => "Invalid code.",
            ErrorDescription::CodeExpired => "Code expired.",
            ErrorDescription::CodeAlreadyUsed => "Code already used.",
            ErrorDescription::MissingRedirectUri => "Missing redirect_uri.",
            ErrorDescription::RedirectUriMismatch => "redirect_uri does not match.",
            ErrorDescription::MissingClientId => "Missing client_id.",
            ErrorDescription::ClientMismatch => "client_id does not match the grant.",
            ErrorDescription::ClientCertificateMismatch => {
                "Client certificate does not match client_id."
            }
            ErrorDescription::MissingRefreshToken => "Missing refresh_token.",
            ErrorDescription::InvalidRefreshToken => "Invalid refresh_token.",
            ErrorDescription::RefreshTokenExpired => "Refresh token expired.",
            ErrorDescription::RefreshNotAllowed => "Consent does not allow refresh.",
            ErrorDescription::ConsentRevoked => "Consent revoked.",
        }
    }
}

impl fmt::Display for ErrorDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error with its description, as sent to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthFailure {
    /// The RFC 6749 error code.
    pub error: OAuthError,
    /// The fixed description.
    pub description: ErrorDescription,
}

impl OAuthFailure {
    /// Pairs an error code with a description.
    pub fn new(error: OAuthError, description: ErrorDescription) -> Self {
        Self { error, description }
    }

    /// Returns the JSON body of a token endpoint error response (RFC 6749 §5.2).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "error": self.error.as_str(),
            "error_description": self.description.as_str(),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_use_allowed_characters() {
        let all = [
            ErrorDescription::NoSuchResources,
            ErrorDescription::AuthorizationDenied,
            ErrorDescription::AuthorizationFailed,
            ErrorDescription::GegevensdienstNotOffered,
            ErrorDescription::ClientCertificateMismatch,
        ];
        for description in all {
            assert!(
                description
                    .as_str()
                    .bytes()
                    .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E))
            );
        }
        assert_eq!(
            ErrorDescription::NoSuchResources.as_str(),
            "No such resources."
        );
        assert_eq!(
            ErrorDescription::AuthorizationDenied.as_str(),
            "Authorization denied."
        );
        assert_eq!(
            ErrorDescription::AuthorizationFailed.as_str(),
            "Authorization failed."
        );
    }

    #[test]
    fn failure_json_and_status() {
        let failure = OAuthFailure::new(OAuthError::InvalidGrant, ErrorDescription::CodeExpired);
        assert_eq!(
            failure.to_json(),
            r#"{"error":"invalid_grant","error_description":"Code expired."}"#
        );
        assert_eq!(OAuthError::InvalidGrant.token_status(), 400);
        assert_eq!(OAuthError::InvalidClient.token_status(), 401);
    }
}
